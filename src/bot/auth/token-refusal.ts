/**
 * Why a request to `/api/messages` was refused, as a category: logged (never with the token),
 * never sent to the caller, who gets the same generic 401 whatever the reason.
 */
export type TokenRefusal =
  /** No Authorization header. */
  | 'no-token'
  /** Not `Bearer <header>.<payload>.<signature>` with JSON header and payload. */
  | 'malformed'
  /** A signing algorithm Bot Framework does not use: `none`, HS256 and the like. */
  | 'algorithm'
  /** Expired, not valid yet, or without an expiry. */
  | 'lifetime'
  /** Meant for another app than this bot's `MicrosoftAppId`. */
  | 'audience'
  /** Bot Framework validation refused it: issuer, signing key, signature, endorsement or service URL. */
  | 'rejected'
  /** Microsoft's signing keys could not be loaded, so the token could not be checked at all. */
  | 'unverifiable';
