import { Decimal, fromAmountString, sum } from '@invoicer/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { priceStage } from '../pipeline.ts';
import { ID, item, jobContext, knowledge, pricedLine, proposed, settings } from '../test-fixtures.ts';
import type { JobContext, PricedLine, ProposedLine, TaxZoneInfo } from '../types.ts';
import { buildDraft, type DraftDocument, taxZoneInput } from './draft.ts';

const TAX = settings().tax;
const K = knowledge();

const AUSTIN: TaxZoneInfo = {
  id: 3,
  name: 'Austin',
  isTaxRateSeparated: false,
  rates: [
    { taxName: 'Texas', taxBaseType: ['Subtotal'], taxRate: '0.0625' },
    { taxName: 'Austin', taxBaseType: ['Subtotal'], taxRate: '0.02' },
  ],
};

function draft(
  context: JobContext,
  lines: PricedLine[],
  o: Partial<Parameters<typeof buildDraft>[0]> = {},
): DraftDocument {
  return buildDraft({ context, lines, flags: [], tax: TAX, unmatchedBillableMentions: 0, ...o });
}

const money = (s: string) => fromAmountString(s);

describe('buildDraft: totals', () => {
  it('sums the lines, taxes the taxable ones by zone, and adds the tax', () => {
    const context = jobContext({ taxZone: AUSTIN });
    const lines = [
      pricedLine({ key: 'a', unitPrice: '65.00', quantity: '2' }), // 130.00 taxable
      pricedLine({ key: 'b', unitPrice: '89.00', taxable: false, type: 'PriceModifier' }),
    ];
    const doc = draft(context, lines);
    expect(doc.subTotal).toBe('219.00');
    expect(doc.salesTax).toBe('10.73'); // 130 × 8.25 % = 10.725 → 10.73
    expect(doc.total).toBe('229.73');
    expect(doc.taxBreakdown).toEqual([
      { taxName: 'Texas', rate: '0.0625', base: '130.00', amount: '8.13' },
      { taxName: 'Austin', rate: '0.02', base: '130.00', amount: '2.60' },
    ]);
    expect(doc.taxExemptReason).toBeNull();
  });

  it('charges no tax to an exempt location or one without a zone, and says why', () => {
    const lines = [pricedLine({ key: 'a', unitPrice: '100.00' })];
    const exempt = draft(jobContext({ taxZone: AUSTIN, location: { taxExempt: true } }), lines);
    expect(exempt).toMatchObject({
      salesTax: '0.00',
      total: '100.00',
      taxExemptReason: 'location is tax exempt',
    });
    expect(draft(jobContext(), lines).taxExemptReason).toBe('location has no tax zone');
  });

  it('passes the zone through with exact rates', () => {
    expect(taxZoneInput(jobContext({ taxZone: AUSTIN }))!.rates!.map((r) => r.taxRate)).toEqual([
      0.0625, 0.02,
    ]);
    expect(taxZoneInput(jobContext())).toBeNull();
  });

  it('drafts an empty invoice as zero', () => {
    expect(draft(jobContext({ taxZone: AUSTIN }), [])).toMatchObject({
      subTotal: '0.00',
      salesTax: '0.00',
      total: '0.00',
    });
  });
});

describe('buildDraft: difference from the technician’s invoice', () => {
  const context = jobContext({
    invoice: {
      total: '250.00',
      items: [item(1, { skuId: ID.cap, quantity: '1' }), item(2, { skuId: ID.labor, quantity: '1' })],
    },
  });
  const lines = [
    pricedLine({ key: 'item:1', origin: 'technician', existingItemId: 1 }),
    pricedLine({
      key: 'labor:14',
      origin: 'changed',
      existingItemId: 2,
      skuCode: 'LAB-REG',
      quantity: '2.50',
      unitPrice: '120.00',
    }),
    pricedLine({ key: 'rule:tripCharge:1', origin: 'added', skuCode: 'TRIP', unitPrice: '89.00' }),
  ];

  it('lists added lines, changed quantities and unchanged technician lines', () => {
    const doc = draft(context, lines);
    expect(doc.diff).toEqual({
      added: [{ key: 'rule:tripCharge:1', skuCode: 'TRIP', quantity: '1', total: '89.00' }],
      changed: [{ key: 'labor:14', skuCode: 'LAB-REG', from: '1', to: '2.50' }],
      unchangedCount: 1,
      technicianTotal: '250.00',
      draftTotal: doc.total,
    });
    expect(doc.total).toBe('399.00');
  });

  it('writes a customer summary of work, parts and charges', () => {
    const doc = draft(context, [
      pricedLine({ key: 's', type: 'Service', skuName: 'AC Tune Up' }),
      pricedLine({ key: 'm', type: 'Material', skuName: 'Run Capacitor 45/5 MFD', quantity: '2' }),
      pricedLine({ key: 'f', type: 'PriceModifier', skuName: 'Trip Charge' }),
    ]);
    expect(doc.summary).toBe(
      'AC Repair at 1 Main St, Austin TX. Work performed: AC Tune Up. Parts and equipment: Run Capacitor 45/5 MFD × 2. Charges and discounts: Trip Charge.',
    );
  });
});

