import { createHmac, createSign, generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

/**
 * JSON Web Tokens made with node:crypto, for the tests of Bot Framework authentication: tokens
 * shaped like Bot Framework's, signed with keys that are not Microsoft's, or not signed at all.
 */

/** The issuer of Bot Framework channel tokens (what Teams' requests carry). */
export const BOT_FRAMEWORK_ISSUER = 'https://api.botframework.com';

/** A fresh RSA key pair (not Microsoft's). */
export function rsaKeyPair(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('rsa', { modulusLength: 2048 });
}

/** The claims of a channel token for `appId`, valid for an hour; `overrides` replace or add claims. */
export function channelClaims(
  appId: string,
  serviceUrl: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: BOT_FRAMEWORK_ISSUER,
    aud: appId,
    serviceurl: serviceUrl,
    nbf: now - 60,
    exp: now + 3600,
    ...overrides,
  };
}

const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** `header.payload.signature`, RS256 (or `alg` in `header`) with `key`. */
export function rsaToken(key: KeyObject, payload: object, header: Record<string, unknown> = {}): string {
  const fullHeader = { alg: 'RS256', typ: 'JWT', kid: 'forged-key-1', ...header };
  const input = `${part(fullHeader)}.${part(payload)}`;
  const hash =
    { RS256: 'RSA-SHA256', RS384: 'RSA-SHA384', RS512: 'RSA-SHA512' }[String(fullHeader.alg)] ?? 'RSA-SHA256';
  return `${input}.${createSign(hash).update(input).sign(key).toString('base64url')}`;
}

/** An HS256 token whose HMAC secret is `secret` (the classic RS/HS confusion uses a public key or app secret). */
export function hmacToken(secret: string, payload: object): string {
  const input = `${part({ alg: 'HS256', typ: 'JWT', kid: 'forged-key-1' })}.${part(payload)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/** An unsigned token: `alg: none` and an empty signature. */
export function unsignedToken(payload: object): string {
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(payload)}.`;
}

/** A token whose header or payload is not JSON. */
export function garbledToken(): string {
  return `${Buffer.from('not json').toString('base64url')}.${part({ aud: 'x' })}.c2ln`;
}
