// OAuth 2.0 authorization code with refresh, for Xero and QuickBooks Online. The code is
// exchanged and tokens refreshed with the app's client id/secret (HTTP Basic); refresh tokens
// rotate, so the newest one is always stored (sealed) before it is used.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { BooksConnectionError } from './errors.ts';
import type { Provider } from './types.ts';

export const Endpoints = z.object({
  authorizeUrl: z.url(),
  tokenUrl: z.url(),
  apiUrl: z.url(),
  /** Xero only: lists the organisations a token may reach. */
  connectionsUrl: z.url().optional(),
  scope: z.string().min(1),
});
export type Endpoints = z.infer<typeof Endpoints>;

export const PROVIDER_ENDPOINTS: Record<Provider, Endpoints> = {
  xero: {
    authorizeUrl: 'https://login.xero.com/identity/connect/authorize',
    tokenUrl: 'https://identity.xero.com/connect/token',
    apiUrl: 'https://api.xero.com/api.xro/2.0',
    connectionsUrl: 'https://api.xero.com/connections',
    scope: 'offline_access accounting.transactions accounting.contacts accounting.settings',
  },
  qbo: {
    authorizeUrl: 'https://appcenter.intuit.com/connect/oauth2',
    tokenUrl: 'https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer',
    apiUrl: 'https://quickbooks.api.intuit.com',
    scope: 'com.intuit.quickbooks.accounting',
  },
};

/** What is sealed at rest. */
export const SealedTokens = z.object({
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  accessToken: z.string().min(1),
  refreshToken: z.string().min(1),
});
export type SealedTokens = z.infer<typeof SealedTokens>;

const TokenResponse = z.looseObject({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1),
  expires_in: z.coerce.number().positive(),
  token_type: z.string().optional(),
});

export interface TokenGrant {
  accessToken: string;
  refreshToken: string;
  expiresAt: Date;
}

export function newState(): string {
  return randomBytes(16).toString('base64url');
}

export function authorizationUrl(
  endpoints: Endpoints,
  input: { clientId: string; redirectUri: string; state: string },
): string {
  const url = new URL(endpoints.authorizeUrl);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', input.clientId);
  url.searchParams.set('redirect_uri', input.redirectUri);
  url.searchParams.set('scope', endpoints.scope);
  url.searchParams.set('state', input.state);
  return url.toString();
}

export async function exchangeCode(
  endpoints: Endpoints,
  input: { clientId: string; clientSecret: string; code: string; redirectUri: string },
  fetchImpl: typeof fetch = fetch,
): Promise<TokenGrant> {
  return tokenCall(
    endpoints,
    input,
    { grant_type: 'authorization_code', code: input.code, redirect_uri: input.redirectUri },
    fetchImpl,
  );
}

export async function refreshGrant(
  endpoints: Endpoints,
  input: { clientId: string; clientSecret: string; refreshToken: string },
  fetchImpl: typeof fetch = fetch,
): Promise<TokenGrant> {
  return tokenCall(
    endpoints,
    input,
    { grant_type: 'refresh_token', refresh_token: input.refreshToken },
    fetchImpl,
  );
}

async function tokenCall(
  endpoints: Endpoints,
  client: { clientId: string; clientSecret: string },
  form: Record<string, string>,
  fetchImpl: typeof fetch,
): Promise<TokenGrant> {
  const basic = Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64');
  const response = await fetchImpl(endpoints.tokenUrl, {
    method: 'POST',
    headers: {
      authorization: `Basic ${basic}`,
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    },
    body: new URLSearchParams(form).toString(),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  if (response.status === 400 || response.status === 401) {
    // invalid_grant: the code or refresh token is spent, expired or revoked. Never log the body's
    // tokens; the error code is enough.
    const code = safeErrorCode(text);
    throw new BooksConnectionError(
      `the token endpoint refused the ${form.grant_type} grant (${code}); connect again`,
    );
  }
  if (!response.ok) throw new Error(`token endpoint answered ${response.status}`);
  const body = TokenResponse.parse(JSON.parse(text));
  return {
    accessToken: body.access_token,
    refreshToken: body.refresh_token,
    expiresAt: new Date(Date.now() + body.expires_in * 1000),
  };
}

function safeErrorCode(text: string): string {
  try {
    const error = (JSON.parse(text) as { error?: unknown }).error;
    return typeof error === 'string' ? error.slice(0, 60) : 'error';
  } catch {
    return 'error';
  }
}
