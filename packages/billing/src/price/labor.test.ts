import { fromAmountString } from '@invoicer/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { HistoryModel, JobRecord } from '../history/model.ts';
import {
  CATALOG,
  CATALOG_BY_ID,
  historyOf,
  ID,
  item,
  jobContext,
  labor,
  settings,
  sku,
  times,
} from '../test-fixtures.ts';
import type { CatalogSku, LaborEntry, LaborTime, ProposedLine } from '../types.ts';
import { billedByTimeRate, laborLines, laborSkus } from './labor.ts';
import { priceLines } from './pricing.ts';

const NO_OT_SKU = CATALOG.filter((s) => s.id !== ID.laborOt);
/** The technician put one hour of hourly labor on the invoice: the job is billed by time. */
const HOURLY_ON_INVOICE = [item(1, { skuId: ID.labor, quantity: '1' })];

function lines(
  entries: LaborEntry[],
  o: {
    items?: ReturnType<typeof item>[];
    catalog?: CatalogSku[];
    model?: HistoryModel;
    pricing?: Record<string, unknown>;
  } = {},
): ProposedLine[] {
  return laborLines({
    context: jobContext({ labor: entries, invoice: { items: o.items ?? HOURLY_ON_INVOICE } }),
    catalog: o.catalog ?? CATALOG,
    model: o.model ?? historyOf([]),
    pricing: settings({ pricing: o.pricing ?? {} }).pricing,
    similarJobs: ['jt:10', 'bu:100'],
  });
}

const byKey = (ls: ProposedLine[]) => Object.fromEntries(ls.map((l) => [l.key, l]));

/** Bill the labor lines the way the draft would. */
function billed(ls: ProposedLine[], catalog = CATALOG_BY_ID) {
  return priceLines({
    lines: ls,
    catalog,
    membershipActive: false,
    customerId: 700,
    pricing: settings().pricing,
    existingDescriptions: new Map(),
  });
}

describe('laborSkus', () => {
  it('finds hourly labor by flag or unit of measure, not flat-rate tasks named "(labor)"', () => {
    const catalog = [
      ...CATALOG,
      sku(80, { kind: 'service', name: 'Electrician per hour', code: 'EL-HR' }),
      sku(81, { kind: 'service', name: 'Faucet install (labor)', code: 'FAUC-L' }),
      sku(82, { kind: 'service', name: 'Plumber', code: 'PL', unitOfMeasure: 'Hours' }),
    ];
    expect(
      laborSkus(catalog)
        .map((s) => s.id)
        .sort((a, b) => a - b),
    ).toEqual([ID.labor, ID.laborOt, ID.helperLabor, 80, 82]);
  });
});

describe('laborLines: whether the job is billed by time', () => {
  it('is, when the technician already put hourly labor on the invoice', () => {
    expect(lines([labor(1, '2.5')])).toHaveLength(1);
  });

  it('is not, without hourly labor on the invoice and without history saying so', () => {
    expect(lines([labor(1, '2.5')], { items: [] })).toEqual([]);
  });

  it('is, when jobs like this one are usually billed by time (added line, history as evidence)', () => {
    const model = historyOf(times(10, { features: ['jt:10'], technician: [ID.labor] }));
    const [line] = lines([labor(1, '2.5')], { items: [], model });
    expect(line).toMatchObject({
      key: `labor:${ID.labor}`,
      origin: 'added',
      quantity: '2.50',
      existingItemId: null,
    });
    expect(line!.confidence).toBeGreaterThanOrEqual(0.6);
    expect(line!.confidence).toBeLessThanOrEqual(1);
    expect(line!.evidence[0]!.detail).toContain('100% of 10 similar past jobs were billed by time');
  });

  it('is not, when similar jobs are usually flat-rate', () => {
    const model = historyOf([
      ...times(2, { features: ['jt:10'], technician: [ID.labor] }),
      ...times(8, { features: ['jt:10'], technician: [ID.tuneUp] }),
    ]);
    expect(lines([labor(1, '2.5')], { items: [], model })).toEqual([]);
  });

  it('is not, without timesheets or without an hourly SKU', () => {
    expect(lines([])).toEqual([]);
    expect(lines([labor(1, '2')], { catalog: CATALOG.filter((s) => !s.isLabor) })).toEqual([]);
  });
});

