// Prometheus metrics (prom-client). Each process exposes its own registry on /metrics: workers
// report stage durations, failures by class and ServiceTitan calls; the console adds queue
// depths and ages and the review backlog. Node's default process metrics keep prom-client's
// standard names (process_cpu_seconds_total, nodejs_eventloop_lag_seconds, ...) so stock
// dashboards find them; everything of ours is prefixed invoicer_.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Business counters, one set per process, shown by every Metrics registry of that process (the
 * stages that count them are handed no Metrics object). Amounts are dollars.
 */
export const businessMetrics = {
  dollarsPosted: new Counter({
    name: 'invoicer_posted_dollars_total',
    help: 'Invoice totals posted to ServiceTitan and verified, in dollars, by tenant',
    labelNames: ['tenant'],
    registers: [],
  }),
  invoicesPosted: new Counter({
    name: 'invoicer_posted_invoices_total',
    help: 'Invoices posted to ServiceTitan and verified, by tenant',
    labelNames: ['tenant'],
    registers: [],
  }),
  missedBillables: new Counter({
    name: 'invoicer_missed_billables_found_total',
    help: 'Lines the pipeline added to drafts (billables the technician did not put on the invoice), by tenant',
    labelNames: ['tenant'],
    registers: [],
  }),
  missedBillableDollars: new Counter({
    name: 'invoicer_missed_billables_found_dollars_total',
    help: 'Dollars of the lines the pipeline added to drafts, by tenant',
    labelNames: ['tenant'],
    registers: [],
  }),
};

const dollars = (amount: unknown): number => {
  const n = Number(String(amount));
  return Number.isFinite(n) ? n : 0;
};

/** Count one verified post: call once the run is marked posted. `total` is the invoice total. */
export function countPosted(tenant: string, total: unknown): void {
  businessMetrics.invoicesPosted.inc({ tenant });
  const amount = dollars(total);
  if (amount > 0) businessMetrics.dollarsPosted.inc({ tenant }, amount);
}

/** Count the lines a draft added (`origin: 'added'`): the missed billables found. */
export function countMissedBillables(
  tenant: string,
  lines: readonly { origin?: string; total?: unknown }[],
): void {
  const added = lines.filter((line) => line.origin === 'added');
  if (!added.length) return;
  businessMetrics.missedBillables.inc({ tenant }, added.length);
  const amount = added.reduce((sum, line) => sum + dollars(line.total), 0);
  if (amount > 0) businessMetrics.missedBillableDollars.inc({ tenant }, amount);
}

export class Metrics {
  readonly registry = new Registry();
  readonly stageDuration = new Histogram({
    name: 'invoicer_stage_duration_seconds',
    help: 'Time to process one job, by queue',
    labelNames: ['queue'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly failures = new Counter({
    name: 'invoicer_job_failures_total',
    help: 'Failed job attempts, by queue and error class',
    labelNames: ['queue', 'class'],
    registers: [this.registry],
  });
  readonly stCalls = new Counter({
    name: 'invoicer_servicetitan_calls_total',
    help: 'Calls to ServiceTitan, by tenant, endpoint and status',
    labelNames: ['tenant', 'endpoint', 'status'],
    registers: [this.registry],
  });
  readonly st429 = new Counter({
    name: 'invoicer_servicetitan_rate_limited_total',
    help: 'ServiceTitan 429 responses, by tenant',
    labelNames: ['tenant'],
    registers: [this.registry],
  });
  readonly queueDepth = new Gauge({
    name: 'invoicer_queue_jobs',
    help: 'Jobs in each queue, by state',
    labelNames: ['queue', 'state'],
    registers: [this.registry],
  });
  readonly queueOldest = new Gauge({
    name: 'invoicer_queue_oldest_waiting_seconds',
    help: 'Age of the oldest waiting job, by queue',
    labelNames: ['queue'],
    registers: [this.registry],
  });
  readonly reviewBacklog = new Gauge({
    name: 'invoicer_review_open_items',
    help: 'Open review items, by reason and age bucket',
    labelNames: ['reason', 'age'],
    registers: [this.registry],
  });
  readonly webhooks = new Counter({
    name: 'invoicer_webhooks_total',
    help: 'Webhook deliveries received, by outcome',
    labelNames: ['outcome'],
    registers: [this.registry],
  });
  readonly rejected = new Counter({
    name: 'invoicer_rejected_events_total',
    help: 'Malformed events and payloads refused, by source',
    labelNames: ['source'],
    registers: [this.registry],
  });

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
    for (const metric of Object.values(businessMetrics)) this.registry.registerMetric(metric);
  }

  async text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
