// The HTTP core of the client: ST-App-Key + bearer token on every call, one re-authentication
// on 401, 429 honouring Retry-After (short waits inline, long ones surfaced to the worker's
// rate limiter), jittered retries of 5xx and timeouts for idempotent calls only, typed 4xx
// errors, and lenient response validation.
import type { z } from 'zod';
import { StApiError, StNetworkError, StRateLimitedError, StSchemaError } from './errors.ts';

/**
 * 429s asking for up to this wait are waited out inside the call. Thrown instead, they pause the
 * queue and restart the whole stage, whose other calls can draw 429s again: a 429 on every
 * seventh call with a 3 s Retry-After then livelocks a stage of seven calls. Longer waits (a
 * tenant out of quota) are still thrown, so the queue pauses instead of holding workers.
 */
const MAX_INLINE_RETRY_AFTER_MS = 30_000;

/**
 * Bounds on a reply. The largest real pages (500 price-book records) are a few MB and the longest
 * texts (job summaries, notes) a few KB: a reply or a string far beyond is a broken answer, refused
 * before it reaches a draft, the mirror or a page, instead of being carried along.
 */
export const MAX_RESPONSE_CHARS = 32 * 1024 * 1024;
export const MAX_STRING_CHARS = 100_000;

import { noRateLimit, type RateLimiter } from './rate-limiter.ts';
import type { TokenSource } from './token.ts';

export type QueryValue = string | number | boolean | undefined | null | (string | number)[];

export interface CallInfo {
  method: string;
  endpoint: string;
  status: number;
  durationMs: number;
}

export interface HttpOptions {
  apiBaseUrl: string;
  tenantId: number;
  appKey: string;
  tokens: TokenSource;
  rateLimiter?: RateLimiter;
  timeoutMs?: number;
  /** Retries of 5xx/timeouts for idempotent calls. */
  maxRetries?: number;
  /** 429s asking for at most this wait are retried inline; longer ones are thrown. */
  maxInlineRetryAfterMs?: number;
  baseBackoffMs?: number;
  fetch?: typeof fetch;
  onCall?: (info: CallInfo) => void;
}

export interface RequestOptions<S extends z.ZodType | undefined> {
  query?: Record<string, QueryValue>;
  body?: unknown;
  schema?: S;
  /** Safe to repeat after a timeout or 5xx. Defaults to true for GET. */
  idempotent?: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function parseRetryAfter(header: string | null): number | null {
  if (!header) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, date - Date.now());
}

export class StHttp {
  readonly rateLimiter: RateLimiter;

  constructor(readonly options: HttpOptions) {
    this.rateLimiter = options.rateLimiter ?? noRateLimit;
  }

