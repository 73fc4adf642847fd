import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/shared/paths';
import { generateSigningKeyPair } from '../../src/shared/relay-protocol/request-signing';

/** infra/azure.bicep, as text: there is no Bicep compiler here, so tests read its plain shapes. */
export const BICEP = readFileSync(path.join(PROJECT_ROOT, 'infra', 'azure.bicep'), 'utf8');

/** One `{ name: 'X', value: <expression> }` of an app settings array in the template. */
export interface AppSetting {
  name: string;
  value: string;
}

/** The entries of `var <name> = [ … ]`, fails when the variable is missing. */
export function settingsOf(variable: string): AppSetting[] {
  const block = new RegExp(`^var ${variable} = \\[\\n([\\s\\S]*?)^\\]`, 'm').exec(BICEP)?.[1];
  assert.ok(block, `infra/azure.bicep has no "var ${variable} = [" block`);
  return block
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => {
      const m = /^\s*\{ name: '([^']+)', value: (.+) \}$/.exec(line);
      assert.ok(m, `cannot read the app setting line: ${line}`);
      return { name: m[1], value: m[2] };
    });
}

/** The relay's key pair of the sample deployment. */
export const relayPair = generateSigningKeyPair();
/** The bot's signing key pair of the sample deployment. */
export const botPair = generateSigningKeyPair();
/** The managed identity's client id in the sample deployment. */
export const CLIENT_ID = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
export const TENANT = '11111111-2222-4333-8444-555555555555';

/** What the template's parameters and resource properties evaluate to in a sample deployment. */
export function sampleValues(directorySource: 'relay' | 'ldap'): Record<string, string> {
  return {
    tenantId: TENANT,
    adminObjectIds: '22222222-3333-4444-8555-666666666666,33333333-4444-4555-8666-777777777777',
    adminGroupId: '',
    directorySource,
    relayKeys: `sync01=${relayPair.publicKey}`,
    botKeyId: 'anchor-bot',
    ldapSyncOus: 'OU=Staff,DC=corp,DC=contoso,DC=com',
    ldapUrl: directorySource === 'ldap' ? 'ldaps://dc1.corp.contoso.com' : '',
    ldapBindDn:
      directorySource === 'ldap' ? 'CN=svc-anchor,OU=Service Accounts,DC=corp,DC=contoso,DC=com' : '',
    ldapBaseDn: directorySource === 'ldap' ? 'DC=corp,DC=contoso,DC=com' : '',
    stateContainer: 'anchor-state',
    'identity.properties.clientId': CLIENT_ID,
    'storage.properties.primaryEndpoints.blob': 'https://anchorx7k2.blob.core.windows.net/',
  };
}

/** The secrets the operator puts in Key Vault, as App Service resolves their references. */
export const SECRETS: Record<string, string> = {
  'bot-signing-key': botPair.privateKey,
  'ldap-bind-password': 'a-long-random-password',
};

/**
 * The environment App Service gives the app: each setting's expression evaluated, Key Vault
 * references resolved when `resolve` has the secret (App Service leaves the reference text when it
 * cannot read it).
 */
export function appEnvironment(
  directorySource: 'relay' | 'ldap',
  resolve: Record<string, string> = SECRETS,
): Record<string, string> {
  const values = sampleValues(directorySource);
  const settings = [
    ...settingsOf('commonSettings'),
    ...(directorySource === 'ldap' ? settingsOf('ldapSettings') : []),
  ];
  return Object.fromEntries(
    settings.map(({ name, value }) => {
      const literal = /^'([^']*)'$/.exec(value)?.[1];
      const secret = /@Microsoft\.KeyVault\(VaultName=\$\{vault\.name\};SecretName=([a-z0-9-]+)\)/.exec(
        value,
      )?.[1];
      if (secret)
        return [name, resolve[secret] ?? `@Microsoft.KeyVault(VaultName=anchorkv;SecretName=${secret})`];
      if (literal !== undefined) return [name, literal];
      assert.ok(value in values, `${name}: the test does not know what ${value} evaluates to`);
      return [name, values[value]];
    }),
  );
}