describe('laborLines: hours × rate', () => {
  it('corrects the technician’s hours to the timesheets, on the same item', () => {
    const [line] = lines([labor(1, '2.5')]);
    expect(line).toMatchObject({
      key: `labor:${ID.labor}`,
      skuId: ID.labor,
      quantity: '2.50',
      origin: 'changed',
      existingItemId: 1,
      confidence: 0.9,
      provenance: { kind: 'labor', technicianIds: [1], hours: '2.50' },
    });
    expect(line!.reason).toContain('technician entered 1');
    const [priced] = billed([line!]);
    expect(priced).toMatchObject({ unitPrice: '120.00', total: '300.00' });
  });

  it('adds nothing when the technician already billed the right hours', () => {
    expect(lines([labor(1, '2.5')], { items: [item(1, { skuId: ID.labor, quantity: '2.5' })] })).toEqual([]);
  });

  it('rounds hours up to the tenant’s increment', () => {
    expect(lines([labor(1, '2.1')])[0]!.quantity).toBe('2.25');
    expect(lines([labor(1, '2.1')], { pricing: { laborIncrementHours: 0.5 } })[0]!.quantity).toBe('2.50');
    expect(lines([labor(1, '2.01')], { pricing: { laborIncrementHours: 1 } })[0]!.quantity).toBe('3.00');
    expect(lines([labor(1, '2.25')])[0]!.quantity).toBe('2.25');
  });

  it('bills at least the minimum hours per technician', () => {
    expect(
      lines([labor(1, '0.4')], { items: [item(1, { skuId: ID.labor, quantity: '0.5' })] })[0]!.quantity,
    ).toBe('1.00');
    expect(lines([labor(1, '0.4')], { pricing: { laborMinimumHours: 2 } })[0]!.quantity).toBe('2.00');
  });

  it('adds up several technicians on one rate into one line, each rounded and held to the minimum', () => {
    const [line, ...rest] = lines([labor(1, '2.1'), labor(2, '0.5'), labor(1, '0.3')]);
    expect(rest).toEqual([]);
    // Technician 1: 2.4 → 2.5; technician 2: 0.5 → minimum 1.
    expect(line).toMatchObject({ quantity: '3.50', provenance: { kind: 'labor', technicianIds: [1, 2] } });
  });

  it('bills each technician at the rate SKU the shop uses for them (an apprentice at the helper rate)', () => {
    const model = historyOf([
      ...times(6, { features: ['jt:10', 'tech:1'], technician: [ID.labor] }),
      ...times(6, { features: ['jt:10', 'tech:2'], technician: [ID.labor, ID.helperLabor] }),
    ]);
    const out = byKey(lines([labor(1, '2'), labor(2, '3')], { model }));
    expect(out[`labor:${ID.labor}`]).toMatchObject({ quantity: '2.00', provenance: { technicianIds: [1] } });
    expect(out[`labor:${ID.helperLabor}`]).toMatchObject({
      quantity: '3.00',
      origin: 'added',
      provenance: { technicianIds: [2] },
    });
    const priced = billed(Object.values(out));
    expect(priced.map((l) => l.total).sort()).toEqual(['210.00', '240.00']);
  });
});

