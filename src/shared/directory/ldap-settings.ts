import { z } from 'zod';
import { emptyToUndefined, integer, optional, readableFile, stripTrailingSlash } from '../env-schema';
import type { LdapOptions } from './ldap-options';
import type { SourceAnchorSetting } from './source-anchor';

/** Example values for the directory settings, printed next to a problem. */
export const DIRECTORY_EXAMPLES: Record<string, string> = {
  LDAP_URL: 'ldaps://dc1.corp.contoso.com',
  LDAP_BIND_DN: 'CN=svc-anchor,OU=Service Accounts,DC=corp,DC=contoso,DC=com',
  LDAP_BIND_PASSWORD: '<password of the bind account>',
  LDAP_BASE_DN: 'DC=corp,DC=contoso,DC=com',
  LDAP_CA_FILE: '/etc/anchor/corp-root-ca.pem',
  LDAP_TLS_SERVER_NAME: 'dc1.corp.contoso.com',
  LDAP_TLS_INSECURE: 'false',
  LDAP_SYNC_OUS: 'OU=Staff,DC=corp,DC=contoso,DC=com;OU=Contractors,DC=corp,DC=contoso,DC=com',
  LDAP_CONNECT_TIMEOUT_MS: '5000',
  LDAP_TIMEOUT_MS: '10000',
  LDAP_PAGE_SIZE: '500',
  SOURCE_ANCHOR: 'auto',
};

const required = (schema: z.ZodString) => z.preprocess(emptyToUndefined, schema);
const millis = (fallback: number) => integer(100, 300_000, fallback);

/** SOURCE_ANCHOR, valid in every mode. */
export const sourceAnchorSchema = z.object({
  SOURCE_ANCHOR: z.preprocess(
    emptyToUndefined,
    z.enum(['auto', 'objectGUID', 'mS-DS-ConsistencyGuid']).default('auto'),
  ),
});

/**
 * `scheme://user:password@host`: credentials in a URL end up wherever the URL is shown (start-up
 * log, /healthz, status), so LDAP_URL is refused with them. Any scheme, so a mistyped one is caught too.
 */
const URL_WITH_CREDENTIALS = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i;

/** The LDAP settings production needs. */
export const ldapSchema = z.object({
  LDAP_URL: required(
    z
      .string()
      .regex(/^ldaps?:\/\/[^/\s]+\/?$/i, 'must be ldaps://host[:port] or ldap://host[:port]')
      // The message never repeats the value: it would print the password.
      .refine(
        (url) => !URL_WITH_CREDENTIALS.test(url),
        'must not contain a user name or password; put the account in LDAP_BIND_DN and its password in LDAP_BIND_PASSWORD',
      ),
  ),
  LDAP_BIND_DN: required(z.string().min(3)),
  LDAP_BIND_PASSWORD: required(z.string().min(1)),
  LDAP_BASE_DN: required(z.string().regex(/^[A-Za-z]+=.+/, 'must be a DN such as DC=corp,DC=contoso,DC=com')),
  LDAP_CA_FILE: optional(readableFile),
  LDAP_TLS_SERVER_NAME: z.preprocess(emptyToUndefined, z.string().optional()),
  LDAP_TLS_INSECURE: z.preprocess(emptyToUndefined, z.enum(['true', 'false']).default('false')),
  LDAP_SYNC_OUS: z.preprocess(emptyToUndefined, z.string().optional()),
  LDAP_CONNECT_TIMEOUT_MS: millis(5000),
  LDAP_TIMEOUT_MS: millis(10_000),
  LDAP_PAGE_SIZE: integer(1, 1000, 500),
});

/** The LdapOptions an environment describes. */
export function ldapOptionsFrom(
  env: z.infer<typeof ldapSchema>,
  sourceAnchor: SourceAnchorSetting,
): LdapOptions {
  return {
    url: stripTrailingSlash(env.LDAP_URL),
    bindDn: env.LDAP_BIND_DN,
    bindPassword: env.LDAP_BIND_PASSWORD,
    baseDn: env.LDAP_BASE_DN,
    caFile: env.LDAP_CA_FILE,
    tlsServerName: env.LDAP_TLS_SERVER_NAME,
    tlsInsecure: env.LDAP_TLS_INSECURE === 'true',
    syncScopeOus: syncScopeOusFrom(env.LDAP_SYNC_OUS),
    sourceAnchor,
    connectTimeoutMs: env.LDAP_CONNECT_TIMEOUT_MS,
    operationTimeoutMs: env.LDAP_TIMEOUT_MS,
    pageSize: env.LDAP_PAGE_SIZE,
  };
}

/** LDAP_SYNC_OUS as a list. DNs contain commas, so the list is separated by semicolons. */
export function syncScopeOusFrom(value: string | undefined): string[] {
  return (value ?? '')
    .split(';')
    .map((ou) => ou.trim())
    .filter(Boolean);
}
