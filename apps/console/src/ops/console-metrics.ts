// The console's own counters, registered next to the shared queue and backlog gauges, and the
// age of the oldest open review item (read from Postgres at each scrape).
import { type Db, OPEN_REVIEW_STATUSES } from '@invoicer/db';
import type { Metrics } from '@invoicer/platform';
import { Counter, Gauge } from 'prom-client';

export class ConsoleMetrics {
  readonly logins: Counter<'outcome'>;
  readonly actions: Counter<'action'>;
  readonly refusals: Counter<'reason'>;
  readonly scrapeErrors: Counter<'source'>;
  /** Seconds since the oldest open (open, on hold, escalated) review item was opened; 0 when none. */
  readonly reviewOldest: Gauge;

  constructor(readonly base: Metrics) {
    const registers = [base.registry];
    this.logins = new Counter({
      name: 'invoicer_console_logins_total',
      help: 'Sign-in attempts, by outcome (ok, bad_credentials, rate_limited)',
      labelNames: ['outcome'],
      registers,
    });
    this.actions = new Counter({
      name: 'invoicer_console_review_actions_total',
      help: 'Review actions taken in the console, by action',
      labelNames: ['action'],
      registers,
    });
    this.refusals = new Counter({
      name: 'invoicer_console_refusals_total',
      help: 'Requests refused, by reason (csrf, role, tenant, claim, validation)',
      labelNames: ['reason'],
      registers,
    });
    this.scrapeErrors = new Counter({
      name: 'invoicer_console_scrape_errors_total',
      help: 'Failures while collecting queue or backlog metrics, by source',
      labelNames: ['source'],
      registers,
    });
    this.reviewOldest = new Gauge({
      name: 'invoicer_review_oldest_open_seconds',
      help: 'Age of the oldest open review item (open, on hold or escalated), in seconds; 0 when none',
      registers,
    });
  }

  /** Refresh the review-queue age gauge; a failure is counted (source postgres), never thrown. */
  async collectReviewAge(db: Db): Promise<void> {
    try {
      const statuses: string[] = OPEN_REVIEW_STATUSES;
      const rows = await db.$queryRaw<{ age: number | null }[]>`
        SELECT EXTRACT(EPOCH FROM now() - min(created_at))::float8 AS age
        FROM review_items WHERE status = ANY(${statuses}::text[])`;
      this.reviewOldest.set(Math.max(0, rows[0]?.age ?? 0));
    } catch {
      this.scrapeErrors.inc({ source: 'postgres' });
    }
  }
}
