// The per-tenant model as the product fits it: collectors' outcomes recorded in the console are
// features of the model (each counted from when it was recorded), so a shop whose lateness is
// explained by disputes gets a model that learned it; too little history keeps the scorecard.
import {
  type ArInvoice,
  fitTenantModel,
  type OutcomeRecord,
  RISK_MODEL_FEATURES,
} from '@invoicer/collections';
import { describe, expect, it } from 'vitest';

const DAY = 86_400_000;
const start = Date.UTC(2025, 10, 1, 15);

/** One invoice per new customer (no payment history to learn from), Net 30; every other one disputed 2 days after due and paid 60 days late, the rest paid 10 days after due. */
function shop(n: number): { invoices: ArInvoice[]; outcomes: OutcomeRecord[] } {
  const invoices: ArInvoice[] = [];
  const outcomes: OutcomeRecord[] = [];
  for (let i = 0; i < n; i++) {
    const invoiceDate = new Date(start + i * DAY);
    const due = invoiceDate.getTime() + 30 * DAY;
    const disputed = (i * 7) % 10 < 5;
    invoices.push({
      id: 1000 + i,
      customerId: 5000 + i,
      customerName: `Customer ${i}`,
      businessUnitId: 1,
      businessUnitName: 'HVAC',
      invoiceDate,
      dueDate: new Date(due),
      totalCents: 40_000 + (i % 13) * 1_000,
      balanceCents: 0,
      termName: 'Net 30',
      applications: [{ at: new Date(due + (disputed ? 60 : 10) * DAY), cents: 40_000 + (i % 13) * 1_000 }],
    });
    if (disputed)
      outcomes.push({
        invoiceId: 1000 + i,
        customerId: 5000 + i,
        outcome: 'dispute',
        at: new Date(due + 2 * DAY),
        promisedFor: null,
      });
  }
  return { invoices, outcomes };
}

describe('the tenant model', () => {
  it('learns from the collectors’ recorded outcomes, and ranks only when it is not worse than the scorecard', () => {
    const { invoices, outcomes } = shop(400);
    const now = new Date(start + 480 * DAY);
    const withOutcomes = fitTenantModel(invoices, outcomes, now);
    const without = fitTenantModel(invoices, [], now);
    expect(withOutcomes.outcomesUsed).toBe(outcomes.length);
    expect(withOutcomes.model).not.toBeNull();
    const dispute = RISK_MODEL_FEATURES.findIndex((f) => f.code === 'dispute');
    expect(withOutcomes.model!.weights[dispute]).toBeGreaterThan(0.5);
    expect(without.model!.weights[dispute]).toBe(0);
    expect(withOutcomes.aucModel!).toBeGreaterThan(without.aucModel! + 0.1);
    expect(withOutcomes.holdoutExamples).toBeGreaterThan(50);
    if (withOutcomes.ranksWith === 'model')
      expect(withOutcomes.aucModel!).toBeGreaterThanOrEqual(withOutcomes.aucScorecard!);
    else expect(withOutcomes.why).toMatch(/below the scorecard/);
    // Outcomes recorded after `now` are not used (time-respecting).
    const early = fitTenantModel(invoices, outcomes, new Date(start + 40 * DAY));
    expect(early.outcomesUsed).toBeLessThan(outcomes.length);
  });

  it('keeps the scorecard with too little history, and says why', () => {
    const { invoices, outcomes } = shop(30);
    const fit = fitTenantModel(invoices, outcomes, new Date(start + 120 * DAY));
    expect(fit.model).toBeNull();
    expect(fit.ranksWith).toBe('scorecard');
    expect(fit.why).toMatch(/the model needs 300/);
    expect(fitTenantModel([], [], new Date()).why).toMatch(/no paid history/);
  });
});