  url(module: string, path: string, query?: Record<string, QueryValue>): string {
    const url = new URL(
      `${this.options.apiBaseUrl.replace(/\/$/, '')}/${module}/v2/tenant/${this.options.tenantId}${path}`,
    );
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value === undefined || value === null) continue;
      if (Array.isArray(value)) {
        // `ids` is a comma list; other array filters repeat the key.
        if (key === 'ids' || key.endsWith('Ids')) url.searchParams.set(key, value.join(','));
        else for (const v of value) url.searchParams.append(key, String(v));
      } else url.searchParams.set(key, String(value));
    }
    return url.toString();
  }

  async request<S extends z.ZodType | undefined = undefined>(
    method: string,
    module: string,
    path: string,
    options: RequestOptions<S> = {},
  ): Promise<S extends z.ZodType ? z.infer<S> : unknown> {
    const endpoint = `${method} /${module}${path.replace(/\/\d+/g, '/{id}')}`;
    const idempotent = options.idempotent ?? method === 'GET';
    const maxRetries = this.options.maxRetries ?? 4;
    const url = this.url(module, path, options.query);
    let reauthenticated = false;
    let inlineWaits = 0;
    for (let attempt = 0; ; attempt++) {
      await this.rateLimiter.acquire();
      const token = await this.options.tokens.get();
      const started = performance.now();
      let response: Response;
      try {
        response = await (this.options.fetch ?? fetch)(url, {
          method,
          headers: {
            authorization: `Bearer ${token}`,
            'st-app-key': this.options.appKey,
            accept: 'application/json',
            ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
          },
          body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
        });
      } catch (error) {
        this.options.onCall?.({ method, endpoint, status: 0, durationMs: performance.now() - started });
        if (idempotent && attempt < maxRetries) {
          await sleep(this.backoff(attempt));
          continue;
        }
        throw new StNetworkError(endpoint, error);
      }
      this.options.onCall?.({
        method,
        endpoint,
        status: response.status,
        durationMs: performance.now() - started,
      });

      if (response.status === 401 && !reauthenticated) {
        await response.body?.cancel();
        this.options.tokens.invalidate();
        reauthenticated = true;
        attempt -= 1;
        continue;
      }
      if (response.status === 429) {
        await response.body?.cancel();
        const retryAfter = parseRetryAfter(response.headers.get('retry-after')) ?? this.backoff(attempt);
        if (
          retryAfter <= (this.options.maxInlineRetryAfterMs ?? MAX_INLINE_RETRY_AFTER_MS) &&
          inlineWaits < 5
        ) {
          inlineWaits += 1;
          attempt -= 1;
          await sleep(retryAfter);
          continue;
        }
        throw new StRateLimitedError(endpoint, retryAfter);
      }
      if (response.status >= 500 && idempotent && attempt < maxRetries) {
        await response.body?.cancel();
        await sleep(this.backoff(attempt));
        continue;
      }
      const declared = Number(response.headers.get('content-length') ?? 0);
      if (declared > MAX_RESPONSE_CHARS) {
        await response.body?.cancel();
        throw tooLarge(endpoint, declared);
      }
      const text = await response.text();
      if (text.length > MAX_RESPONSE_CHARS) throw tooLarge(endpoint, text.length);
      if (!response.ok) throw new StApiError(response.status, endpoint, parseErrorBody(text));
      const json = text ? safeJson(text) : undefined;
      // A 200 that is not JSON (an HTML maintenance or proxy page, a body cut short), or an empty
      // one where a record was asked for, is a transient failure of the service, not a permanent
      // schema mismatch: retried like a 5xx.
      if ((text && !isJson(text)) || (!text && options.schema)) {
        if (idempotent && attempt < maxRetries) {
          await sleep(this.backoff(attempt));
          continue;
        }
        const type = response.headers.get('content-type') ?? 'no content type';
        throw new StNetworkError(
          endpoint,
          new Error(
            `answered ${response.status} with ${text ? `a body that is not JSON (${type}, ${text.length} characters)` : 'an empty body'}`,
          ),
        );
      }
      const long = longString(json);
      if (long) {
        throw new StSchemaError(endpoint, [
          `${long.path || '(body)'}: a string of ${long.length} characters (at most ${MAX_STRING_CHARS})`,
        ]);
      }
      if (!options.schema) return json as never;
      const parsed = options.schema.safeParse(json);
      if (!parsed.success) {
        throw new StSchemaError(
          endpoint,
          parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`),
        );
      }
      return parsed.data as never;
    }
  }

  /** Exponential backoff with full jitter, capped at 10 s. */
  private backoff(attempt: number): number {
    const base = this.options.baseBackoffMs ?? 250;
    return Math.random() * Math.min(10_000, base * 2 ** attempt);
  }
}

function tooLarge(endpoint: string, size: number): StSchemaError {
  return new StSchemaError(endpoint, [
    `(body): ${size} characters, more than the ${MAX_RESPONSE_CHARS} any reply of this API needs`,
  ]);
}

/** The first string longer than MAX_STRING_CHARS in a parsed reply, with its path. */
function longString(value: unknown, path = ''): { path: string; length: number } | undefined {
  if (typeof value === 'string')
    return value.length > MAX_STRING_CHARS ? { path, length: value.length } : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, child] of Object.entries(value)) {
    const found = longString(child, path ? `${path}.${key}` : key);
    if (found) return found;
  }
  return undefined;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function parseErrorBody(text: string) {
  const json = safeJson(text);
  if (json && typeof json === 'object') return json as never;
  return { title: text.slice(0, 200) || null };
}
