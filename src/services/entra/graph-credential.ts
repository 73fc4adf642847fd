import { readFileSync } from 'node:fs';
import {
  ClientCertificateCredential,
  ClientSecretCredential,
  ManagedIdentityCredential,
} from '@azure/identity';
import type { TokenCredential, TokenCredentialOptions } from '@azure/identity';
import type { GraphOptions } from './graph-options';

/**
 * The @azure/identity credential the configuration asks for. Production and tests use these same
 * classes; the simulator is only a different (https, loopback) authority host.
 */
export function createGraphCredential(options: GraphOptions): TokenCredential {
  const { credential } = options;
  const common = credentialOptions(options);
  switch (credential.kind) {
    case 'client-secret':
      return new ClientSecretCredential(
        credential.tenantId,
        credential.clientId,
        credential.clientSecret,
        common,
      );
    case 'client-certificate':
      return new ClientCertificateCredential(
        credential.tenantId,
        credential.clientId,
        { certificatePath: credential.certificatePath },
        common,
      );
    case 'managed-identity':
      // The managed identity endpoint is local to the host (IMDS / App Service); no authority host.
      return credential.clientId
        ? new ManagedIdentityCredential({ clientId: credential.clientId })
        : new ManagedIdentityCredential();
  }
}

/** Authority, instance discovery and the CA of a private authority, shared by secret and certificate. */
function credentialOptions(
  options: GraphOptions,
): TokenCredentialOptions & { disableInstanceDiscovery?: boolean } {
  const ca =
    options.authorityCaPem ??
    (options.authorityCaFile ? readFileSync(options.authorityCaFile, 'utf8') : undefined);
  return {
    ...(options.authorityHost ? { authorityHost: options.authorityHost } : {}),
    // MSAL would ask login.microsoftonline.com about any other authority, and fail offline.
    ...(options.disableInstanceDiscovery ? { disableInstanceDiscovery: true } : {}),
    // Trusts the private CA for the token requests only; nothing else in the process changes.
    ...(ca ? { tlsOptions: { ca } } : {}),
  };
}
