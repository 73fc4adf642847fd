import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  sign,
  verify,
} from 'node:crypto';
import type { KeyObject } from 'node:crypto';

/**
 * Ed25519 signatures between the bot and the on-prem relay. Nothing secret travels: each side
 * holds its own private key and the other's public key. A signature covers the method, the path
 * (with query), a SHA-256 digest of the body, a timestamp and a nonce, so a request cannot be
 * altered, replayed or kept for later.
 */

/** How far a timestamp may be from the verifier's clock, either way. */
export const SIGNATURE_WINDOW_MS = 5 * 60_000;

/** Header names of a signed request. */
export const SIGNATURE_HEADERS = {
  keyId: 'x-anchor-key-id',
  timestamp: 'x-anchor-timestamp',
  nonce: 'x-anchor-nonce',
  signature: 'x-anchor-signature',
} as const;

/** What a signature covers. `body` is the exact bytes sent (empty string for none). */
export interface SignedParts {
  method: string;
  path: string;
  body: string;
  /** Milliseconds since the epoch, as a decimal string on the wire. */
  timestamp: number;
  nonce: string;
}

/** A signature and the values it was made over, as they travel in headers or in a job. */
export interface Signature {
  keyId: string;
  timestamp: number;
  nonce: string;
  /** Base64 Ed25519 signature of {@link canonicalString}. */
  signature: string;
}

/** Why a signature was refused; the text goes to logs, never details to the caller. */
export class SignatureError extends Error {
  constructor(
    readonly reason: 'unknown-key' | 'malformed' | 'stale' | 'replayed' | 'bad-signature',
    message: string,
  ) {
    super(message);
    this.name = 'SignatureError';
  }
}

/** The exact text that is signed. */
export function canonicalString(parts: SignedParts): string {
  const digest = createHash('sha256').update(parts.body, 'utf8').digest('hex');
  return [
    'anchor-sig-v1',
    parts.method.toUpperCase(),
    parts.path,
    digest,
    String(parts.timestamp),
    parts.nonce,
  ].join('\n');
}

/** Signs `parts` (minus timestamp and nonce, which are made here) with an Ed25519 private key. */
export function signParts(
  parts: Omit<SignedParts, 'timestamp' | 'nonce'>,
  keyId: string,
  privateKey: KeyObject,
  now: number = Date.now(),
): Signature {
  const full: SignedParts = { ...parts, timestamp: now, nonce: randomBytes(16).toString('base64url') };
  const signature = sign(null, Buffer.from(canonicalString(full), 'utf8'), privateKey).toString('base64');
  return { keyId, timestamp: full.timestamp, nonce: full.nonce, signature };
}

/** The four headers that carry a {@link Signature}. */
export function signatureHeaders(sig: Signature): Record<string, string> {
  return {
    [SIGNATURE_HEADERS.keyId]: sig.keyId,
    [SIGNATURE_HEADERS.timestamp]: String(sig.timestamp),
    [SIGNATURE_HEADERS.nonce]: sig.nonce,
    [SIGNATURE_HEADERS.signature]: sig.signature,
  };
}

/**
 * Reads a {@link Signature} from request headers.
 * @throws SignatureError (`malformed`) when a header is missing or not well formed.
 */
