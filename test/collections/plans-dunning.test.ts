// Installments sum to the balance to the cent (10,000 random balances and counts), the plan
// defaults (threshold, ≤ 4 installments, no finance charge), and dunning level selection.
import {
  DEFAULT_DUNNING_LEVELS,
  DEFAULT_PLAN_POLICY,
  type DunningFacts,
  dunningDaysPastDue,
  nextDunningStep,
  planOptions,
  planStatus,
  splitInstallments,
} from '@invoicer/collections';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

describe('installments', () => {
  it('sum to the balance exactly; equal to the cent, the remainder on the last (10,000 runs)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000_000 }),
        fc.integer({ min: 1, max: 48 }),
        (balance, n) => {
          fc.pre(n <= balance);
          const parts = splitInstallments(balance, n);
          expect(parts).toHaveLength(n);
          expect(parts.reduce((s, c) => s + c, 0)).toBe(balance);
          const first = parts[0]!;
          for (const p of parts.slice(0, -1)) expect(p).toBe(first);
          expect(parts[n - 1]! - first).toBeGreaterThanOrEqual(0);
          expect(parts[n - 1]! - first).toBeLessThan(n);
        },
      ),
      { numRuns: 10_000 },
    );
  });

  it('$1,000.00 in 3 is 333.33, 333.33, 333.34; bad input is refused', () => {
    expect(splitInstallments(100_000, 3)).toEqual([33_333, 33_333, 33_334]);
    expect(() => splitInstallments(0, 3)).toThrow(/positive/);
    expect(() => splitInstallments(100, 0)).toThrow(/count/);
    expect(() => splitInstallments(2, 3)).toThrow(/more installments/);
  });

  it('offers 2–4 monthly options at or above $2,000, none below, never a finance charge', () => {
    const from = new Date('2026-12-05T15:00:00Z');
    expect(planOptions(199_999, from)).toEqual([]);
    const options = planOptions(360_000, from);
    expect(options.map((o) => o.count)).toEqual([2, 3, 4]);
    expect(options[1]!.installments).toEqual([
      { number: 1, dueDate: '2026-12-12', cents: 120_000 },
      { number: 2, dueDate: '2027-01-11', cents: 120_000 },
      { number: 3, dueDate: '2027-02-10', cents: 120_000 },
    ]);
    expect(options.every((o) => o.financeChargeCents === 0)).toBe(true);
    expect(
      planOptions(360_000, from, { ...DEFAULT_PLAN_POLICY, maxInstallments: 6 }).map((o) => o.count),
    ).toEqual([2, 3, 4, 5, 6]);
  });
});

describe('dunning levels', () => {
  const facts = (over: Partial<DunningFacts>): DunningFacts => ({
    balanceCents: 50_000,
    daysPastDue: 10,
    disputed: false,
    onPlan: false,
    optedOut: {},
    done: new Set(),
    ...over,
  });
  it('picks the highest level reached that was not done; skips paid, disputed, on a plan, opted out', () => {
    const L = DEFAULT_DUNNING_LEVELS;
    expect(nextDunningStep(L, facts({ daysPastDue: 3 }))).toEqual({
      action: 'none',
      reason: 'not yet at the first level',
    });
    expect(nextDunningStep(L, facts({}))).toMatchObject({ action: 'do', level: { key: 'l1-email' } });
    expect(nextDunningStep(L, facts({ done: new Set(['l1-email']) }))).toMatchObject({ action: 'none' });
    expect(nextDunningStep(L, facts({ daysPastDue: 25, done: new Set(['l1-email']) }))).toMatchObject({
      action: 'do',
      level: { key: 'l2-sms' },
    });
    expect(nextDunningStep(L, facts({ daysPastDue: 70 }))).toMatchObject({
      action: 'do',
      level: { channel: 'manager_review' },
    });
    expect(nextDunningStep(L, facts({ balanceCents: 0 }))).toEqual({ action: 'skip', reason: 'paid' });
    expect(nextDunningStep(L, facts({ disputed: true }))).toEqual({ action: 'skip', reason: 'disputed' });
    expect(nextDunningStep(L, facts({ onPlan: true }))).toEqual({
      action: 'skip',
      reason: 'on a payment plan',
    });
    expect(nextDunningStep(L, facts({ optedOut: { email: true } }))).toEqual({
      action: 'skip',
      reason: 'opted out of email',
    });
    expect(nextDunningStep(L, facts({ daysPastDue: null }))).toEqual({
      action: 'none',
      reason: 'no due date',
    });
  });
});

describe('plan status', () => {
  const inst = [
    { number: 1, dueDate: '2026-12-12', cents: 100_000 },
    { number: 2, dueDate: '2027-01-11', cents: 100_000 },
    { number: 3, dueDate: '2027-02-10', cents: 100_001 },
  ];
  const at = (d: string) => new Date(`${d}T12:00:00Z`);
  it('allocates payments oldest first and moves current → late → broken, or completed', () => {
    expect(planStatus(inst, 0, at('2026-12-12'))).toMatchObject({ state: 'current', paidInstallments: 0 });
    expect(planStatus(inst, 0, at('2026-12-13')).state).toBe('current'); // within a day's grace
    expect(planStatus(inst, 0, at('2026-12-15'))).toMatchObject({
      state: 'late',
      next: { number: 1, owedCents: 100_000 },
    });
    expect(planStatus(inst, 0, at('2027-01-13')).state).toBe('broken');
    // $1,500 paid: installment 1 and half of 2 (an overpayment reduces the next one).
    expect(planStatus(inst, 150_000, at('2027-01-05'))).toMatchObject({
      state: 'current',
      paidInstallments: 1,
      next: { number: 2, owedCents: 50_000 },
    });
    expect(planStatus(inst, 150_000, at('2027-01-20')).state).toBe('late');
    expect(planStatus(inst, 300_001, at('2027-06-01'))).toEqual({
      state: 'completed',
      paidInstallments: 3,
      next: null,
    });
  });

  it('dunning counts a late plan from its first unpaid installment, anything else from the invoice', () => {
    const plan = { state: 'late', installments: inst, balanceCents: 300_001 };
    // $1,000 paid: installment 2 (2027-01-11) is the first unpaid one; 8 days later.
    expect(dunningDaysPastDue(40, plan, 200_001, at('2027-01-19'))).toBe(8);
    expect(dunningDaysPastDue(40, { ...plan, state: 'current' }, 200_001, at('2027-01-19'))).toBe(40);
    expect(dunningDaysPastDue(null, null, 200_001, at('2027-01-19'))).toBeNull();
    expect(dunningDaysPastDue(40, plan, 0, at('2027-06-01'))).toBe(40); // all paid
  });
});
