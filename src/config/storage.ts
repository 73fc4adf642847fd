import path from 'node:path';
import { z } from 'zod';
import { emptyToUndefined, optional, stripTrailingSlash } from '../shared/env-schema';
import { PROJECT_ROOT } from '../shared/paths';
import type { SettingProblem } from '../shared/setting-problem';
import type { StateStoreSettings } from '../services/state/state-store-factory';

/** Example values for the storage settings, printed next to a problem. */
export const STORAGE_EXAMPLES: Record<string, string> = {
  STATE_STORE: 'blob (or file, memory)',
  DATA_DIR: '/var/lib/anchor',
  AZURE_STORAGE_CONNECTION_STRING:
    'DefaultEndpointsProtocol=https;AccountName=anchorstate;AccountKey=<account key>;EndpointSuffix=core.windows.net',
  AZURE_STORAGE_ACCOUNT_URL: 'https://anchorstate.blob.core.windows.net',
  AZURE_STORAGE_CONTAINER: 'anchor-state',
};

/** Where the file store keeps its data unless DATA_DIR says otherwise. */
export const DEFAULT_DATA_DIR = path.join(PROJECT_ROOT, 'data');

/** Container used unless AZURE_STORAGE_CONTAINER says otherwise. */
export const DEFAULT_CONTAINER = 'anchor-state';

/** What {@link storageSettingsFrom} found: the settings, or the problems. */
export interface StorageSettingsResult {
  settings?: StateStoreSettings;
  problems: SettingProblem[];
}

/** Azure's rule: 3–63 lower-case letters, digits and single hyphens, a letter or digit at each end. */
const containerName = z
  .string()
  .regex(
    /^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$/,
    'must be 3–63 lower-case letters, digits and single hyphens, starting and ending with a letter or digit',
  );

const connectionString = z
  .string()
  .refine(
    isConnectionString,
    'must be an Azure Storage connection string with AccountName and AccountKey, ' +
      'BlobEndpoint and SharedAccessSignature, or UseDevelopmentStorage=true',
  );