export function signatureFromHeaders(headers: Record<string, string | string[] | undefined>): Signature {
  const one = (name: string) => {
    const v = headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const keyId = one(SIGNATURE_HEADERS.keyId);
  const timestamp = Number(one(SIGNATURE_HEADERS.timestamp));
  const nonce = one(SIGNATURE_HEADERS.nonce);
  const signature = one(SIGNATURE_HEADERS.signature);
  if (!keyId || !nonce || !signature || !Number.isSafeInteger(timestamp)) {
    throw new SignatureError(
      'malformed',
      'the request is not signed (x-anchor-* headers missing or malformed)',
    );
  }
  return { keyId, timestamp, nonce, signature };
}

/**
 * Remembers nonces for as long as their timestamps are acceptable, so each can be used once.
 * Entries older than the window are dropped as new ones arrive.
 */
export class NonceCache {
  private readonly seen = new Map<string, number>();

  constructor(private readonly windowMs: number = SIGNATURE_WINDOW_MS) {}

  /** Records `keyId`/`nonce`; false when it was already used within the window. */
  use(keyId: string, nonce: string, timestamp: number, now: number = Date.now()): boolean {
    for (const [key, ts] of this.seen) {
      if (ts < now - this.windowMs) this.seen.delete(key);
      else break; // insertion order is close enough to time order to stop early
    }
    const key = `${keyId}\n${nonce}`;
    if (this.seen.has(key)) return false;
    this.seen.set(key, timestamp);
    return true;
  }
}

/**
 * Checks a signature over `parts` with the public key registered for its key id, then its
 * timestamp against the window; not the nonce. For a verifier that remembers nonces elsewhere
 * (the bot keeps them in its shared store) and checks them once the request is known to be
 * well formed, so neither a forgery nor a malformed request burns a nonce.
 * @throws SignatureError saying which check failed.
 */
export function checkSignature(
  parts: Omit<SignedParts, 'timestamp' | 'nonce'>,
  sig: Signature,
  publicKeys: ReadonlyMap<string, KeyObject>,
  now: number = Date.now(),
): void {
  const key = publicKeys.get(sig.keyId);
  if (!key) throw new SignatureError('unknown-key', `no public key is registered for "${sig.keyId}"`);
  const full: SignedParts = { ...parts, timestamp: sig.timestamp, nonce: sig.nonce };
  const ok = verify(
    null,
    Buffer.from(canonicalString(full), 'utf8'),
    key,
    Buffer.from(sig.signature, 'base64'),
  );
  if (!ok)
    throw new SignatureError('bad-signature', `the signature of "${sig.keyId}" does not match the request`);
  if (Math.abs(now - sig.timestamp) > SIGNATURE_WINDOW_MS) {
    throw new SignatureError(
      'stale',
      `the timestamp is ${Math.round((now - sig.timestamp) / 1000)} s from now (limit ±300 s)`,
    );
  }
}

/** The error for a nonce already used within the window. */
export function replayedError(sig: Pick<Signature, 'keyId' | 'nonce'>): SignatureError {
  return new SignatureError('replayed', `nonce ${sig.nonce} of "${sig.keyId}" was already used`);
}

/**
 * Checks a signature as {@link checkSignature} does, then its nonce against the cache (in that
 * order, so a forged request never burns a nonce).
 * @throws SignatureError saying which check failed.
 */
export function verifySignature(
  parts: Omit<SignedParts, 'timestamp' | 'nonce'>,
  sig: Signature,
  publicKeys: ReadonlyMap<string, KeyObject>,
  nonces: NonceCache,
  now: number = Date.now(),
): void {
  checkSignature(parts, sig, publicKeys, now);
  if (!nonces.use(sig.keyId, sig.nonce, sig.timestamp, now)) throw replayedError(sig);
}

/** A new Ed25519 key pair as base64 DER (SPKI public, PKCS#8 private): one line each, easy to paste. */
export function generateSigningKeyPair(): { publicKey: string; privateKey: string } {
  const pair = generateKeyPairSync('ed25519');
  return {
    publicKey: pair.publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
    privateKey: pair.privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64'),
  };
}

/** A private key from its base64 PKCS#8 DER form (as {@link generateSigningKeyPair} prints it). */
export function privateKeyFrom(base64: string): KeyObject {
  return createPrivateKey({ key: Buffer.from(base64.trim(), 'base64'), format: 'der', type: 'pkcs8' });
}

/** A public key from its base64 SPKI DER form. */
export function publicKeyFrom(base64: string): KeyObject {
  return createPublicKey({ key: Buffer.from(base64.trim(), 'base64'), format: 'der', type: 'spki' });
}
