// A tenant's books client from its stored connection: tokens opened from their sealed form,
// refreshed under a row lock when they are about to expire (refresh tokens rotate, so two
// processes must never spend the same one), calls limited per company through Redis.
import type { Db } from '@invoicer/db';
import type { Redis } from 'ioredis';
import { BooksConnectionError } from './errors.ts';
import { BooksHttp, type TokenSource } from './http.ts';
import { type BooksLimits, RedisBooksLimiter } from './limiter.ts';
import { Endpoints, refreshGrant } from './oauth.ts';
import { QboBooks } from './qbo.ts';
import { getConnection, openTokens, sealTokens } from './store.ts';
import type { Books, Mode, Provider } from './types.ts';
import { XeroBooks } from './xero.ts';

/** Refresh this long before the access token expires (Xero's last 30 minutes). */
const REFRESH_MARGIN_MS = 120_000;

export interface BooksRuntimeOptions {
  db: Db;
  redis: Redis;
  prefix: string;
  credentialsKey: Buffer;
  fetch?: typeof fetch;
  timeoutMs?: number;
  maxInlineWaitMs?: number;
  /** Other limits than the providers' documented ones (tests scale the windows down). */
  limits?: Partial<Record<Provider, BooksLimits>>;
  onCall?: (info: { provider: Provider; method: string; path: string; status: number }) => void;
}

export interface OpenBooks {
  books: Books;
  provider: Provider;
  mode: Mode;
  externalTenantId: string;
  rules: Record<string, unknown>;
  http: BooksHttp;
}

export async function openBooks(options: BooksRuntimeOptions, tenantId: string): Promise<OpenBooks | null> {
  const connection = await getConnection(options.db, tenantId);
  if (!connection) return null;
  const provider = connection.provider as Provider;
  const endpoints = Endpoints.parse(connection.endpoints);
  const tokens = new ConnectionTokens(options, tenantId, endpoints);
  const limiter = new RedisBooksLimiter(
    options.redis,
    provider,
    `${options.prefix}:books:${provider}:${connection.externalTenantId}`,
    options.limits?.[provider],
  );
  const base =
    provider === 'xero'
      ? endpoints.apiUrl
      : `${endpoints.apiUrl.replace(/\/$/, '')}/v3/company/${connection.externalTenantId}`;
  const http = new BooksHttp({
    provider,
    baseUrl: base,
    tokens,
    limiter,
    headers: provider === 'xero' ? { 'xero-tenant-id': connection.externalTenantId } : {},
    fetch: options.fetch,
    timeoutMs: options.timeoutMs,
    maxInlineWaitMs: options.maxInlineWaitMs,
    onCall: (info) => options.onCall?.({ provider, ...info }),
  });
  const books = provider === 'xero' ? new XeroBooks(http) : new QboBooks(http);
  return {
    books,
    provider,
    mode: connection.mode as Mode,
    externalTenantId: connection.externalTenantId,
    rules: (connection.rules ?? {}) as Record<string, unknown>,
    http,
  };
}

class ConnectionTokens implements TokenSource {
  private cached: { token: string; expiresAt: number } | null = null;

  constructor(
    private readonly options: BooksRuntimeOptions,
    private readonly tenantId: string,
    private readonly endpoints: Endpoints,
  ) {}

  async accessToken(): Promise<string> {
    if (this.cached && this.cached.expiresAt - REFRESH_MARGIN_MS > Date.now()) return this.cached.token;
    return this.refresh(false);
  }

  refreshNow(): Promise<string> {
    return this.refresh(true);
  }

  private async refresh(force: boolean): Promise<string> {
    const { db, credentialsKey } = this.options;
    const seenToken = this.cached?.token ?? null;
    const result = await db
      .$transaction(async (tx) => {
        // The row lock serialises refreshes across processes; the loser reads the winner's token.
        const rows = await tx.$queryRawUnsafe<{ tokens_sealed: string; access_expires_at: Date }[]>(
          'SELECT tokens_sealed, access_expires_at FROM accounting_connections WHERE tenant_id = $1 FOR UPDATE',
          this.tenantId,
        );
        const row = rows[0];
        if (!row) throw new BooksConnectionError(`tenant ${this.tenantId} has no books connection`);
        const tokens = openTokens(row.tokens_sealed, credentialsKey);
        const fresh = row.access_expires_at.getTime() - REFRESH_MARGIN_MS > Date.now();
        if (fresh && !(force && tokens.accessToken === seenToken))
          return { token: tokens.accessToken, expiresAt: row.access_expires_at.getTime() };
        const grant = await refreshGrant(this.endpoints, tokens, this.options.fetch);
        await tx.accountingConnection.update({
          where: { tenantId: this.tenantId },
          data: {
            tokensSealed: sealTokens(
              { ...tokens, accessToken: grant.accessToken, refreshToken: grant.refreshToken },
              credentialsKey,
            ),
            accessExpiresAt: grant.expiresAt,
            refreshedAt: new Date(),
            lastError: null,
          },
        });
        return { token: grant.accessToken, expiresAt: grant.expiresAt.getTime() };
      })
      .catch(async (error: Error) => {
        // Shown on the settings page (the message never carries a token).
        await db.accountingConnection
          .update({ where: { tenantId: this.tenantId }, data: { lastError: error.message.slice(0, 500) } })
          .catch(() => {});
        throw error;
      });
    this.cached = result;
    return result.token;
  }
}
