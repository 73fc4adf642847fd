import { z } from 'zod';
import { emptyToUndefined, guid, logLevel, optional, stripTrailingSlash } from '../shared/env-schema';
import type { SettingProblem } from '../shared/setting-problem';
import {
  DIRECTORY_EXAMPLES,
  ldapOptionsFrom,
  ldapSchema,
  sourceAnchorSchema,
} from '../shared/directory/ldap-settings';
import { DIRECTORY_SOURCE_EXAMPLES, directorySettingsFrom } from './directory';
import type { DirectorySettings } from './directory';
import { ALERT_EXAMPLES, alertSchema, alertSettingsFrom } from './alerts';
import type { AlertSettings } from './alerts';
import { LINK_EXAMPLES, linkSchema, linkSettingsFrom } from './link';
import type { LinkSettings } from './link';
import { GRAPH_EXAMPLES, graphOptionsFrom, graphProblems, graphSchema } from './graph';
import { RELAY_EXAMPLES, relaySettingsFrom } from './relay';
import type { RelaySettings } from './relay';
import { STORAGE_EXAMPLES, storageSettingsFrom } from './storage';
import type { StateStoreSettings } from '../services/state/state-store-factory';
import type { GraphOptions } from '../services/entra/graph-options';
import type { LdapOptions } from '../shared/directory/ldap-options';
import type { SourceAnchorSetting } from '../shared/directory/source-anchor';
import type { DemoDefaults } from './demo-defaults';

/** How Anchor runs: everything simulated on loopback, or against the real tenant. */
export type AnchorMode = 'demo' | 'production';

/** Bot Framework app registration types, as the Bot Framework SDK's configuration authentication takes them. */
export type MicrosoftAppType = 'SingleTenant' | 'MultiTenant' | 'UserAssignedMSI';

/** Bot Framework authentication settings, named as the Bot Framework SDK names them. */
export interface BotAuthConfig {
  MicrosoftAppId: string;
  MicrosoftAppPassword: string;
  MicrosoftAppType: MicrosoftAppType;
  MicrosoftAppTenantId: string;
}

/** Ports used only by demo mode. */
export interface DemoConfig {
  graphSimulatorPort: number;
  requesterPlaygroundPort: number;
  approverPlaygroundPort: number;
}

/** Validated configuration for one Anchor process. */
export interface AnchorConfig {
  mode: AnchorMode;
  host: string;
  port: number;
  logLevel: string;
  /** Bot Framework authentication; empty app id only in demo mode. */
  botAuth: BotAuthConfig;
  /** The one Entra tenant whose users may talk to Anchor. */
  allowedTenantId: string;
  /** Entra object ids of the admins who may use Anchor (lower case). */
  adminObjectIds: string[];
  /** An Entra group whose users (nested groups included) are admins as well (ANCHOR_ADMIN_GROUP_ID). */
  adminGroupId?: string;
  /**
   * Anchor's id in the Teams app catalog (TEAMS_APP_CATALOG_ID): lets Anchor install itself for an
   * admin it cannot reach yet. Unset: such an admin is named on the requester's card instead.
   */
  teamsAppCatalogId?: string;
  /** How to reach and authenticate to Graph; demo mode points it at the simulator. */
  graph: GraphOptions;
  /** Which AD attribute gives the ImmutableId. */
  sourceAnchor: SourceAnchorSetting;
  /** Where AD reads run (DIRECTORY_SOURCE) and the OUs Entra Connect syncs. */
  directory: DirectorySettings;
  /**
   * How the bot reaches a domain controller itself: set when `directory.source` is `ldap` (required
   * then in production), and in the demo whenever LDAP_URL is set (its relay reads that DC).
   */
  ldap?: LdapOptions;
  /** How link requests wait for approval and how a run verifies its result. */
  link: LinkSettings;
  /** The sync-health monitor: how often it reads and when it alerts. */
  alerts: AlertSettings;
  /**
   * The on-prem relay (RELAY_KEYS, BOT_SIGNING_KEY, BOT_KEY_ID); undefined when none is configured.
   * Demo mode generates ephemeral keys at start when this is unset.
   */
  relay?: RelaySettings;
  /** Where approvals, relay jobs, the audit log and conversation references are kept. */
  storage: StateStoreSettings;
  /** The bearer token that unlocks the details of `/healthz`; without it only liveness is answered. */
  healthToken?: string;
  demo: DemoConfig;
}