describe('buildDraft: confidence', () => {
  it('is high when nothing was added, lowered by added lines, flags and unplaced mentions', () => {
    const tech = [pricedLine({ key: 't', origin: 'technician' })];
    const base = draft(jobContext(), tech).confidence;
    expect(base).toBe(0.99);
    const added = draft(jobContext(), [...tech, pricedLine({ key: 'a', origin: 'added', confidence: 0.8 })]);
    expect(added.confidence).toBeCloseTo(0.8, 10);
    const flagged = draft(jobContext(), tech, {
      flags: [{ code: 'sku_inactive', severity: 'warning', message: '', evidence: [] }],
    });
    expect(flagged.confidence).toBeCloseTo(0.75, 10);
    expect(flagged.flags).toHaveLength(1);
    expect(draft(jobContext(), tech, { unmatchedBillableMentions: 1 }).confidence).toBeCloseTo(0.85, 10);
    expect(draft(jobContext(), tech, { residualRisk: 0.2 }).confidence).toBeCloseTo(0.8, 10);
  });
});

// ---- Properties over real pricing: totals equal the sum of lines, rounding is stable. ----

const SKUS = [
  ID.cap,
  ID.cap35,
  ID.copper,
  ID.condenser,
  ID.tuneUp,
  ID.trip,
  ID.coupon,
  ID.diagnostic,
  ID.labor,
];

const lineArb = fc.record({
  skuId: fc.constantFrom(...SKUS),
  milli: fc.integer({ min: 1, max: 40_000 }),
  origin: fc.constantFrom('technician' as const, 'added' as const),
  cents: fc.integer({ min: 0, max: 300_000 }),
  addOn: fc.boolean(),
});

const zoneArb = fc.option(
  fc
    .array(
      fc.record({
        micro: fc.integer({ min: 0, max: 120_000 }),
        base: fc.constantFrom('Subtotal', 'Labor', 'Material'),
      }),
      { minLength: 1, maxLength: 3 },
    )
    .map(
      (rates): TaxZoneInfo => ({
        id: 1,
        name: 'generated',
        isTaxRateSeparated: false,
        rates: rates.map((r, i) => ({
          taxName: `R${i}`,
          taxBaseType: [r.base],
          taxRate: String(r.micro / 1e6),
        })),
      }),
    ),
  { nil: null },
);

const scenarioArb = fc.record({
  lines: fc.array(lineArb, { maxLength: 12 }),
  member: fc.boolean(),
  modifiers: fc.subarray([ID.memberDiscount, ID.fuel]),
  zone: zoneArb,
  exempt: fc.boolean(),
  rounding: fc.constantFrom('line' as const, 'document' as const),
  roundingMode: fc.constantFrom('half_up' as const, 'half_even' as const),
  modifierBase: fc.constantFrom('subtotal' as const, 'spread' as const),
});

type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

function realize(s: Scenario) {
  const context = jobContext({
    taxZone: s.zone,
    location: { taxExempt: s.exempt },
    membership: s.member ? { id: 1, status: 'Active', active: true, membershipTypeId: 1 } : null,
  });
  const proposals: ProposedLine[] = [
    ...s.lines.map((l, i) =>
      proposed(l.skuId, {
        key: `L${i}`,
        quantity: new Decimal(l.milli).div(1000).toString(),
        origin: l.origin,
        addOn: l.addOn,
        ...(l.origin === 'technician'
          ? { existingItemId: i, unitPriceOverride: new Decimal(l.cents).div(100).toFixed(2) }
          : {}),
      }),
    ),
    ...s.modifiers.map((id) => proposed(id, { key: `M${id}` })),
  ];
  const lines = priceStage(context, K, proposals);
  const tax = { ...TAX, rounding: s.rounding, roundingMode: s.roundingMode, modifierBase: s.modifierBase };
  return { context, lines, tax };
}

