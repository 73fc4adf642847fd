import type { Activity } from 'botbuilder';
import { withQuietConsole } from '../../shared/console-capture';
import type { AnchorAdapter, AuthenticatedRequest } from '../adapter';
import { precheckToken } from './token-precheck';
import type { TokenRefusal } from './token-refusal';

/** The outcome of authenticating one request to `/api/messages`. */
export type ActivityAuthentication =
  | { ok: true; auth: AuthenticatedRequest }
  /** `cause`: the library's error when the keys could not be loaded (never the token). */
  | { ok: false; reason: TokenRefusal; cause?: unknown };

/** What {@link authenticateActivity} needs. */
export interface ActivityAuthenticator {
  adapter: Pick<AnchorAdapter, 'authenticate'>;
  /** This bot's MicrosoftAppId; empty only in demo mode, where requests are anonymous. */
  appId: string;
}

/**
 * Decides whether the request carrying `authorization` and `activity` comes from Bot Framework for
 * this bot. Never throws: every failure, including botbuilder's own errors, is a refusal.
 * @param activity What the body claims (channel and service URL are checked against the token).
 */
export async function authenticateActivity(
  authenticator: ActivityAuthenticator,
  authorization: string | undefined,
  activity: Partial<Activity>,
): Promise<ActivityAuthentication> {
  const { adapter, appId } = authenticator;
  if (appId) {
    const refusal = precheckToken(authorization, { appId, nowSeconds: Math.floor(Date.now() / 1000) });
    if (refusal) return { ok: false, reason: refusal };
  }
  try {
    // botbuilder prints the JWT library's errors to the console; the refusal is logged by the caller.
    const auth = await withQuietConsole(() => adapter.authenticate(activity, authorization ?? ''));
    return { ok: true, auth };
  } catch (err) {
    return isRefusal(err)
      ? { ok: false, reason: 'rejected' }
      : { ok: false, reason: 'unverifiable', cause: err };
  }
}

/** The JWT library's errors: it judged the token and found it wanting (wrong signature, say). */
const JWT_ERRORS = new Set(['JsonWebTokenError', 'TokenExpiredError', 'NotBeforeError']);

/**
 * botbuilder refuses a token with an error of status 401. Loading Microsoft's keys fails with a
 * network error or an error of status 500: then the token was not judged at all.
 */
function isRefusal(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const status = (err as { statusCode?: unknown }).statusCode;
  if (typeof status === 'number') return status === 401;
  return JWT_ERRORS.has(err.name);
}
