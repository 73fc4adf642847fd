import { randomBytes } from 'node:crypto';
import { GraphSimError } from './graph-errors';
import type { AppIdentity } from './sim-request';

/** Access token lifetime, as Entra issues app tokens (about an hour). */
export const TOKEN_LIFETIME_S = 3599;

interface IssuedToken extends AppIdentity {
  expiresAt: number;
}

/** Issues and checks the simulator's bearer tokens (JWT-shaped, remembered server-side). */
export class TokenIssuer {
  private readonly tokens = new Map<string, IssuedToken>();

  constructor(private readonly tenantId: string) {}

  /** A new token for the app, valid for TOKEN_LIFETIME_S. */
  issue(app: AppIdentity, now = Date.now()): string {
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const iat = Math.floor(now / 1000);
    const token = [
      b64({ typ: 'JWT', alg: 'RS256', kid: 'graph-sim' }),
      b64({
        aud: 'https://graph.microsoft.com',
        iss: `https://sts.windows.net/${this.tenantId}/`,
        iat,
        nbf: iat,
        exp: iat + TOKEN_LIFETIME_S,
        appid: app.clientId,
        idtyp: 'app',
        tid: this.tenantId,
      }),
      randomBytes(32).toString('base64url'),
    ].join('.');
    this.tokens.set(token, { ...app, expiresAt: now + TOKEN_LIFETIME_S * 1000 });
    return token;
  }

  /** Makes every issued token expired (tests of a client's token refresh). */
  expireAll(): void {
    for (const t of this.tokens.values()) t.expiresAt = 0;
  }

  /** The app behind an `Authorization` header, or Graph's 401. */
  verify(authorization: string | undefined, now = Date.now()): AppIdentity {
    if (!authorization) throw new GraphSimError(401, 'InvalidAuthenticationToken', 'Access token is empty.');
    const issued = this.tokens.get(authorization.replace(/^Bearer\s+/i, ''));
    if (!issued) {
      throw new GraphSimError(
        401,
        'InvalidAuthenticationToken',
        'Access token validation failure. Invalid audience.',
      );
    }
    if (issued.expiresAt <= now) {
      throw new GraphSimError(
        401,
        'InvalidAuthenticationToken',
        'Lifetime validation failed, the token is expired.',
      );
    }
    return { clientId: issued.clientId };
  }
}
