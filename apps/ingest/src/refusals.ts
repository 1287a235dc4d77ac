// How many refused (unsigned or otherwise untrusted) webhook deliveries ingest records, per
// source address and in all: a flood is recorded up to the limit as small records and then only
// counted, answered 429 with Retry-After. In memory per process: it protects Postgres, it is not
// an access control (the signature is).

interface Window {
  start: number;
  count: number;
}

export class RefusalLimiter {
  private readonly sources = new Map<string, Window>();
  private total: Window = { start: 0, count: 0 };

  constructor(
    private readonly perSourcePerMinute: number,
    /** Across every source: many addresses (IPv6, a botnet) must not multiply the limit. */
    private readonly totalPerMinute = perSourcePerMinute * 10,
    private readonly maxSources = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Count one refusal from `source`: allowed (record it) or not (answer 429 after `retryAfterMs`). */
  hit(source: string): { allowed: boolean; retryAfterMs: number } {
    const now = this.now();
    if (now - this.total.start >= 60_000) this.total = { start: now, count: 0 };
    let window = this.sources.get(source);
    if (!window || now - window.start >= 60_000) {
      window = { start: now, count: 0 };
      this.sources.delete(source);
      this.sources.set(source, window);
      this.evict();
    }
    window.count += 1;
    if (window.count > this.perSourcePerMinute)
      return { allowed: false, retryAfterMs: window.start + 60_000 - now };
    // The total counts what is recorded, so one flooding source cannot use it all up by itself.
    if (this.total.count >= this.totalPerMinute)
      return { allowed: false, retryAfterMs: this.total.start + 60_000 - now };
    this.total.count += 1;
    return { allowed: true, retryAfterMs: 0 };
  }

  private evict() {
    // Oldest windows first: a Map keeps insertion order, and a renewed window is re-inserted.
    for (const key of this.sources.keys()) {
      if (this.sources.size <= this.maxSources) return;
      this.sources.delete(key);
    }
  }
}
