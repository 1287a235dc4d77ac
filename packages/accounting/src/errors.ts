// Errors from the books. The worker turns `retryAfterMs` into a queue pause (no attempt spent)
// and `permanent` into a final failure; anything else is retried.
export class BooksRateLimitedError extends Error {
  constructor(
    readonly provider: string,
    readonly retryAfterMs: number,
  ) {
    super(`${provider} asks us to wait ${Math.round(retryAfterMs / 1000)} s (rate limit)`);
    this.name = 'BooksRateLimitedError';
  }
}

export class BooksApiError extends Error {
  readonly permanent: boolean;
  constructor(
    readonly provider: string,
    readonly status: number,
    readonly operation: string,
    readonly detail: string,
  ) {
    super(`${provider} ${operation} answered ${status}: ${detail.slice(0, 500)}`);
    this.name = 'BooksApiError';
    // A 4xx other than 401/408/409/429 cannot succeed by sending the same request again.
    this.permanent = status >= 400 && status < 500 && ![401, 408, 409, 429].includes(status);
  }
}

/** Unusable connection (no connection, revoked refresh token): a person must connect again. */
export class BooksConnectionError extends Error {
  readonly permanent = true;
  constructor(message: string) {
    super(message);
    this.name = 'BooksConnectionError';
  }
}
