import { z } from 'zod';
import {
  emptyToUndefined,
  guid,
  integer,
  optional,
  readableFile,
  stripTrailingSlash,
} from '../shared/env-schema';
import type { SettingProblem } from '../shared/setting-problem';
import type { GraphCredentialConfig, GraphOptions } from '../services/entra/graph-options';

/** Example values for the Graph settings, printed next to a problem. */
export const GRAPH_EXAMPLES: Record<string, string> = {
  AZURE_TENANT_ID: '11111111-1111-1111-1111-111111111111 (defaults to ANCHOR_TENANT_ID)',
  AZURE_CLIENT_ID: '44444444-4444-4444-4444-444444444444 (the Graph app registration)',
  AZURE_CLIENT_SECRET: '<client secret of the Graph app registration>',
  AZURE_CLIENT_CERTIFICATE_PATH: '/etc/anchor/graph-app.pem (certificate and private key, PEM)',
  AZURE_USE_MANAGED_IDENTITY: 'true',
  AZURE_AUTHORITY_HOST: 'https://login.microsoftonline.us',
  AZURE_AUTHORITY_CA_FILE: '/etc/anchor/authority-ca.pem',
  GRAPH_TIMEOUT_MS: '20000',
  GRAPH_MAX_RETRIES: '4',
};

/** Authority hosts of the Microsoft clouds; instance discovery only makes sense for these. */
const MICROSOFT_AUTHORITY_HOSTS = [
  'login.microsoftonline.com',
  'login.microsoft.com',
  'login.windows.net',
  'login.microsoftonline.us',
  'login.chinacloudapi.cn',
  'login.partner.microsoftonline.cn',
];

const httpsUrl = z.url().refine((u) => u.startsWith('https://'), 'must be an https:// URL');

/** The Graph settings production needs; which credential is chosen is checked by graphProblems(). */
export const graphSchema = z.object({
  // Tokens go only to an https Graph in production; plain http is for the loopback simulator.
  GRAPH_BASE_URL: optional(httpsUrl),
  AZURE_TENANT_ID: optional(guid),
  AZURE_CLIENT_ID: optional(guid),
  AZURE_CLIENT_SECRET: optional(z.string()),
  AZURE_CLIENT_CERTIFICATE_PATH: optional(readableFile),
  AZURE_USE_MANAGED_IDENTITY: z.preprocess(emptyToUndefined, z.enum(['true', 'false']).default('false')),
  AZURE_AUTHORITY_HOST: optional(httpsUrl),
  AZURE_AUTHORITY_CA_FILE: optional(readableFile),
  GRAPH_TIMEOUT_MS: integer(1000, 300_000, 20_000),
  GRAPH_MAX_RETRIES: integer(0, 10, 4),
});

type GraphEnv = z.infer<typeof graphSchema>;

/**
 * Checks that exactly one way to authenticate is configured. The messages name settings, never
 * their values, so a secret cannot end up in a log.
 */
export function graphProblems(
  raw: Record<string, string | undefined>,
  anchorTenantId: string | undefined,
): SettingProblem[] {
  // Read the raw environment, so these problems are listed even when other settings are invalid.
  const env = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, v?.trim() || undefined]));
  const problems: SettingProblem[] = [];
  const managed = env.AZURE_USE_MANAGED_IDENTITY === 'true';
  const secret = Boolean(env.AZURE_CLIENT_SECRET);
  const certificate = Boolean(env.AZURE_CLIENT_CERTIFICATE_PATH);
  if ([managed, secret, certificate].filter(Boolean).length > 1) {
    problems.push({
      name: managed ? 'AZURE_USE_MANAGED_IDENTITY' : 'AZURE_CLIENT_CERTIFICATE_PATH',
      message:
        'choose one credential: AZURE_CLIENT_SECRET, AZURE_CLIENT_CERTIFICATE_PATH or AZURE_USE_MANAGED_IDENTITY=true',
    });
  }
  if (!managed && !secret && !certificate) {
    problems.push({
      name: 'AZURE_CLIENT_SECRET',
      message: 'is required unless AZURE_CLIENT_CERTIFICATE_PATH or AZURE_USE_MANAGED_IDENTITY=true is set',
    });
  }
  if (!managed && !env.AZURE_CLIENT_ID) {
    problems.push({ name: 'AZURE_CLIENT_ID', message: 'is required for a client secret or certificate' });
  }
  if (
    env.AZURE_TENANT_ID &&
    anchorTenantId &&
    env.AZURE_TENANT_ID.toLowerCase() !== anchorTenantId.toLowerCase()
  ) {
    problems.push({ name: 'AZURE_TENANT_ID', message: 'must be the tenant in ANCHOR_TENANT_ID' });
  }
  return problems;
}

/** The GraphOptions a validated production environment describes. */
export function graphOptionsFrom(env: GraphEnv, baseUrl: string, anchorTenantId: string): GraphOptions {
  const tenantId = (env.AZURE_TENANT_ID ?? anchorTenantId).toLowerCase();
  return {
    baseUrl,
    credential: credentialFrom(env, tenantId),
    authorityHost: env.AZURE_AUTHORITY_HOST && stripTrailingSlash(env.AZURE_AUTHORITY_HOST),
    authorityCaFile: env.AZURE_AUTHORITY_CA_FILE,
    disableInstanceDiscovery: isPrivateAuthority(env.AZURE_AUTHORITY_HOST),
    timeoutMs: env.GRAPH_TIMEOUT_MS,
    maxRetries: env.GRAPH_MAX_RETRIES,
  };
}

function credentialFrom(env: GraphEnv, tenantId: string): GraphCredentialConfig {
  if (env.AZURE_USE_MANAGED_IDENTITY === 'true') {
    // AZURE_CLIENT_ID picks a user-assigned identity, as DefaultAzureCredential reads it.
    return { kind: 'managed-identity', clientId: env.AZURE_CLIENT_ID?.toLowerCase() };
  }
  const clientId = (env.AZURE_CLIENT_ID ?? '').toLowerCase();
  if (env.AZURE_CLIENT_CERTIFICATE_PATH) {
    return {
      kind: 'client-certificate',
      tenantId,
      clientId,
      certificatePath: env.AZURE_CLIENT_CERTIFICATE_PATH,
    };
  }
  return { kind: 'client-secret', tenantId, clientId, clientSecret: env.AZURE_CLIENT_SECRET ?? '' };
}

/**
 * MSAL asks login.microsoftonline.com to vouch for an authority it does not know; a private
 * authority (a lab, the simulator) cannot be vouched for, so discovery is skipped for it.
 */
function isPrivateAuthority(host: string | undefined): boolean {
  if (!host) return false;
  return !MICROSOFT_AUTHORITY_HOSTS.includes(new URL(host).hostname.toLowerCase());
}
