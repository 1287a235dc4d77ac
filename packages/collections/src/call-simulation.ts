// What a prioritised call list would have saved, replayed on a shop's own history. Each business
// day of the window a collector makes a fixed number of calls, each to a different open invoice
// at least a day past due; three runs differ only in how the list is ranked: by days overdue
// (what shops do today), by the scorecard's expected recovery, and by the per-tenant model's.
// The call effect is an assumption, stated in CALL_ASSUMPTION and printed with the figures:
// a call never makes anyone pay who did not; money that really arrived more than `lagDays`
// after the call arrives `lagDays` after it plus (1 − effect) of the remaining wait. DSO over the
// window = average daily AR ÷ credit sales per day (invoices dated in the window).
import { expectedRecoveryCents } from './calllist.ts';
import { type CustomerIndex, indexCustomers, riskFeatures } from './features.ts';
import { type Application, type ArInvoice, balanceAt, DAY_MS, daysPastDue } from './ledger.ts';
import { type RiskModel, scoreWithModel } from './model.ts';
import { scorecard } from './scorecard.ts';

export interface CallAssumption {
  callsPerDay: number;
  /** Days a called customer takes to act on the call at best. */
  lagDays: number;
  /** Share of the remaining wait (beyond lagDays) a call removes, 0..1. */
  effect: number;
}

export const DEFAULT_CALL_ASSUMPTION: CallAssumption = { callsPerDay: 3, lagDays: 7, effect: 0.5 };

export function describeCallAssumption(a: CallAssumption): string {
  return (
    `${a.callsPerDay} calls per business day, each to a different open invoice ≥ 1 day past due (never called twice); ` +
    `a call never makes anyone pay who did not: money that arrived more than ${a.lagDays} days after the call ` +
    `arrives ${a.lagDays} days after it plus ${Math.round((1 - a.effect) * 100)}% of the remaining wait ` +
    `(call effect ${Math.round(a.effect * 100)}%)`
  );
}

export type CallRanking = 'days_overdue' | 'scorecard' | 'model';

export interface CallRun {
  ranking: CallRanking;
  dso: number;
  calls: number;
  /** Cents that arrived earlier because of a call. */
  centsBroughtForward: number;
}

export interface CallSimulation {
  from: Date;
  to: Date;
  assumption: CallAssumption;
  /** DSO of the history as it happened (no simulated calls). */
  dsoActual: number | null;
  runs: CallRun[];
  /** Average open past-due invoices to choose from per business day. */
  candidatesPerDay: number;
  /** DSO by days overdue − DSO by the best score available (the model, else the scorecard). */
  dsoSaved: number | null;
  rankedBy: 'model' | 'scorecard';
}

/** The applications after a call at `at`: later money moves earlier, as the assumption says. */
export function applyCall(apps: readonly Application[], at: Date, a: CallAssumption): Application[] {
  const act = at.getTime() + a.lagDays * DAY_MS;
  return apps.map((x) =>
    x.at.getTime() > act
      ? { at: new Date(act + (x.at.getTime() - act) * (1 - a.effect)), cents: x.cents }
      : x,
  );
}

/** Σ over the window's days of the invoice's balance at each day's end (cent-days). */
function balanceDays(inv: ArInvoice, from: number, days: number): number {
  let sum = 0;
  for (let i = 1; i <= days; i++) sum += balanceAt(inv, new Date(from + i * DAY_MS - 1));
  return sum;
}

interface Candidate {
  inv: ArInvoice;
  daysPastDue: number;
  balance: number;
  byScorecard: number;
  byModel: number;
}