const accountUrl = z.string().superRefine((text, ctx) => {
  const problem = accountUrlProblem(text);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

const storageSchema = z.object({
  STATE_STORE: optional(z.enum(['file', 'blob', 'memory'])),
  DATA_DIR: optional(z.string()),
  AZURE_STORAGE_CONNECTION_STRING: optional(connectionString),
  AZURE_STORAGE_ACCOUNT_URL: optional(accountUrl),
  AZURE_STORAGE_CONTAINER: z.preprocess(emptyToUndefined, containerName.default(DEFAULT_CONTAINER)),
});

/** The settings each store reads; any of them set for another store is a mistake worth stopping for. */
const SETTINGS_OF: Record<StateStoreSettings['kind'], string[]> = {
  memory: [],
  file: ['DATA_DIR'],
  blob: ['AZURE_STORAGE_CONNECTION_STRING', 'AZURE_STORAGE_ACCOUNT_URL', 'AZURE_STORAGE_CONTAINER'],
};

/**
 * Reads STATE_STORE, DATA_DIR and the AZURE_STORAGE_* settings. STATE_STORE defaults to `file` in
 * production; in demo mode to `memory` (the demo's simulated tenant starts afresh each run, and
 * state kept across runs would name users and requests it no longer has) unless DATA_DIR is set.
 *
 * Settings of a store other than the chosen one are refused, not ignored: a connection string
 * without STATE_STORE=blob would otherwise leave each instance on its own local files, and two
 * instances could each run the same approval.
 * @param anchorMode Demo mode cannot sign in to a storage account URL: its credential is the simulator's.
 */
export function storageSettingsFrom(
  raw: Record<string, string | undefined>,
  anchorMode: 'demo' | 'production',
): StorageSettingsResult {
  const parsed = storageSchema.safeParse(raw);
  if (!parsed.success) {
    return {
      problems: parsed.error.issues.map((issue) => ({
        name: String(issue.path[0] ?? 'STATE_STORE'),
        message: issue.message,
      })),
    };
  }
  const env = parsed.data;
  const kind = env.STATE_STORE ?? (anchorMode === 'production' || env.DATA_DIR ? 'file' : 'memory');
  const problems: SettingProblem[] = [];
  for (const [other, names] of Object.entries(SETTINGS_OF)) {
    if (other === kind) continue;
    for (const name of names.filter((n) => raw[n]?.trim())) {
      problems.push({
        name,
        message: `is only used with STATE_STORE=${other}; remove it or set STATE_STORE=${other}`,
      });
    }
  }
  if (kind === 'blob') problems.push(...blobProblems(env, anchorMode));
  if (problems.length > 0) return { problems };
  return { settings: settingsOf(kind, env), problems };
}

type StorageEnv = z.infer<typeof storageSchema>;

function blobProblems(env: StorageEnv, anchorMode: 'demo' | 'production'): SettingProblem[] {
  const { AZURE_STORAGE_CONNECTION_STRING: cs, AZURE_STORAGE_ACCOUNT_URL: url } = env;
  if (!cs && !url) {
    return [
      {
        name: 'AZURE_STORAGE_CONNECTION_STRING',
        message: 'is required with STATE_STORE=blob, unless AZURE_STORAGE_ACCOUNT_URL is set',
      },
    ];
  }
  if (cs && url) {
    return [
      {
        name: 'AZURE_STORAGE_ACCOUNT_URL',
        message: 'choose one: AZURE_STORAGE_CONNECTION_STRING or AZURE_STORAGE_ACCOUNT_URL',
      },
    ];
  }
  if (url && anchorMode === 'demo') {
    return [
      {
        name: 'AZURE_STORAGE_ACCOUNT_URL',
        message:
          'cannot be signed in to in demo mode; use AZURE_STORAGE_CONNECTION_STRING (for Azurite: UseDevelopmentStorage=true)',
      },
    ];
  }
  return [];
}

function settingsOf(kind: StateStoreSettings['kind'], env: StorageEnv): StateStoreSettings {
  switch (kind) {
    case 'memory':
      return { kind };
    case 'file':
      return { kind, dir: path.resolve(env.DATA_DIR ?? DEFAULT_DATA_DIR) };
    case 'blob':
      return env.AZURE_STORAGE_CONNECTION_STRING
        ? {
            kind,
            container: env.AZURE_STORAGE_CONTAINER,
            connectionString: env.AZURE_STORAGE_CONNECTION_STRING,
          }
        : {
            kind,
            container: env.AZURE_STORAGE_CONTAINER,
            accountUrl: stripTrailingSlash(env.AZURE_STORAGE_ACCOUNT_URL ?? ''),
          };
  }
}

/** `Name=value;…` with the parts the storage SDK needs to reach and sign in to a blob endpoint. */
function isConnectionString(text: string): boolean {
  const parts = new Map<string, string>();
  for (const pair of text.split(';').map((p) => p.trim())) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    if (eq <= 0) return false;
    parts.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
  if (parts.get('UseDevelopmentStorage') === 'true') return true;
  if (parts.get('AccountName') && parts.get('AccountKey')) return true;
  return Boolean(parts.get('BlobEndpoint') && parts.get('SharedAccessSignature'));
}

/** One message per bad URL; a SAS token in it would be a secret in a setting not treated as one. */
function accountUrlProblem(text: string): string | undefined {
  if (!URL.canParse(text)) return 'must be a URL such as https://<account>.blob.core.windows.net';
  const url = new URL(text);
  if (url.protocol !== 'https:') return 'must be an https:// URL';
  if (url.search || url.hash || url.username || url.password) {
    return 'must be the plain account URL, without a query (a SAS token belongs in AZURE_STORAGE_CONNECTION_STRING)';
  }
  return undefined;
}