describe('laborLines: overtime', () => {
  it('bills overtime hours on the matching overtime SKU', () => {
    const out = byKey(lines([labor(1, '1.5'), labor(1, '2', { paidTimeType: 'Overtime' })]));
    expect(out[`labor:${ID.labor}`]!.quantity).toBe('1.50');
    expect(out[`labor:${ID.laborOt}`]).toMatchObject({
      skuId: ID.laborOt,
      quantity: '2.00',
      origin: 'added',
    });
    expect(out[`labor:${ID.laborOt}`]!.unitPriceOverride).toBeUndefined();
    expect(billed([out[`labor:${ID.laborOt}`]!])[0]!.total).toBe('400.00');
  });

  it('without an overtime SKU, bills the regular SKU at the overtime multiplier', () => {
    const out = byKey(
      lines([labor(1, '1'), labor(1, '2', { paidTimeType: 'Overtime' })], { catalog: NO_OT_SKU }),
    );
    const ot = out[`labor:${ID.labor}@180.00`]!;
    expect(ot).toMatchObject({ skuId: ID.labor, quantity: '2.00', unitPriceOverride: '180.00' });
    expect(billed([ot])[0]).toMatchObject({ unitPrice: '180.00', total: '360.00' });
    const custom = lines([labor(1, '1'), labor(1, '2', { paidTimeType: 'Overtime' })], {
      catalog: NO_OT_SKU,
      pricing: { overtimeMultiplier: 1.75 },
    });
    expect(custom.find((l) => l.unitPriceOverride !== undefined)!.unitPriceOverride).toBe('210.00');
  });

  it('bills double-time hours at the double-time multiplier, not the overtime rate', () => {
    const out = byKey(
      lines([labor(1, '1'), labor(1, '2', { paidTimeType: 'DoubleOvertime' })], { catalog: NO_OT_SKU }),
    );
    const dt = out[`labor:${ID.labor}@240.00`]!;
    expect(dt).toMatchObject({ skuId: ID.labor, quantity: '2.00', unitPriceOverride: '240.00' });
    const custom = lines([labor(1, '1'), labor(1, '1', { paidTimeType: 'DoubleOvertime' })], {
      catalog: NO_OT_SKU,
      pricing: { doubleOvertimeMultiplier: 2.5 },
    });
    expect(custom.find((l) => l.unitPriceOverride !== undefined)!.unitPriceOverride).toBe('300.00');
  });

  it("bills double time on the shop's double-time SKU when it has one", () => {
    const dtSku = sku(90, {
      kind: 'service',
      name: 'Labor double time',
      code: 'LAB-DT',
      price: '250.00',
      isLabor: true,
    });
    const out = lines([labor(1, '1'), labor(1, '2', { paidTimeType: 'DoubleOvertime' })], {
      catalog: [...CATALOG, dtSku],
    });
    expect(out.find((l) => l.skuId === 90)).toMatchObject({ quantity: '2.00' });
    expect(out.find((l) => l.skuId === 90)!.unitPriceOverride).toBeUndefined();
  });

  it('does not apply the minimum to overtime-only hours, but still rounds them up', () => {
    const out = lines([labor(1, '0.3', { paidTimeType: 'Overtime' })]);
    expect(out.map((l) => [l.skuId, l.quantity])).toEqual([[ID.laborOt, '0.50']]);
  });
});

describe("laborLines: the technician's own rate", () => {
  it('bills the technician rate (and overtime at its multiple) when the tenant chooses it', () => {
    const entries = [
      labor(1, '2', { hourlyRate: '95.00' }),
      labor(1, '1', { paidTimeType: 'Overtime', hourlyRate: '95.00' }),
    ];
    const out = lines(entries, { pricing: { laborRateSource: 'technician' } });
    expect(out.map((l) => [l.skuId, l.quantity, l.unitPriceOverride]).sort()).toEqual(
      [
        [ID.labor, '2.00', '95.00'],
        [ID.labor, '1.00', '142.50'],
      ].sort(),
    );
  });

  it('falls back to the SKU price when the technician has no rate, and ignores rates by default', () => {
    const withoutRate = lines([labor(1, '2')], { pricing: { laborRateSource: 'technician' } });
    expect(withoutRate[0]!.unitPriceOverride).toBeUndefined();
    const byDefault = lines([labor(1, '2', { hourlyRate: '95.00' })]);
    expect(byDefault[0]!.unitPriceOverride).toBeUndefined();
  });
});

