// OAuth2 client credentials, as ServiceTitan's auth host serves it: a form-encoded POST to
// /connect/token returns a bearer token valid for 900 s (no refresh token). API calls need the
// token and the app key (header ST-App-Key or query servicetitanapplicationkey).
import { randomBytes } from 'node:crypto';

export interface SimCredentials {
  clientId: string;
  clientSecret: string;
  appKey: string;
}

export class TokenIssuer {
  private readonly tokens = new Map<string, number>();
  issued = 0;

  constructor(
    readonly credentials: SimCredentials,
    public lifetimeSeconds = 900,
  ) {}

  issue(
    clientId: string | undefined,
    clientSecret: string | undefined,
  ): { access_token: string; expires_in: number } | null {
    if (clientId !== this.credentials.clientId || clientSecret !== this.credentials.clientSecret) return null;
    const token = `sim.${randomBytes(24).toString('base64url')}`;
    this.tokens.set(token, Date.now() + this.lifetimeSeconds * 1000);
    this.issued += 1;
    return { access_token: token, expires_in: this.lifetimeSeconds };
  }

  /** Expire every issued token now (tests of re-authentication). */
  expireAll(): void {
    for (const token of this.tokens.keys()) this.tokens.set(token, 0);
  }

  /** Why a call is refused, or null when it is authorised. */
  check(authorization: string | undefined, appKey: string | undefined): string | null {
    if (appKey !== this.credentials.appKey) return 'missing or invalid ST-App-Key';
    if (!authorization) return 'missing Authorization header';
    // The docs' curl passes the bare token; clients usually send "Bearer <token>". Accept both.
    const token = authorization.replace(/^Bearer\s+/i, '');
    const expires = this.tokens.get(token);
    if (!expires) return 'invalid access token';
    if (Date.now() >= expires) {
      this.tokens.delete(token);
      return 'access token expired';
    }
    return null;
  }
}
