// Connecting a tenant's books: the authorization URL a person opens, a one-shot local listener
// for the redirect (the CLI's), the code exchanged for tokens, the organisation (Xero: from
// /connections; QuickBooks: the realmId on the redirect) and everything stored sealed.
import { createServer } from 'node:http';
import type { Db } from '@invoicer/db';
import { z } from 'zod';
import { BooksConnectionError } from './errors.ts';
import { authorizationUrl, type Endpoints, exchangeCode, newState } from './oauth.ts';
import { saveConnection } from './store.ts';
import type { Provider } from './types.ts';

const XeroConnections = z.array(
  z.looseObject({
    tenantId: z.string().min(1),
    tenantName: z.string().nullish(),
    tenantType: z.string().nullish(),
  }),
);

export interface ConnectInput {
  db: Db;
  tenantId: string;
  provider: Provider;
  endpoints: Endpoints;
  clientId: string;
  clientSecret: string;
  credentialsKey: Buffer;
  redirectUri: string;
  fetch?: typeof fetch;
}

/** What the redirect brought back: the code, and QuickBooks' company id. */
export interface Callback {
  code: string;
  state: string;
  realmId: string | null;
}

export async function completeConnect(
  input: ConnectInput,
  callback: Callback,
  options: { organisation?: string } = {},
): Promise<{ externalTenantId: string; externalName: string | null }> {
  const grant = await exchangeCode(input.endpoints, { ...input, code: callback.code }, input.fetch);
  let externalTenantId: string;
  let externalName: string | null = null;
  if (input.provider === 'xero') {
    if (!input.endpoints.connectionsUrl) throw new BooksConnectionError('Xero needs a connections URL');
    const response = await (input.fetch ?? fetch)(input.endpoints.connectionsUrl, {
      headers: { authorization: `Bearer ${grant.accessToken}`, accept: 'application/json' },
      signal: AbortSignal.timeout(30_000),
    });
    if (!response.ok) throw new BooksConnectionError(`Xero /connections answered ${response.status}`);
    const organisations = XeroConnections.parse(await response.json()).filter(
      (c) => !c.tenantType || c.tenantType === 'ORGANISATION',
    );
    const chosen = options.organisation
      ? organisations.find(
          (o) => o.tenantId === options.organisation || o.tenantName === options.organisation,
        )
      : organisations.length === 1
        ? organisations[0]
        : undefined;
    if (!chosen)
      throw new BooksConnectionError(
        `choose the Xero organisation with --organisation (${organisations.map((o) => `${o.tenantName} = ${o.tenantId}`).join('; ') || 'none authorised'})`,
      );
    externalTenantId = chosen.tenantId;
    externalName = chosen.tenantName ?? null;
  } else {
    if (!callback.realmId) throw new BooksConnectionError('QuickBooks did not send the company (realmId)');
    externalTenantId = callback.realmId;
  }
  await saveConnection(input.db, {
    tenantId: input.tenantId,
    provider: input.provider,
    externalTenantId,
    externalName,
    endpoints: input.endpoints,
    tokens: {
      clientId: input.clientId,
      clientSecret: input.clientSecret,
      accessToken: grant.accessToken,
      refreshToken: grant.refreshToken,
    },
    accessExpiresAt: grant.expiresAt,
    credentialsKey: input.credentialsKey,
  });
  return { externalTenantId, externalName };
}

/**
 * Listen once on the redirect URI's host and port (127.0.0.1 only) for the provider's redirect;
 * resolves with the callback when the state matches. `url` is what a person opens.
 */
export async function awaitRedirect(
  endpoints: Endpoints,
  input: { clientId: string; redirectUri: string },
  timeoutMs = 10 * 60_000,
): Promise<{ url: string; callback: Promise<Callback>; close(): void }> {
  const state = newState();
  const redirect = new URL(input.redirectUri);
  if (!['127.0.0.1', 'localhost'].includes(redirect.hostname))
    throw new BooksConnectionError('the CLI listens for the redirect on 127.0.0.1 or localhost only');
  let settle: (c: Callback) => void = () => {};
  let fail: (e: Error) => void = () => {};
  const callback = new Promise<Callback>((resolve, reject) => {
    settle = resolve;
    fail = reject;
  });
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', input.redirectUri);
    if (url.pathname !== redirect.pathname) {
      res.writeHead(404).end();
      return;
    }
    const code = url.searchParams.get('code');
    if (url.searchParams.get('state') !== state || !code) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('This is not the authorization we asked for.');
      fail(
        new BooksConnectionError(
          `authorization failed: ${url.searchParams.get('error') ?? 'state mismatch'}`,
        ),
      );
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain' }).end('Connected. You can close this window.');
    settle({ code, state, realmId: url.searchParams.get('realmId') });
  });
  await new Promise<void>((resolve) =>
    server.listen(Number(redirect.port || 80), redirect.hostname, resolve),
  );
  const timer = setTimeout(
    () => fail(new BooksConnectionError('no authorization within the time allowed')),
    timeoutMs,
  );
  const close = () => {
    clearTimeout(timer);
    server.close();
  };
  void callback.then(close, close);
  return { url: authorizationUrl(endpoints, { ...input, state }), callback, close };
}
