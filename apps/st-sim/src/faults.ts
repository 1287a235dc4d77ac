// Fault knobs and accounting for tests and benchmarks: latency, 5xx rate, 429 bursts with
// Retry-After, hung requests, the 60 calls/s per-tenant limit, stuck export feeds, scripted one-off responses,
// and per-endpoint call counters (so a benchmark can report calls per invoice).

import type { AfterCommitFault } from './after-commit.ts';

export interface FaultConfig {
  latencyMs: number;
  latencyJitterMs: number;
  /** Share of API calls (0..1) answered with a 500. */
  errorRate5xx: number;
  /** Share of API calls (0..1) that hang for `timeoutMs` before answering. */
  timeoutRate: number;
  timeoutMs: number;
  /** Every `every`-th call is answered 429 with Retry-After. */
  burst429: { every: number; retryAfterSeconds: number } | null;
  /** Calls per second per tenant before 429s (ServiceTitan: 60). Null disables it. */
  rateLimitPerSecond: number | null;
  /**
   * Export feeds (`module/resource`, e.g. "jpm/job-notes") stuck on `hasMore: true`: they answer
   * no records and give back the continuation token they were sent, for ever.
   */
  stuckExportFeeds: string[];
  /** Writes applied, then answered with a 500 or a dropped connection (after-commit.ts). */
  failAfterCommit: AfterCommitFault | null;
}

export const DEFAULT_FAULTS: FaultConfig = {
  latencyMs: 0,
  latencyJitterMs: 0,
  errorRate5xx: 0,
  timeoutRate: 0,
  timeoutMs: 30_000,
  burst429: null,
  rateLimitPerSecond: 60,
  stuckExportFeeds: [],
  failAfterCommit: null,
};

export type FaultDecision =
  | { kind: 'pass'; delayMs: number }
  | { kind: 'error'; status: number; retryAfterSeconds?: number; delayMs: number };

export interface ScriptedResponse {
  status: number;
  retryAfterSeconds?: number;
  /** Only calls whose "METHOD /route" contains this string consume the script entry. */
  match?: string;
}

export class CallStats {
  readonly byEndpoint = new Map<string, number>();
  readonly byStatus = new Map<number, number>();
  total = 0;
  peakPerSecond = 0;
  private second = 0;
  private inSecond = 0;

  record(endpoint: string): void {
    this.total += 1;
    this.byEndpoint.set(endpoint, (this.byEndpoint.get(endpoint) ?? 0) + 1);
    const now = Math.floor(Date.now() / 1000);
    if (now !== this.second) {
      this.second = now;
      this.inSecond = 0;
    }
    this.inSecond += 1;
    this.peakPerSecond = Math.max(this.peakPerSecond, this.inSecond);
  }

  status(code: number): void {
    this.byStatus.set(code, (this.byStatus.get(code) ?? 0) + 1);
  }

  snapshot() {
    return {
      total: this.total,
      peakPerSecond: this.peakPerSecond,
      byEndpoint: Object.fromEntries([...this.byEndpoint].sort()),
      byStatus: Object.fromEntries(this.byStatus),
    };
  }

  reset(): void {
    this.byEndpoint.clear();
    this.byStatus.clear();
    this.total = 0;
    this.peakPerSecond = 0;
  }
}

export class Faults {
  config: FaultConfig;
  private readonly scripted: ScriptedResponse[] = [];
  private calls = 0;
  private windowSecond = 0;
  private windowCount = 0;

  constructor(config: Partial<FaultConfig> = {}) {
    this.config = { ...DEFAULT_FAULTS, ...config };
  }

  update(config: Partial<FaultConfig>): void {
    this.config = { ...this.config, ...config };
  }

  /** Queue one-off responses (consumed in order by matching calls). */
  script(...responses: ScriptedResponse[]): void {
    this.scripted.push(...responses);
  }

  decide(endpoint: string): FaultDecision {
    this.calls += 1;
    const c = this.config;
    const delayMs = c.latencyMs + (c.latencyJitterMs ? Math.random() * c.latencyJitterMs : 0);
    const scriptedIndex = this.scripted.findIndex((s) => !s.match || endpoint.includes(s.match));
    if (scriptedIndex >= 0) {
      const [s] = this.scripted.splice(scriptedIndex, 1);
      return { kind: 'error', status: s!.status, retryAfterSeconds: s!.retryAfterSeconds, delayMs };
    }
    if (c.rateLimitPerSecond !== null) {
      const second = Math.floor(Date.now() / 1000);
      if (second !== this.windowSecond) {
        this.windowSecond = second;
        this.windowCount = 0;
      }
      this.windowCount += 1;
      if (this.windowCount > c.rateLimitPerSecond)
        return { kind: 'error', status: 429, retryAfterSeconds: 1, delayMs: 0 };
    }
    if (c.burst429 && this.calls % c.burst429.every === 0) {
      return { kind: 'error', status: 429, retryAfterSeconds: c.burst429.retryAfterSeconds, delayMs };
    }
    if (c.timeoutRate > 0 && Math.random() < c.timeoutRate) return { kind: 'pass', delayMs: c.timeoutMs };
    if (c.errorRate5xx > 0 && Math.random() < c.errorRate5xx) return { kind: 'error', status: 500, delayMs };
    return { kind: 'pass', delayMs };
  }
}
