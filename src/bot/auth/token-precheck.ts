import type { TokenRefusal } from './token-refusal';

/**
 * The signing algorithms Bot Framework tokens use: botframework-connector's
 * `AuthenticationConstants.AllowedSigningAlgorithms` (a unit test keeps the two equal).
 */
export const BOT_FRAMEWORK_ALGORITHMS: readonly string[] = ['RS256', 'RS384', 'RS512'];

/** The clock skew botbuilder tolerates on `exp` and `nbf`, in seconds. */
export const CLOCK_TOLERANCE_SECONDS = 5 * 60;

/** What a token for this bot must say. */
export interface TokenExpectations {
  /** This bot's `MicrosoftAppId`: the token's audience. */
  appId: string;
  /** Now, in seconds since the epoch. */
  nowSeconds: number;
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * Refuses what can be refused from the token alone, before botbuilder checks it against
 * Microsoft's signing keys: a missing or malformed header, an algorithm Bot Framework never
 * uses, a token outside its lifetime or for another app. botbuilder still checks everything
 * itself afterwards; this only stops forged tokens early, names why, and spares a download of
 * Microsoft's keys for each of them.
 * @param authorization The request's Authorization header.
 * @returns Why the token is refused, or null when it may go on to signature validation.
 */
export function precheckToken(
  authorization: string | undefined,
  expect: TokenExpectations,
): TokenRefusal | null {
  if (!authorization?.trim()) return 'no-token';
  const match = /^Bearer ([^\s]+)$/.exec(authorization.trim());
  const parts = match?.[1].split('.');
  if (!parts || parts.length !== 3) return 'malformed';
  const [header, payload] = [jsonPart(parts[0]), jsonPart(parts[1])];
  if (!header || !payload) return 'malformed';
  if (typeof header.alg !== 'string' || !BOT_FRAMEWORK_ALGORITHMS.includes(header.alg)) return 'algorithm';
  if (typeof header.kid !== 'string' || !header.kid || !BASE64URL.test(parts[2])) return 'malformed';
  if (!withinLifetime(payload, expect.nowSeconds)) return 'lifetime';
  if (payload.aud !== expect.appId) return 'audience';
  return null;
}

/** The JSON object a base64url token part holds, or undefined. */
function jsonPart(part: string): Record<string, unknown> | undefined {
  if (!BASE64URL.test(part)) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Bot Framework tokens always expire; one without `exp` is not from Bot Framework. */
function withinLifetime(payload: Record<string, unknown>, now: number): boolean {
  const { exp, nbf } = payload;
  if (typeof exp !== 'number' || exp + CLOCK_TOLERANCE_SECONDS <= now) return false;
  return nbf === undefined || (typeof nbf === 'number' && nbf - CLOCK_TOLERANCE_SECONDS <= now);
}