/** Thrown when the environment does not describe a runnable configuration. */
export class ConfigError extends Error {
  constructor(
    readonly mode: AnchorMode,
    readonly problems: SettingProblem[],
  ) {
    super(
      `Anchor cannot start in ${mode} mode:\n` +
        problems
          .map((p) => `  - ${p.name}: ${p.message}${p.example ? ` (example: ${p.name}=${p.example})` : ''}`)
          .join('\n'),
    );
    this.name = 'ConfigError';
  }
}

/** Example values printed next to each problem, so the fix can be pasted. */
const EXAMPLES: Record<string, string> = {
  ANCHOR_MODE: 'production',
  PORT: '3978',
  HOST: '0.0.0.0',
  LOG_LEVEL: 'info',
  MicrosoftAppId: '00000000-0000-0000-0000-000000000000 (the Azure Bot app registration)',
  MicrosoftAppPassword: '<client secret of the bot app registration>',
  MicrosoftAppType: 'SingleTenant',
  MicrosoftAppTenantId: '11111111-1111-1111-1111-111111111111',
  ANCHOR_TENANT_ID: '11111111-1111-1111-1111-111111111111',
  ANCHOR_ADMIN_IDS: '22222222-2222-2222-2222-222222222222,33333333-3333-3333-3333-333333333333',
  ANCHOR_ADMIN_GROUP_ID: '55555555-5555-5555-5555-555555555555 (an Entra security group)',
  TEAMS_APP_CATALOG_ID:
    '66666666-6666-6666-6666-666666666666 (Teams admin center: Manage apps, Anchor, App ID)',
  GRAPH_BASE_URL: 'https://graph.microsoft.com',
  GRAPH_SIM_PORT: '3979',
  PLAYGROUND_REQUESTER_PORT: '56150',
  PLAYGROUND_APPROVER_PORT: '56151',
  HEALTH_TOKEN: '<at least 32 random characters, e.g. from: openssl rand -hex 32>',
  ...DIRECTORY_EXAMPLES,
  ...DIRECTORY_SOURCE_EXAMPLES,
  ...GRAPH_EXAMPLES,
  ...RELAY_EXAMPLES,
  ...LINK_EXAMPLES,
  ...ALERT_EXAMPLES,
  ...STORAGE_EXAMPLES,
};

const port = z.coerce.number().int().min(1).max(65535);
const guidList = z
  .string()
  .transform((s) =>
    s
      .split(/[,;\s]+/)
      .map((x) => x.trim().toLowerCase())
      .filter(Boolean),
  )
  .pipe(z.array(guid).min(1, 'must list at least one Entra object id'));

const commonSchema = sourceAnchorSchema
  .extend(linkSchema.shape)
  .extend(alertSchema.shape)
  .extend({
    ANCHOR_MODE: z.enum(['demo', 'production']).default('demo'),
    PORT: optional(port),
    HOST: optional(z.string().min(1)),
    LOG_LEVEL: logLevel,
    GRAPH_BASE_URL: optional(z.url()),
    GRAPH_SIM_PORT: optional(port),
    PLAYGROUND_REQUESTER_PORT: optional(port),
    PLAYGROUND_APPROVER_PORT: optional(port),
    ANCHOR_ADMIN_GROUP_ID: optional(guid),
    TEAMS_APP_CATALOG_ID: optional(guid),
    // Guessable tokens would hand the health details to anyone; whitespace is a pasting mistake.
    HEALTH_TOKEN: optional(
      z
        .string()
        .min(32, 'must be at least 32 characters (e.g. openssl rand -hex 32)')
        .regex(/^\S+$/, 'must not contain spaces'),
    ),
  });

const productionSchema = graphSchema
  .extend({
    MicrosoftAppId: z.preprocess(emptyToUndefined, guid),
    MicrosoftAppPassword: optional(z.string()),
    MicrosoftAppType: z.enum(['SingleTenant', 'MultiTenant', 'UserAssignedMSI']),
    MicrosoftAppTenantId: optional(guid),
    ANCHOR_TENANT_ID: z.preprocess(emptyToUndefined, guid),
    ANCHOR_ADMIN_IDS: z.preprocess(emptyToUndefined, guidList),
  })
  .superRefine((env, ctx) => {
    if (env.MicrosoftAppType !== 'UserAssignedMSI' && !env.MicrosoftAppPassword) {
      ctx.addIssue({
        code: 'custom',
        path: ['MicrosoftAppPassword'],
        message: `is required when MicrosoftAppType is ${env.MicrosoftAppType}`,
      });
    }
    if (env.MicrosoftAppType !== 'MultiTenant' && !env.MicrosoftAppTenantId) {
      ctx.addIssue({
        code: 'custom',
        path: ['MicrosoftAppTenantId'],
        message: `is required when MicrosoftAppType is ${env.MicrosoftAppType}`,
      });
    }
  });

