// Fault knobs and accounting for tests and benchmarks: latency, 5xx rate, 429 bursts with
// Retry-After, hung requests, the 60 calls/s per-tenant limit, stuck export feeds, scripted one-off responses,
// replies of the wrong shape (arrays, nulls, missing fields, numbers as strings, huge strings,
// truncated JSON, HTML, a wrong content type), and per-endpoint call counters (so a benchmark
// can report calls per invoice).

import type { FastifyInstance } from 'fastify';
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
  /** Successful answers rewritten into a shape ServiceTitan does not document (registerWrongShape). */
  wrongShape: WrongShapeFault | null;
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
  wrongShape: null,
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

// ---- replies of the wrong shape -------------------------------------------------------------

/**
 * How a successful JSON answer is rewritten. Field modes act on each record of a list or export
 * envelope (`data`), or on the body itself.
 */
export type WrongShapeMode =
  | 'array' // the body wrapped in an array
  | 'null' // the body is null
  | 'empty' // no body at all
  | 'drop-field' // `field` removed
  | 'null-field' // `field` set to null
  | 'garble-field' // `field` set to "n/a" (an amount or id that is not one)
  | 'stringify-numbers' // every number a string ("5001")
  | 'huge-string' // `field` (or `description`) set to `size` characters
  | 'extra-fields' // unexpected fields added to every object
  | 'truncate' // the JSON text cut in half
  | 'html' // an HTML page, text/html
  | 'content-type'; // the JSON body, labelled text/plain

export interface WrongShapeFault {
  mode: WrongShapeMode;
  /** Only answers whose "METHOD /route" contains this string (e.g. "/invoices"). */
  match?: string;
  field?: string;
  /** Length of the string `huge-string` writes (default 2,000,000). */
  size?: number;
  /** Rewrite at most this many answers, then the knob turns itself off. */
  times?: number;
}

function mapRecords(body: unknown, change: (record: Record<string, unknown>) => void): unknown {
  const records =
    body && typeof body === 'object' && Array.isArray((body as { data?: unknown }).data)
      ? (body as { data: unknown[] }).data
      : [body];
  for (const record of records) if (record && typeof record === 'object') change(record as never);
  return body;
}

function deepMap(value: unknown, leaf: (v: unknown) => unknown, node?: (o: object) => void): unknown {
  if (Array.isArray(value)) return value.map((v) => deepMap(v, leaf, node));
  if (value && typeof value === 'object') {
    const out = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, deepMap(v, leaf, node)]));
    node?.(out);
    return out;
  }
  return leaf(value);
}

/** The rewritten body and content type of a JSON answer `payload`. */
export function wrongShape(payload: string, fault: WrongShapeFault): { body: string; contentType: string } {
  const json = 'application/json; charset=utf-8';
  const field = fault.field ?? 'description';
  const body = JSON.parse(payload) as unknown;
  switch (fault.mode) {
    case 'array':
      return { body: JSON.stringify([body]), contentType: json };
    case 'null':
      return { body: 'null', contentType: json };
    case 'empty':
      return { body: '', contentType: json };
    case 'drop-field':
      return { body: JSON.stringify(mapRecords(body, (r) => delete r[field])), contentType: json };
    case 'null-field':
      return { body: JSON.stringify(mapRecords(body, (r) => (r[field] = null))), contentType: json };
    case 'garble-field':
      return { body: JSON.stringify(mapRecords(body, (r) => (r[field] = 'n/a'))), contentType: json };
    case 'stringify-numbers':
      return {
        body: JSON.stringify(deepMap(body, (v) => (typeof v === 'number' ? String(v) : v))),
        contentType: json,
      };
    case 'huge-string': {
      const huge = 'x'.repeat(fault.size ?? 2_000_000);
      return { body: JSON.stringify(mapRecords(body, (r) => (r[field] = huge))), contentType: json };
    }
    case 'extra-fields': {
      const extra = (o: object) =>
        Object.assign(o, { zzUnexpected: { nested: [1, 'two', null] }, zzFlag: true });
      return { body: JSON.stringify(deepMap(body, (v) => v, extra)), contentType: json };
    }
    case 'truncate':
      return { body: payload.slice(0, Math.floor(payload.length / 2)), contentType: json };
    case 'html':
      return {
        body: '<!DOCTYPE html><html><body><h1>Service Unavailable</h1><p>We are updating ServiceTitan.</p></body></html>',
        contentType: 'text/html; charset=utf-8',
      };
    case 'content-type':
      return { body: payload, contentType: 'text/plain; charset=utf-8' };
  }
}

/** The onSend hook that applies `faults.config.wrongShape` to successful API answers. */
export function registerWrongShape(app: FastifyInstance, faults: Faults): void {
  app.addHook('onSend', async (request, reply, payload) => {
    const fault = faults.config.wrongShape;
    if (!fault || typeof payload !== 'string' || reply.statusCode >= 300) return payload;
    if (!/^\/[a-z-]+\/v2\/tenant\//.test(request.url)) return payload;
    if (fault.times !== undefined && fault.times <= 0) return payload;
    const endpoint = `${request.method} ${request.routeOptions.url ?? request.url}`;
    if (fault.match && !endpoint.includes(fault.match)) return payload;
    let rewritten: { body: string; contentType: string };
    try {
      rewritten = wrongShape(payload, fault);
    } catch {
      return payload; // not JSON: nothing to reshape
    }
    if (fault.times !== undefined) {
      const left = fault.times - 1;
      faults.update({ wrongShape: left > 0 ? { ...fault, times: left } : null });
    }
    reply.header('content-type', rewritten.contentType);
    return rewritten.body;
  });
}
