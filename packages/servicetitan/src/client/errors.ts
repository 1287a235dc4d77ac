// Typed ServiceTitan errors. `permanent` tells the worker runtime not to retry; a rate-limit
// error carries `retryAfterMs` so the worker's rate limiter (not its attempts) absorbs it.
import type { ApiErrorResponse } from '../schemas/common.ts';

export class StApiError extends Error {
  override name = 'StApiError';
  readonly permanent: boolean;
  constructor(
    readonly status: number,
    readonly endpoint: string,
    readonly body: ApiErrorResponse | null,
  ) {
    const detail = body?.errors
      ? Object.entries(body.errors)
          .map(([field, messages]) => `${field}: ${messages.join(' ')}`)
          .join('; ')
      : '';
    super(
      `ServiceTitan ${status} on ${endpoint}${body?.title ? `: ${body.title}` : ''}${detail ? ` (${detail})` : ''}`,
    );
    // 4xx cannot succeed by retrying (401 is handled by re-authenticating first).
    this.permanent = status >= 400 && status < 500 && status !== 429;
  }
  get title() {
    return this.body?.title ?? null;
  }
  get errors() {
    return this.body?.errors ?? null;
  }
  get traceId() {
    return this.body?.traceId ?? null;
  }
}

export class StRateLimitedError extends Error {
  override name = 'StRateLimitedError';
  constructor(
    readonly endpoint: string,
    readonly retryAfterMs: number,
  ) {
    super(`ServiceTitan rate limited ${endpoint}; retry after ${retryAfterMs} ms`);
  }
}

/** A response that does not have the documented shape: a bad ServiceTitan payload. */
export class StSchemaError extends Error {
  override name = 'StSchemaError';
  readonly permanent = true;
  constructor(
    readonly endpoint: string,
    readonly issues: string[],
  ) {
    super(`Unexpected ServiceTitan response from ${endpoint}: ${issues.slice(0, 5).join('; ')}`);
  }
}

export class StNetworkError extends Error {
  override name = 'StNetworkError';
  constructor(
    readonly endpoint: string,
    cause: unknown,
  ) {
    super(
      `ServiceTitan unreachable (${endpoint}): ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
}

/**
 * An export feed that says `hasMore: true` but does not move: the same continuation token (or
 * one already followed in this pass) comes back, or page after page is empty. Following it would
 * loop forever; the caller stops that feed for this sync and keeps the last good token.
 */
export class StFeedStuckError extends Error {
  override name = 'StFeedStuckError';
  constructor(
    readonly feed: string,
    readonly token: string | null,
    readonly pages: number,
    readonly reason: 'repeated-token' | 'no-progress',
  ) {
    super(
      `ServiceTitan export feed ${feed} is stuck on hasMore: true (${
        reason === 'repeated-token'
          ? `continuation token ${JSON.stringify(token)} came back again`
          : 'no records and no end after many pages'
      }) after ${pages} page(s); stopped following it`,
    );
  }
}