describe('labor properties', () => {
  const entryArb = fc.record({
    technicianId: fc.integer({ min: 1, max: 3 }),
    centiHours: fc.integer({ min: 1, max: 1200 }),
    paidTimeType: fc.constantFrom('Regular' as const, 'Overtime' as const),
  });

  it('billed hours are whole increments, never fewer than worked, and at least the minimum per regular line', () => {
    fc.assert(
      fc.property(
        fc.array(entryArb, { minLength: 1, maxLength: 8 }),
        fc.constantFrom(0.1, 0.25, 0.5, 1),
        (raw, increment) => {
          const entries = raw.map((r) =>
            labor(r.technicianId, (r.centiHours / 100).toFixed(2), { paidTimeType: r.paidTimeType }),
          );
          const out = lines(entries, {
            items: [item(1, { skuId: ID.labor, quantity: '0.01' })],
            pricing: { laborIncrementHours: increment },
          });
          const billedHours = out.reduce(
            (s, l) => s.plus(fromAmountString(l.quantity)),
            fromAmountString('0'),
          );
          const worked = entries.reduce((s, e) => s.plus(fromAmountString(e.hours)), fromAmountString('0'));
          expect(billedHours.gte(worked)).toBe(true);
          for (const l of out) {
            const q = fromAmountString(l.quantity);
            expect(q.div(increment).isInteger()).toBe(true);
            if (l.skuId === ID.labor) expect(q.gte(1)).toBe(true);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("laborLines: the shop's own convention", () => {
  const TZ = 'America/Chicago';
  /** Visits on Tuesday mornings (Chicago), one technician each: on site for `minutes`. */
  const timeOf = (minutes: number[], day = 7): LaborTime => {
    const start = (k: number) => Date.UTC(2025, 0, day + k * 7, 15);
    return {
      visits: minutes.map((_, k) => ({ id: k + 1, start: start(k), end: start(k) + minutes[k]! * 60_000 })),
      onSite: minutes.map((m, k) => ({
        technicianId: 1,
        visitId: k + 1,
        arrived: start(k),
        done: start(k) + m * 60_000,
      })),
      // Payroll also pays set-up time: a quarter hour more per visit.
      paid: minutes.map((m, k) => ({
        technicianId: 1,
        hours: m / 60 + 0.25,
        start: start(k),
        type: 'Regular' as const,
      })),
    };
  };
  /** Per visit: at least an hour, rounded up to the quarter. */
  const perVisit = (minutes: number[]) =>
    minutes.reduce((s, m) => s + Math.max(1, Math.ceil(m / 15 - 1e-9) / 4), 0);

  /** Past jobs billed per visit (by the office, or by the technician), with their time attached. */
  function history(n: number, o: { by?: 'office' | 'technician'; noise?: boolean } = {}): HistoryModel {
    const specs = Array.from({ length: n }, (_, i) => {
      const minutes = [20 + ((i * 37) % 200), ...(i % 3 === 0 ? [10 + ((i * 13) % 50)] : [])];
      const quantity = o.noise ? 1 + ((i * 7) % 9) / 4 : perVisit(minutes);
      return { minutes, quantity };
    });
    const model = historyOf(
      specs.map((s) =>
        o.by === 'technician'
          ? { features: ['jt:10'], quantities: [{ skuId: ID.labor, quantity: s.quantity }] }
          : { features: ['jt:10'], office: [{ skuId: ID.labor, quantity: s.quantity }] },
      ),
    );
    specs.forEach((s, i) => {
      (model.records.get(100_000 + i) as JobRecord & { time?: LaborTime }).time = timeOf(s.minutes);
    });
    return model;
  }

  /** The job being drafted: two visits of 30 min and 2 h 5 min; payroll says 2.85 h. */
  function draft(
    model: HistoryModel,
    o: { items?: ReturnType<typeof item>[]; pricing?: Record<string, unknown> } = {},
  ) {
    const time = timeOf([30, 125], 14);
    return laborLines({
      context: {
        ...jobContext({ labor: [labor(1, '2.85')], invoice: { items: o.items ?? [] } }),
        laborTime: { ...time, timezone: TZ },
      },
      catalog: CATALOG,
      model,
      pricing: settings({ pricing: o.pricing ?? {} }).pricing,
      similarJobs: ['jt:10'],
    });
  }

  it('bills the hours the way past invoices were billed, as sure as that way has been', () => {
    const [line, ...rest] = draft(history(30));
    expect(rest).toEqual([]);
    // 30 min → 1 h minimum; 2 h 5 min → 2.25 h (the settings would bill 2.85 paid hours → 3.00).
    expect(line).toMatchObject({
      key: `labor:${ID.labor}`,
      skuId: ID.labor,
      quantity: '3.25',
      origin: 'added',
    });
    expect(line!.confidence).toBeGreaterThan(0.85);
    expect(line!.evidence.map((e) => e.detail).join(' ')).toContain('per technician per visit');
    expect(line!.evidence.map((e) => e.detail).join(' ')).toContain('reproduces 100% of 30 past');
  });

  it('keeps the technician’s hours when they match, and flags them when they do not', () => {
    expect(draft(history(30), { items: [item(1, { skuId: ID.labor, quantity: '3.25' })] })).toEqual([]);
    const [changed] = draft(history(30), { items: [item(1, { skuId: ID.labor, quantity: '3' })] });
    expect(changed).toMatchObject({ origin: 'changed', existingItemId: 1, quantity: '3.25' });
  });

  it('adds another labor SKU only as a suggestion when the office never adds labor to the technician’s', () => {
    const [line] = draft(history(30, { by: 'technician' }), {
      items: [item(1, { skuId: ID.helperLabor, quantity: '3' })],
    });
    expect(line).toMatchObject({ skuId: ID.labor, origin: 'added' });
    expect(line!.confidence).toBeLessThan(0.5);
  });

  it('uses the settings when told to, or when history is thin', () => {
    const [settingsLine] = draft(history(30), { pricing: { laborConvention: 'settings' } });
    expect(settingsLine!.quantity).toBe('3.00');
    const [thin] = draft(history(5));
    expect(thin!.quantity).toBe('3.00');
    expect(thin!.confidence).toBeGreaterThanOrEqual(0.6);
  });

  it('does not look sure when nothing reproduces past invoices well', () => {
    const [line] = draft(history(30, { noise: true }));
    expect(line!.quantity).toBe('3.00');
    expect(line!.confidence).toBeLessThan(0.5);
    expect(line!.evidence.map((e) => e.detail).join(' ')).toContain("the settings' labor rules reproduce");
  });
});

describe('billedByTimeRate', () => {
  it('shrinks the business unit toward a job type with too few jobs of its own', () => {
    // The business unit bills time on 10 of its 12 jobs; job type 20's two jobs were flat rate.
    const model = historyOf([
      ...times(10, { features: ['jt:10', 'bu:100'], technician: [ID.labor] }),
      ...times(2, { features: ['jt:20', 'bu:100'] }),
    ]);
    const hourly = new Set([ID.labor, ID.laborOt]);
    expect(billedByTimeRate(model, hourly, ['jt:10', 'bu:100'])).toMatchObject({ rate: 1, jobs: 10 });
    const sparse = billedByTimeRate(model, hourly, ['jt:20', 'bu:100'])!;
    expect(sparse.rate).toBeCloseTo((5 * 10) / 12 / 7, 9);
    expect(sparse.said).toBe('83% of 12 similar past jobs were billed by time, 0 of the 2 most like it');
    // A job type the shop has never done takes the business unit's rate as it is.
    expect(billedByTimeRate(model, hourly, ['jt:30', 'bu:100'])?.rate).toBeCloseTo(10 / 12, 9);
  });
});
