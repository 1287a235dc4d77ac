// Prometheus metrics (prom-client). Each process exposes its own registry on /metrics: workers
// report stage durations, failures by class and ServiceTitan calls; the console adds queue
// depths and ages and the review backlog.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

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

  constructor(options: { defaultMetrics?: boolean; prefix?: string } = {}) {
    if (options.defaultMetrics !== false)
      collectDefaultMetrics({ register: this.registry, prefix: 'invoicer_' });
  }

  async text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
