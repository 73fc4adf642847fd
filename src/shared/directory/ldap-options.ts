import type { SourceAnchorSetting } from './source-anchor';

/** How Anchor reaches and reads the on-prem directory. */
export interface LdapOptions {
  /** `ldaps://dc1.corp.example.com` or `ldap://…` (then StartTLS is always used). */
  url: string;
  bindDn: string;
  bindPassword: string;
  /** Where user searches start. */
  baseDn: string;
  /** PEM file with the CA that issued the DC's certificate; the system CAs when absent. */
  caFile?: string;
  /** The name on the DC's certificate, when `url` uses an IP address or an alias. */
  tlsServerName?: string;
  /** Labs only: accept any certificate. Logged loudly, and shown in status. */
  tlsInsecure: boolean;
  /** OUs Entra Connect synchronises; empty means the whole base DN. */
  syncScopeOus: string[];
  sourceAnchor: SourceAnchorSetting;
  connectTimeoutMs: number;
  /** Per LDAP operation (each page of a search). */
  operationTimeoutMs: number;
  /** Entries per page of a paged search; AD's MaxPageSize is 1,000 by default. */
  pageSize: number;
}
