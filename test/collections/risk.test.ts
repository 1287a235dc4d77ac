// The risk scorecard, reason codes, time-respecting features, the call list's ranking, the AUC
// and the backtest on a generated shop.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  type ArInvoice,
  auc,
  backtest,
  buildLedger,
  indexCustomers,
  rankCallList,
  riskFeatures,
  scorecard,
  scoreWithModel,
  trainRiskModel,
} from '@invoicer/collections';
import { describe, expect, it } from 'vitest';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 1);
const at = (day: number) => new Date(T0 + day * DAY);
let id = 100;
function inv(customerId: number, day: number, total: number, paidDay: number | null, term = 0): ArInvoice {
  return {
    id: id++,
    customerId,
    customerName: `C${customerId}`,
    businessUnitId: 1,
    businessUnitName: 'HVAC',
    invoiceDate: at(day),
    dueDate: at(day + term),
    totalCents: total,
    balanceCents: paidDay === null ? total : 0,
    termName: null,
    applications: paidDay === null ? [] : [{ at: at(paidDay), cents: total }],
  };
}

describe('scorecard', () => {
  it('names its reasons with values: "3 of last 5 invoices paid more than 30 days after due"', () => {
    const history = [
      inv(1, 0, 10_000, 50),
      inv(1, 10, 10_000, 60),
      inv(1, 20, 10_000, 25),
      inv(1, 30, 10_000, 90),
      inv(1, 40, 10_000, 45),
    ];
    const open = inv(1, 100, 250_000, null);
    const ledger = [...history, open, inv(1, 60, 5_000, null)];
    const s = scorecard(riskFeatures(open, at(120), indexCustomers(ledger)));
    const texts = s.reasons.map((r) => r.text);
    expect(texts).toContain('3 of last 5 invoices paid more than 30 days after due');
    expect(texts).toContain('20 days past due');
    expect(texts).toContain('1 other invoice over 30 days past due ($50.00)');
    expect(texts).toContain('open balance $2,500.00');
    expect(s.reasons.length).toBeGreaterThanOrEqual(3);
    // Same inputs, same score.
    expect(scorecard(riskFeatures(open, at(120), indexCustomers(ledger)))).toEqual(s);
    // A prompt payer with the same open invoice scores lower.
    const prompt = [0, 10, 20, 30, 40].map((d) => inv(2, d, 10_000, d + 1));
    const open2 = { ...inv(2, 100, 250_000, null) };
    const s2 = scorecard(riskFeatures(open2, at(120), indexCustomers([...prompt, open2])));
    expect(s2.points).toBeLessThan(s.points);
    expect(s2.reasons.map((r) => r.text)).toContain('0 of last 5 invoices paid more than 30 days after due');
  });

  it('respects time: payments after the scoring moment are not history', () => {
    const early = inv(3, 0, 10_000, 80); // paid 80 days late, on day 80
    const open = inv(3, 50, 10_000, null);
    const index = indexCustomers([early, open]);
    expect(riskFeatures(open, at(60), index).closedCount).toBe(0);
    expect(riskFeatures(open, at(60), index).otherOverdueCount).toBe(1);
    expect(riskFeatures(open, at(90), index)).toMatchObject({
      closedCount: 1,
      recentLate: 1,
      otherOverdueCount: 0,
    });
  });

  it('collector outcomes move the score: a dispute up, an open promise down', () => {
    const open = inv(4, 0, 50_000, null);
    const index = indexCustomers([open]);
    const base = scorecard(riskFeatures(open, at(20), index)).points;
    const dispute = [
      { invoiceId: open.id, customerId: 4, outcome: 'dispute' as const, at: at(15), promisedFor: null },
    ];
    const promise = [
      {
        invoiceId: open.id,
        customerId: 4,
        outcome: 'promise_to_pay' as const,
        at: at(15),
        promisedFor: at(25),
      },
    ];
    expect(scorecard(riskFeatures(open, at(20), index, dispute)).points).toBe(base + 25);
    expect(scorecard(riskFeatures(open, at(20), index, promise)).points).toBe(base - 10);
    // The promise date passed unpaid: broken.
    expect(riskFeatures(open, at(40), index, promise)).toMatchObject({
      brokenPromises: 1,
      openPromise: false,
    });
  });
});

