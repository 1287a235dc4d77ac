// HTTP to the books over plain fetch: every call takes a limiter slot; 429 pauses every caller
// for Retry-After (short waits inline without counting as a retry, long ones thrown for the
// worker to pause its queue); 401 refreshes the access token once; reads are retried on 5xx and
// timeouts, writes never (the ledger decides, after looking in the books, whether to send again).
import { BooksApiError, BooksRateLimitedError } from './errors.ts';
import type { BooksLimiter } from './limiter.ts';
import type { Provider } from './types.ts';

export interface TokenSource {
  /** A valid access token (refreshed first when it is about to expire). */
  accessToken(): Promise<string>;
  /** The provider rejected the token: refresh now and return the new one. */
  refreshNow(): Promise<string>;
}

export interface BooksHttpOptions {
  provider: Provider;
  baseUrl: string;
  tokens: TokenSource;
  limiter: BooksLimiter;
  /** Headers every call carries (Xero's xero-tenant-id). */
  headers?: Record<string, string>;
  fetch?: typeof fetch;
  timeoutMs?: number;
  /** 429s asking for at most this long are waited out inside the call. */
  maxInlineWaitMs?: number;
  onCall?: (info: { method: string; path: string; status: number }) => void;
}

export interface BooksRequest {
  query?: Record<string, string | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
}

const READ_RETRIES = 3;

export class BooksHttp {
  /** 429s answered to this client (each one paused every caller). */
  throttled = 0;
  constructor(private readonly options: BooksHttpOptions) {}

  async request<T>(method: string, path: string, request: BooksRequest = {}): Promise<T> {
    const { provider } = this.options;
    const url = new URL(this.options.baseUrl.replace(/\/$/, '') + path);
    for (const [k, v] of Object.entries(request.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
    const read = method === 'GET';
    let refreshed = false;
    let failures = 0;
    for (;;) {
      const token = await this.options.tokens.accessToken();
      const lease = await this.options.limiter.acquire(this.options.maxInlineWaitMs ?? 30_000);
      let response: Response;
      try {
        response = await (this.options.fetch ?? fetch)(url, {
          method,
          headers: {
            accept: 'application/json',
            authorization: `Bearer ${token}`,
            ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
            ...this.options.headers,
            ...request.headers,
          },
          body: request.body === undefined ? undefined : JSON.stringify(request.body),
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
        });
      } catch (error) {
        if (read && ++failures < READ_RETRIES) {
          await backoff(failures);
          continue;
        }
        throw error;
      } finally {
        await lease.release();
      }
      this.options.onCall?.({ method, path, status: response.status });
      if (response.status === 429) {
        this.throttled += 1;
        const waitMs = retryAfterMs(response.headers.get('retry-after'));
        await response.body?.cancel();
        await this.options.limiter.pause(waitMs);
        if (waitMs > (this.options.maxInlineWaitMs ?? 30_000))
          throw new BooksRateLimitedError(provider, waitMs);
        await new Promise((r) => setTimeout(r, waitMs));
        continue;
      }
      if (response.status === 401 && !refreshed) {
        refreshed = true;
        await response.body?.cancel();
        await this.options.tokens.refreshNow();
        continue;
      }
      const text = await response.text();
      if (response.status >= 500 && read && ++failures < READ_RETRIES) {
        await backoff(failures);
        continue;
      }
      if (!response.ok) throw new BooksApiError(provider, response.status, `${method} ${path}`, text);
      return (text ? JSON.parse(text) : null) as T;
    }
  }
}

/** Retry-After in seconds (or an HTTP date); 60 s when absent, as Intuit documents. */
export function retryAfterMs(value: string | null): number {
  if (!value) return 60_000;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : 60_000;
}

function backoff(failures: number): Promise<void> {
  return new Promise((r) => setTimeout(r, 100 * 2 ** failures + Math.random() * 100));
}
