import {
  ConfidentialityRequiredError,
  InsufficientAccessError,
  InvalidCredentialsError,
  ResultsTooLargeError,
  SizeLimitExceededError,
  StrongAuthRequiredError,
  TimeLimitExceededError,
} from 'ldapts';
import { DirectoryError } from './directory-error';
import { isTlsTrustError } from '../tls-trust';

/** Where the failing call went, so the message can name it. */
export interface LdapErrorContext {
  url: string;
  bindDn: string;
}

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/**
 * Turns whatever ldapts or the socket threw into a {@link DirectoryError} that says what to
 * check. Messages name the DC and the bind account, never the password.
 */
export function toDirectoryError(err: unknown, context: LdapErrorContext): DirectoryError {
  if (err instanceof DirectoryError) return err;
  const code = (err as { code?: unknown } | undefined)?.code;
  const message = err instanceof Error ? err.message : String(err);
  const dc = context.url;

  if (err instanceof InvalidCredentialsError) {
    return new DirectoryError(
      'bind-failed',
      `The domain controller at ${dc} refused the bind as ${context.bindDn}: wrong password, or the account ` +
        'is disabled, locked or expired. Check LDAP_BIND_DN and LDAP_BIND_PASSWORD.',
      { cause: err },
    );
  }
  if (err instanceof StrongAuthRequiredError || err instanceof ConfidentialityRequiredError) {
    return new DirectoryError(
      'tls-required',
      `The domain controller at ${dc} requires an encrypted connection for the bind. Use ldaps:// or ldap:// ` +
        '(Anchor then uses StartTLS).',
      { cause: err },
    );
  }
  if (err instanceof InsufficientAccessError) {
    return new DirectoryError(
      'access-denied',
      `${context.bindDn} may not read users at ${dc}. Give the service account read access to the base DN.`,
      { cause: err },
    );
  }
  if (err instanceof SizeLimitExceededError || err instanceof ResultsTooLargeError) {
    return new DirectoryError(
      'size-limit',
      `The domain controller at ${dc} stopped the search at its size limit. Type more of the name, ` +
        'or look the user up by login, UPN or mail.',
      { cause: err },
    );
  }
  if (err instanceof TimeLimitExceededError || code === 'ETIMEDOUT' || /timed out|timeout/i.test(message)) {
    return new DirectoryError(
      'timeout',
      `The domain controller at ${dc} did not answer in time. It may be overloaded or a firewall may be ` +
        'dropping traffic; try again, or raise LDAP_TIMEOUT_MS / LDAP_CONNECT_TIMEOUT_MS.',
      { cause: err },
    );
  }
  if (isTlsTrustError(code)) {
    const reason =
      code === 'ERR_TLS_CERT_ALTNAME_INVALID'
        ? 'its certificate does not carry the name Anchor connected to (set LDAP_TLS_SERVER_NAME to the name on the certificate)'
        : code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID'
          ? 'its certificate is expired or not yet valid'
          : 'its certificate is not issued by a trusted CA (set LDAP_CA_FILE to the PEM file of the issuing CA)';
    return new DirectoryError(
      'tls-untrusted',
      `Anchor does not trust the domain controller at ${dc}: ${reason}.`,
      {
        cause: err,
      },
    );
  }
  if (
    (typeof code === 'string' && UNREACHABLE_CODES.has(code)) ||
    /ECONNRESET|Connection closed|Socket error|socket hang up/i.test(message)
  ) {
    return new DirectoryError(
      'unreachable',
      `Cannot reach the domain controller at ${dc} (${typeof code === 'string' ? code : 'connection lost'}). ` +
        'Check that it is up, that LDAP_URL is right and that the port is open from this host.',
      { cause: err },
    );
  }
  return new DirectoryError('failed', `The domain controller at ${dc} returned an error: ${message}`, {
    cause: err,
  });
}