describe('call list', () => {
  it('ranks by expected recovery (balance × probability of paying), not by days overdue', () => {
    const score = (risk: number) => ({
      points: 0,
      risk,
      reasons: [{ code: 'x', points: 5, text: 'why' }],
      source: 'scorecard' as const,
    });
    const list = rankCallList([
      {
        invoiceId: 1,
        customerId: 1,
        customerName: 'Old small',
        balanceCents: 10_000,
        daysPastDue: 80,
        score: score(0.2),
      },
      {
        invoiceId: 2,
        customerId: 2,
        customerName: 'Big likely',
        balanceCents: 500_000,
        daysPastDue: 10,
        score: score(0.3),
      },
      {
        invoiceId: 3,
        customerId: 3,
        customerName: 'Big unlikely',
        balanceCents: 600_000,
        daysPastDue: 40,
        score: score(0.9),
      },
      {
        invoiceId: 4,
        customerId: 4,
        customerName: 'Disputed',
        balanceCents: 900_000,
        daysPastDue: 40,
        score: score(0.1),
        excluded: 'disputed',
      },
      {
        invoiceId: 5,
        customerId: 5,
        customerName: 'Not due',
        balanceCents: 900_000,
        daysPastDue: 0,
        score: score(0.1),
      },
    ]);
    expect(list.map((e) => [e.invoiceId, e.expectedRecoveryCents])).toEqual([
      [2, 350_000],
      [3, 60_000],
      [1, 8_000],
    ]);
    expect(list[0]!.priority).toBe('Urgent');
    expect(list[0]!.reason).toBe('why');
  });
});

describe('AUC and the backtest', () => {
  it('AUC: 1 for a perfect ranking, 0.5 for ties, null for one class', () => {
    expect(auc([1, 2, 3, 4], [false, false, true, true])).toBe(1);
    expect(auc([4, 3, 2, 1], [false, false, true, true])).toBe(0);
    expect(auc([1, 1, 1, 1], [false, true, false, true])).toBe(0.5);
    expect(auc([1, 2], [true, true])).toBeNull();
    expect(auc([1, 2, 2, 3], [false, true, false, true])).toBe(0.875);
  });

  it('the model learns a pattern the shop has: slow customers stay slow', () => {
    const rows: ArInvoice[] = [];
    for (let c = 1; c <= 120; c++)
      for (let k = 0; k < 8; k++) {
        const day = k * 40 + (c % 30);
        const slow = c % 3 === 0;
        rows.push(inv(c, day, 20_000 + c * 10, slow ? day + 50 + (c % 7) : day + 3 + (c % 5)));
      }
    const r = backtest(rows);
    expect(r.testExamples).toBeGreaterThan(50);
    expect(r.aucModel).not.toBeNull();
    expect(r.aucModel!).toBeGreaterThan(0.9);
    expect(r.aucScorecard!).toBeGreaterThan(r.aucBaseline ?? 0);
    // Too few examples, or one class only: no model, the scorecard stays.
    const f = riskFeatures(rows[0]!, at(400), indexCustomers(rows));
    expect(
      trainRiskModel(Array.from({ length: 299 }, (_, i) => ({ features: f, late: i % 2 === 0 }))),
    ).toBeNull();
    expect(trainRiskModel(Array.from({ length: 400 }, () => ({ features: f, late: true })))).toBeNull();
    const model = trainRiskModel(
      Array.from({ length: 400 }, (_, i) => ({ features: { ...f, daysPastDue: i % 40 }, late: i % 40 > 20 })),
    );
    const high = scoreWithModel(model!, { ...f, daysPastDue: 35 });
    expect(high.risk).toBeGreaterThan(scoreWithModel(model!, { ...f, daysPastDue: 2 }).risk);
    expect(high.reasons[0]!.code).toBe('days_past_due');
  });

  it('runs on a generated shop and reports every AUC (skips nothing it can compute)', () => {
    const out = mkdtempSync(path.join(tmpdir(), 'gen-coll-'));
    execFileSync(
      'npx',
      ['tsx', 'apps/st-sim/src/generator/cli.ts', '--jobs', '350', '--seed', '5', '--out', out],
      {
        cwd: path.resolve(import.meta.dirname, '../..'),
        stdio: 'ignore',
      },
    );
    const read = (f: string) => JSON.parse(readFileSync(path.join(out, 'accounting', f), 'utf8'));
    const { invoices, rejected } = buildLedger(read('invoices.json'), read('payments.json'));
    expect(rejected).toEqual([]);
    expect(invoices.length).toBe(350);
    const r = backtest(invoices);
    expect(r.testExamples).toBeGreaterThan(100);
    for (const v of [r.aucBaseline, r.aucScorecard, r.aucModel]) {
      expect(v).not.toBeNull();
      expect(v!).toBeGreaterThan(0.5);
    }
  });
});
