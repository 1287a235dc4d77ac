// Catching the mirror up with a burst of completions. A reader that finds the mirror behind
// the job it needs (see context.ts) asks for one incremental pass over the feeds a job context
// reads, instead of calling ServiceTitan for that job's records:
// - one pass in flight per tenant per process; callers that arrive while it runs (it may have
//   started before their jobs reached the feeds) share a single follow-up pass;
// - one pass at a time per tenant across processes (the tenant's sync advisory lock, which the
//   periodic sync holds too);
// - a feed that another pass caught up after the reader looked is skipped, so the processes of a
//   cluster woken by the same burst read each feed about once.
import type { Db } from '@invoicer/db';
import type { Logger } from '@invoicer/platform';
import type { StClient } from '@invoicer/servicetitan';
import { syncMirror } from './history.ts';

/** The feeds a job context is read from (jobs first, as in every pass). */
export const CONTEXT_FEEDS = [
  'jpm/jobs',
  'crm/customers',
  'crm/locations',
  'memberships/memberships',
  'jpm/job-notes',
  'jpm/appointments',
  'accounting/invoices',
  'payroll/gross-pay-items',
  'payroll/jobs/timesheets',
] as const;

interface TenantState {
  running: Promise<void> | null;
  next: Promise<void> | null;
  nextAfter: Date | null;
}

const states = new WeakMap<Db, Map<string, TenantState>>();

function stateOf(db: Db, tenantId: string): TenantState {
  let byTenant = states.get(db);
  if (!byTenant) {
    byTenant = new Map();
    states.set(db, byTenant);
  }
  let state = byTenant.get(tenantId);
  if (!state) {
    state = { running: null, next: null, nextAfter: null };
    byTenant.set(tenantId, state);
  }
  return state;
}

/** Passes run by this process (tests and metrics). */
export const catchUpStats = { passes: 0, shared: 0 };

/**
 * Bring the job-context feeds up to date with changes made before `after` (database clock, read
 * when the caller found the mirror behind). Resolves when a pass that covers it has finished.
 */
export function catchUpMirror(
  client: StClient,
  db: Db,
  tenantId: string,
  after: Date,
  log?: Logger,
): Promise<void> {
  const state = stateOf(db, tenantId);
  const start = (since: Date): Promise<void> => {
    const pass = runPass(client, db, tenantId, since, log).finally(() => {
      if (state.running === pass) state.running = null;
    });
    state.running = pass;
    return pass;
  };
  if (!state.running) return start(after);
  catchUpStats.shared += 1;
  state.nextAfter = state.nextAfter && state.nextAfter > after ? state.nextAfter : after;
  state.next ??= state.running
    .catch(() => {})
    .then(() => {
      const since = state.nextAfter!;
      state.next = null;
      state.nextAfter = null;
      return start(since);
    });
  return state.next;
}

async function runPass(client: StClient, db: Db, tenantId: string, after: Date, log?: Logger) {
  catchUpStats.passes += 1;
  const started = performance.now();
  const counts = await db.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`sync:${tenantId}`}))`;
      return syncMirror(client, db, tenantId, {
        feeds: CONTEXT_FEEDS,
        freshSince: after,
        skipUnavailable: true,
        log,
      });
    },
    { timeout: 10 * 60_000, maxWait: 10 * 60_000 },
  );
  log?.debug(
    { tenant: tenantId, mirror: counts, ms: Math.round(performance.now() - started) },
    'mirror caught up',
  );
}