const DEMO_ONLY = ['GRAPH_SIM_PORT', 'PLAYGROUND_REQUESTER_PORT', 'PLAYGROUND_APPROVER_PORT'];

/**
 * Every environment variable the configuration reads. Deployment templates are checked against it,
 * so an app setting with a misspelt name cannot sit there unread.
 */
export const SETTING_NAMES: readonly string[] = [
  ...new Set([
    'NODE_ENV',
    ...Object.keys(EXAMPLES),
    ...Object.keys(commonSchema.shape),
    ...Object.keys(productionSchema.shape),
    ...Object.keys(ldapSchema.shape),
  ]),
].sort();

/** App Service puts this text in a setting whose Key Vault reference it could not resolve. */
const KEY_VAULT_REFERENCE = /^@Microsoft\.KeyVault\(/i;

/**
 * Settings whose value is still a Key Vault reference: App Service leaves the reference text in
 * place when it cannot read the secret, and that text must never be taken as the secret itself.
 */
function unresolvedSecrets(env: Record<string, string | undefined>): SettingProblem[] {
  return Object.entries(env)
    .filter(([, value]) => value !== undefined && KEY_VAULT_REFERENCE.test(value.trim()))
    .map(([name]) => ({
      name,
      message:
        'is a Key Vault reference App Service could not resolve: check that the secret exists and ' +
        "that the app's managed identity holds Key Vault Secrets User on the vault",
      example: '',
    }));
}

/**
 * Validates the environment and returns Anchor's configuration.
 * @param env Usually `process.env`, after an optional `.env` file was loaded.
 * @param demo Who demo mode runs as (the sim's demo tenant); production does not read it.
 * @throws ConfigError listing every missing or invalid setting.
 */
export function loadConfig(env: Record<string, string | undefined>, demo: DemoDefaults): AnchorConfig {
  const mode = resolveMode(env);
  const unresolved = unresolvedSecrets(env);
  if (unresolved.length > 0) throw new ConfigError(mode, unresolved);
  const common = commonSchema.safeParse(env);
  const problems = common.success ? [] : toProblems(common.error);
  const relay = relaySettingsFrom(env);
  problems.push(...relay.problems.map(withExample));
  const storage = storageSettingsFrom(env, mode);
  problems.push(...storage.problems.map(withExample));
  const directory = directorySettingsFrom(env, mode, relay.settings !== undefined);
  problems.push(...directory.problems.map(withExample));
  // Direct reads need the LDAP settings; the demo's own relay reads the DC they name.
  const wantsLdap = directory.settings.source === 'ldap' || (mode === 'demo' && !!env.LDAP_URL);
  const ldapEnv = wantsLdap ? ldapSchema.safeParse(env) : undefined;
  if (ldapEnv && !ldapEnv.success) problems.push(...toProblems(ldapEnv.error));
  if (mode === 'production') {
    const prod = productionSchema.safeParse(env);
    if (!prod.success) problems.push(...toProblems(prod.error));
    // Checked apart from the schema so a missing credential is listed with every other problem.
    problems.push(...graphProblems(env, env.ANCHOR_TENANT_ID).map(withExample));
    for (const name of DEMO_ONLY) {
      if (env[name]) problems.push({ name, message: 'is a demo-mode setting; remove it', example: '' });
    }
    if (problems.length > 0 || !common.success || !prod.success || !storage.settings) {
      throw new ConfigError(mode, problems);
    }
    return {
      ...productionConfig(common.data, prod.data),
      directory: directory.settings,
      // The bot holds the LDAP settings only when it reads AD itself.
      ldap:
        directory.settings.source === 'ldap' && ldapEnv?.success
          ? ldapOptionsFrom(ldapEnv.data, common.data.SOURCE_ANCHOR)
          : undefined,
      relay: relay.settings,
      storage: storage.settings,
      healthToken: common.data.HEALTH_TOKEN,
    };
  }
  if (problems.length > 0 || !common.success || !storage.settings) throw new ConfigError(mode, problems);
  const ldap = ldapEnv?.success ? ldapOptionsFrom(ldapEnv.data, common.data.SOURCE_ANCHOR) : undefined;
  return {
    ...demoConfig(common.data, demo),
    directory: directory.settings,
    ldap,
    relay: relay.settings,
    storage: storage.settings,
    healthToken: common.data.HEALTH_TOKEN,
  };
}

/**
 * Demo is the default only when nothing says otherwise: a deployment that set an app id or
 * NODE_ENV=production but forgot ANCHOR_MODE must not fall back to unauthenticated demo mode.
 */
function resolveMode(env: Record<string, string | undefined>): AnchorMode {
  if (env.ANCHOR_MODE) return env.ANCHOR_MODE === 'production' ? 'production' : 'demo';
  if (env.MicrosoftAppId?.trim() || env.NODE_ENV === 'production') return 'production';
  return 'demo';
}

type CommonEnv = z.infer<typeof commonSchema>;
type ProductionEnv = z.infer<typeof productionSchema>;

function productionConfig(
  common: CommonEnv,
  prod: ProductionEnv,
): Omit<AnchorConfig, 'storage' | 'directory'> {
  const graphBaseUrl = stripTrailingSlash(common.GRAPH_BASE_URL ?? 'https://graph.microsoft.com');
  return {
    mode: 'production',
    host: common.HOST ?? '0.0.0.0',
    port: common.PORT ?? 3978,
    logLevel: common.LOG_LEVEL,
    botAuth: {
      MicrosoftAppId: prod.MicrosoftAppId,
      MicrosoftAppPassword: prod.MicrosoftAppPassword ?? '',
      MicrosoftAppType: prod.MicrosoftAppType,
      MicrosoftAppTenantId: prod.MicrosoftAppTenantId ?? '',
    },
    allowedTenantId: prod.ANCHOR_TENANT_ID.toLowerCase(),
    adminObjectIds: prod.ANCHOR_ADMIN_IDS,
    adminGroupId: common.ANCHOR_ADMIN_GROUP_ID?.toLowerCase(),
    teamsAppCatalogId: common.TEAMS_APP_CATALOG_ID?.toLowerCase(),
    graph: graphOptionsFrom(prod, graphBaseUrl, prod.ANCHOR_TENANT_ID),
    sourceAnchor: common.SOURCE_ANCHOR,
    link: linkSettingsFrom(common, 'production'),
    alerts: alertSettingsFrom(common, 'production'),
    demo: { graphSimulatorPort: 0, requesterPlaygroundPort: 0, approverPlaygroundPort: 0 },
  };
}

function demoConfig(common: CommonEnv, demo: DemoDefaults): Omit<AnchorConfig, 'storage' | 'directory'> {
  const graphSimulatorPort = common.GRAPH_SIM_PORT ?? 3979;
  return {
    mode: 'demo',
    // Demo mode accepts unauthenticated Bot Framework traffic, so it only ever listens on loopback.
    host: '127.0.0.1',
    port: common.PORT ?? 3978,
    logLevel: common.LOG_LEVEL,
    botAuth: {
      MicrosoftAppId: '',
      MicrosoftAppPassword: '',
      MicrosoftAppType: 'MultiTenant',
      MicrosoftAppTenantId: '',
    },
    allowedTenantId: demo.tenantId,
    adminObjectIds: [...demo.adminObjectIds],
    adminGroupId: common.ANCHOR_ADMIN_GROUP_ID?.toLowerCase(),
    teamsAppCatalogId: (common.TEAMS_APP_CATALOG_ID ?? demo.teamsAppCatalogId)?.toLowerCase(),
    graph: demoGraphOptions(`http://127.0.0.1:${graphSimulatorPort}`, demo),
    sourceAnchor: common.SOURCE_ANCHOR,
    link: linkSettingsFrom(common, 'demo'),
    alerts: alertSettingsFrom(common, 'demo'),
    demo: {
      graphSimulatorPort,
      requesterPlaygroundPort: common.PLAYGROUND_REQUESTER_PORT ?? 56150,
      approverPlaygroundPort: common.PLAYGROUND_APPROVER_PORT ?? 56151,
    },
  };
}

/**
 * Demo mode signs in to the simulator with a client secret, through the same credential class as
 * production. The simulator's HTTPS authority and its certificate are only known once it runs, so
 * the demo passes them to createGraphServices().
 */
function demoGraphOptions(baseUrl: string, demo: DemoDefaults): GraphOptions {
  return {
    baseUrl,
    credential: {
      kind: 'client-secret',
      tenantId: demo.tenantId,
      clientId: demo.graphApp.clientId,
      clientSecret: demo.graphApp.clientSecret,
    },
    disableInstanceDiscovery: true,
    timeoutMs: 20_000,
    maxRetries: 4,
  };
}

function withExample(problem: SettingProblem): SettingProblem {
  return { ...problem, example: EXAMPLES[problem.name] ?? '' };
}

function toProblems(error: z.ZodError): SettingProblem[] {
  return error.issues.map((issue) => {
    const name = String(issue.path[0] ?? 'configuration');
    const message =
      issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : issue.message;
    return { name, message, example: EXAMPLES[name] ?? '' };
  });
}
