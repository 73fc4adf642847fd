/** Node's error codes for a TLS peer whose certificate is not trusted (as opposed to one that cannot be reached). */
const TLS_TRUST_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_UNTRUSTED',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** True when `code` says the peer's certificate is not trusted: a setting to fix, not an outage. */
export function isTlsTrustError(code: unknown): code is string {
  return typeof code === 'string' && TLS_TRUST_CODES.has(code);
}
