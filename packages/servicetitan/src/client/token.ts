// OAuth2 client-credentials tokens, cached until shortly before their 900 s expiry. There is
// no refresh token: a new one is requested. Concurrent callers share one request.
import { StApiError, StNetworkError } from './errors.ts';

export interface TokenSource {
  get(): Promise<string>;
  invalidate(): void;
}

export class ClientCredentialsToken implements TokenSource {
  private token: string | null = null;
  private expiresAt = 0;
  private pending: Promise<string> | null = null;
  requests = 0;

  constructor(
    private readonly authUrl: string,
    private readonly clientId: string,
    private readonly clientSecret: string,
    private readonly options: { refreshMarginMs?: number; timeoutMs?: number; fetch?: typeof fetch } = {},
  ) {}

  async get(): Promise<string> {
    const margin = this.options.refreshMarginMs ?? 60_000;
    if (this.token && Date.now() < this.expiresAt - margin) return this.token;
    this.pending ??= this.fetchToken().finally(() => {
      this.pending = null;
    });
    return this.pending;
  }

  invalidate(): void {
    this.token = null;
    this.expiresAt = 0;
  }

  private async fetchToken(): Promise<string> {
    this.requests += 1;
    const body = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: this.clientId,
      client_secret: this.clientSecret,
    });
    let response: Response;
    try {
      response = await (this.options.fetch ?? fetch)(this.authUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 15_000),
      });
    } catch (error) {
      throw new StNetworkError('POST /connect/token', error);
    }
    if (!response.ok) {
      // The body of an auth failure never includes our secret; keep only its title.
      throw new StApiError(response.status, 'POST /connect/token', { title: 'token request refused' });
    }
    const json = (await response.json()) as { access_token?: string; expires_in?: number };
    if (!json.access_token)
      throw new StApiError(502, 'POST /connect/token', { title: 'no access_token in response' });
    this.token = json.access_token;
    this.expiresAt = Date.now() + (json.expires_in ?? 900) * 1000;
    return this.token;
  }
}
