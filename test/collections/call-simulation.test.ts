// The call-list replay behind "the DSO a prioritised call list would have saved": the call
// effect moves only money that really arrived, and a list ranked by expected recovery reaches
// the invoice that pays a day earlier than one ranked by days overdue (hand-worked below).
import { type ArInvoice, applyCall, simulateCalls } from '@invoicer/collections';
import { describe, expect, it } from 'vitest';

const d = (iso: string) => new Date(iso);
const inv = (over: Partial<ArInvoice> & Pick<ArInvoice, 'id' | 'customerId'>): ArInvoice => ({
  customerName: `Customer ${over.customerId}`,
  businessUnitId: null,
  businessUnitName: 'HVAC',
  invoiceDate: d('2025-11-01T00:00:00Z'),
  dueDate: d('2025-12-01T00:00:00Z'),
  totalCents: 10_000,
  balanceCents: 10_000,
  termName: null,
  applications: [],
  ...over,
});

describe('call simulation', () => {
  it('a call brings later money forward by the stated effect, never money that did not come', () => {
    const apps = [
      { at: d('2026-01-08T00:00:00Z'), cents: 100 }, // within the 7-day lag: unchanged
      { at: d('2026-01-31T00:00:00Z'), cents: 200 }, // 23 days after the act date: half of it removed
    ];
    const moved = applyCall(apps, d('2026-01-01T00:00:00Z'), { callsPerDay: 1, lagDays: 7, effect: 0.5 });
    expect(moved).toEqual([
      { at: d('2026-01-08T00:00:00Z'), cents: 100 },
      { at: d('2026-01-19T12:00:00Z'), cents: 200 },
    ]);
    expect(applyCall([], d('2026-01-01T00:00:00Z'), { callsPerDay: 1, lagDays: 7, effect: 0.5 })).toEqual([]);
  });

  it('ranking by expected recovery calls the payer first and saves the hand-worked 2.0 days', () => {
    const invoices = [
      // Old and never paid: first by days overdue, but nothing to recover.
      inv({ id: 1, customerId: 1 }),
      // $1,000 four days past due on Monday 5 January, paid on the 25th.
      inv({
        id: 2,
        customerId: 2,
        invoiceDate: d('2025-12-02T00:00:00Z'),
        dueDate: d('2026-01-01T00:00:00Z'),
        totalCents: 100_000,
        balanceCents: 0,
        applications: [{ at: d('2026-01-25T00:00:00Z'), cents: 100_000 }],
      }),
      // The window's credit sales: $500, paid on the day.
      inv({
        id: 3,
        customerId: 3,
        invoiceDate: d('2026-01-06T00:00:00Z'),
        dueDate: d('2026-01-06T00:00:00Z'),
        totalCents: 50_000,
        balanceCents: 0,
        applications: [{ at: d('2026-01-06T00:00:00Z'), cents: 50_000 }],
      }),
    ];
    const sim = simulateCalls(invoices, {
      from: d('2026-01-05T00:00:00Z'),
      to: d('2026-01-25T00:00:00Z'),
      model: null,
      callsPerDay: 1,
    });
    const run = (r: string) => sim.runs.find((x) => x.ranking === r)!;
    // Days overdue calls invoice 1 on Monday and 2 on Tuesday; the scorecard the other way round.
    // Invoice 2's money then arrives on the 19th (08:30) or the 18th (20:30): one day-end of
    // $1,000 more AR in 20 days = $50/day against $25/day of sales = 2.0 days of DSO.
    expect(run('days_overdue').calls).toBe(2);
    expect(run('scorecard').calls).toBe(2);
    expect(run('scorecard').centsBroughtForward).toBe(100_000);
    expect(sim.rankedBy).toBe('scorecard');
    expect(sim.dsoSaved).toBeCloseTo(2.0, 9);
    expect(run('days_overdue').dso - run('scorecard').dso).toBeCloseTo(2.0, 9);
    expect(sim.dsoActual!).toBeGreaterThan(run('days_overdue').dso);
  });
});
