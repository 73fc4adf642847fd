/** How Anchor proves who it is to Entra ID. Secrets stay here and never reach a message. */
export type GraphCredentialConfig =
  | { kind: 'client-secret'; tenantId: string; clientId: string; clientSecret: string }
  | { kind: 'client-certificate'; tenantId: string; clientId: string; certificatePath: string }
  /** System-assigned without a client id; user-assigned with one. */
  | { kind: 'managed-identity'; clientId?: string };

/** Everything needed to talk to Microsoft Graph. */
export interface GraphOptions {
  /** Graph root without the version segment, e.g. `https://graph.microsoft.com`. */
  baseUrl: string;
  credential: GraphCredentialConfig;
  /** Entra authority host; `https://login.microsoftonline.com` when absent. */
  authorityHost?: string;
  /** PEM file with the CA that signed a private authority's certificate (labs, the simulator). */
  authorityCaFile?: string;
  /** PEM text of that CA, when it is only known at run time (demo mode). Wins over the file. */
  authorityCaPem?: string;
  /** Skip MSAL instance discovery; needed for any authority that is not a Microsoft cloud. */
  disableInstanceDiscovery: boolean;
  /** Overall deadline of one directory operation, retries and paging included. */
  timeoutMs: number;
  /** Retries of a throttled (429) or unavailable (503/504) request, within the deadline. */
  maxRetries: number;
}