const CENTS = /^-?\d+\.\d{2}$/;

describe('draft properties (fast-check, real pricing and tax)', () => {
  it('subTotal = Σ line totals, total = subTotal + salesTax, salesTax = Σ breakdown, all in whole cents', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const { context, lines, tax } = realize(s);
        const doc = buildDraft({ context, lines, flags: [], tax, unmatchedBillableMentions: 0 });
        for (const v of [doc.subTotal, doc.salesTax, doc.total, ...lines.map((l) => l.total)])
          expect(v).toMatch(CENTS);
        expect(doc.subTotal).toBe(sum(lines.map((l) => money(l.total))).toFixed(2));
        expect(doc.total).toBe(money(doc.subTotal).plus(money(doc.salesTax)).toFixed(2));
        expect(doc.salesTax).toBe(sum(doc.taxBreakdown.map((b) => money(b.amount))).toFixed(2));
        if (s.exempt || !s.zone) expect(doc.salesTax).toBe('0.00');
        expect(doc.diff.draftTotal).toBe(doc.total);
        expect(doc.diff.added.length + doc.diff.unchangedCount).toBe(lines.length);
      }),
      { numRuns: 300 },
    );
  });

  it('each line total is its unit price × quantity rounded once, so re-pricing a draft changes nothing', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const { context, lines, tax } = realize(s);
        // Re-price every line at the unit price it was drafted at: nothing may move by a cent.
        const again = priceStage(
          context,
          K,
          lines.map((l) => ({ ...l, unitPriceOverride: l.unitPrice })),
        );
        expect(again.map((l) => l.total)).toEqual(lines.map((l) => l.total));
        const a = buildDraft({ context, lines, flags: [], tax, unmatchedBillableMentions: 0 });
        const b = buildDraft({ context, lines: again, flags: [], tax, unmatchedBillableMentions: 0 });
        expect([b.subTotal, b.salesTax, b.total]).toEqual([a.subTotal, a.salesTax, a.total]);
      }),
      { numRuns: 200 },
    );
  });

  it('totals do not depend on line order', () => {
    fc.assert(
      fc.property(scenarioArb, fc.integer(), (s, seed) => {
        const { context, lines, tax } = realize(s);
        const shuffled = [...lines].sort(
          (x, y) => (hash(x.key, seed) - hash(y.key, seed)) | 0 || x.key.localeCompare(y.key),
        );
        const a = buildDraft({ context, lines, flags: [], tax, unmatchedBillableMentions: 0 });
        const b = buildDraft({ context, lines: shuffled, flags: [], tax, unmatchedBillableMentions: 0 });
        expect([b.subTotal, b.salesTax, b.total]).toEqual([a.subTotal, a.salesTax, a.total]);
      }),
      { numRuns: 200 },
    );
  });

  it('confidence is always within [0, 1]', () => {
    fc.assert(
      fc.property(
        scenarioArb,
        fc.array(fc.constantFrom('info' as const, 'warning' as const, 'error' as const), { maxLength: 5 }),
        fc.integer({ min: 0, max: 20 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 12 }),
        (s, severities, unmatched, residualRisk, confidences) => {
          const { context, lines, tax } = realize(s);
          const withConfidence = lines.map((l, i) => ({ ...l, confidence: confidences[i] ?? l.confidence }));
          const flags = severities.map((severity) => ({
            code: 'sku_inactive' as const,
            severity,
            message: '',
            evidence: [],
          }));
          const doc = buildDraft({
            context,
            lines: withConfidence,
            flags,
            tax,
            unmatchedBillableMentions: unmatched,
            residualRisk,
          });
          expect(doc.confidence).toBeGreaterThanOrEqual(0);
          expect(doc.confidence).toBeLessThanOrEqual(1);
          expect(Number.isFinite(doc.confidence)).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });
});

function hash(key: string, seed: number): number {
  let h = seed | 0;
  for (const ch of key) h = Math.imul(h ^ ch.charCodeAt(0), 0x5bd1e995);
  return h;
}
