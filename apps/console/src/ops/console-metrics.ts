// The console's own counters, registered next to the shared queue and backlog gauges.
import type { Metrics } from '@invoicer/platform';
import { Counter } from 'prom-client';

export class ConsoleMetrics {
  readonly logins: Counter<'outcome'>;
  readonly actions: Counter<'action'>;
  readonly refusals: Counter<'reason'>;
  readonly scrapeErrors: Counter<'source'>;

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
  }
}