export function simulateCalls(
  invoices: readonly ArInvoice[],
  options: {
    from: Date;
    to: Date;
    model: RiskModel | null;
    index?: CustomerIndex;
    callsPerDay?: number;
    assumption?: Partial<CallAssumption>;
  },
): CallSimulation {
  const a: CallAssumption = {
    ...DEFAULT_CALL_ASSUMPTION,
    ...options.assumption,
    ...(options.callsPerDay !== undefined ? { callsPerDay: options.callsPerDay } : {}),
  };
  const index = options.index ?? indexCustomers(invoices);
  const from = Date.UTC(options.from.getUTCFullYear(), options.from.getUTCMonth(), options.from.getUTCDate());
  const days = Math.max(1, Math.floor((options.to.getTime() - from) / DAY_MS));
  const sales = invoices
    .filter((i) => i.invoiceDate.getTime() >= from && i.invoiceDate.getTime() < from + days * DAY_MS)
    .reduce((s, i) => s + i.totalCents, 0);
  const byId = new Map(invoices.map((i) => [i.id, i]));
  const base = new Map(invoices.map((i) => [i.id, balanceDays(i, from, days)]));
  const totalBase = [...base.values()].reduce((s, v) => s + v, 0);
  const dsoOf = (centDays: number) => (sales > 0 ? centDays / days / (sales / days) : null);
  const rankings: CallRanking[] = [
    'days_overdue',
    'scorecard',
    ...(options.model ? (['model'] as const) : []),
  ];
  const called = new Map<CallRanking, Map<number, Date>>(rankings.map((r) => [r, new Map()]));
  let candidateSum = 0;
  let businessDays = 0;
  for (let i = 0; i < days; i++) {
    const at = new Date(from + i * DAY_MS + 17 * 3600_000); // the afternoon's calls
    const weekday = at.getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    businessDays += 1;
    const candidates: Candidate[] = [];
    for (const inv of invoices) {
      const late = daysPastDue(inv, at);
      if (late === null || late < 1 || inv.invoiceDate.getTime() > at.getTime()) continue;
      const balance = balanceAt(inv, at);
      if (balance <= 0) continue;
      const f = riskFeatures(inv, at, index);
      candidates.push({
        inv,
        daysPastDue: late,
        balance,
        byScorecard: expectedRecoveryCents(balance, scorecard(f).risk),
        byModel: options.model ? expectedRecoveryCents(balance, scoreWithModel(options.model, f).risk) : 0,
      });
    }
    candidateSum += candidates.length;
    for (const ranking of rankings) {
      const done = called.get(ranking)!;
      const key = (c: Candidate) =>
        ranking === 'days_overdue' ? c.daysPastDue : ranking === 'scorecard' ? c.byScorecard : c.byModel;
      const pick = candidates
        .filter((c) => !done.has(c.inv.id))
        .sort(
          (x, y) =>
            key(y) - key(x) ||
            (ranking === 'days_overdue' ? y.balance - x.balance : y.daysPastDue - x.daysPastDue) ||
            x.inv.id - y.inv.id,
        )
        .slice(0, a.callsPerDay);
      for (const c of pick) done.set(c.inv.id, at);
    }
  }
  const runs: CallRun[] = rankings.map((ranking) => {
    let centDays = totalBase;
    let forward = 0;
    for (const [id, at] of called.get(ranking)!) {
      const inv = byId.get(id)!;
      const apps = applyCall(inv.applications, at, a);
      forward += apps.reduce(
        (s, x, k) => s + (x.at.getTime() < inv.applications[k]!.at.getTime() ? x.cents : 0),
        0,
      );
      centDays += balanceDays({ ...inv, applications: apps }, from, days) - base.get(id)!;
    }
    return {
      ranking,
      dso: dsoOf(centDays) ?? 0,
      calls: called.get(ranking)!.size,
      centsBroughtForward: forward,
    };
  });
  const dso = (r: CallRanking) => runs.find((x) => x.ranking === r)?.dso ?? null;
  const rankedBy = options.model ? 'model' : 'scorecard';
  const best = dso(rankedBy);
  const byDays = dso('days_overdue');
  return {
    from: new Date(from),
    to: new Date(from + days * DAY_MS),
    assumption: a,
    dsoActual: dsoOf(totalBase),
    runs,
    candidatesPerDay: businessDays ? candidateSum / businessDays : 0,
    dsoSaved: sales > 0 && best !== null && byDays !== null ? byDays - best : null,
    rankedBy,
  };
}
