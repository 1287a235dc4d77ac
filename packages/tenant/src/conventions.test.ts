import { Decimal, parseTenantSettings, toMoneyString } from '@invoicer/core';
import {
  replaceHistoryLines,
  TIME_RESOURCES,
  upsertCatalog,
  upsertHistoryJobs,
  upsertMirror,
} from '@invoicer/db';
import { createTestDatabase, type TestDatabase } from '@invoicer/db/testing';
import { createLogger } from '@invoicer/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feeRow, namedRow, skuRow } from './catalog-map.ts';
import {
  learnConventions,
  learnLaborConventionAt,
  loadConventionInputs,
  pastInvoiceFrom,
} from './conventions.ts';
import { TenantRuntime } from './runtime.ts';

// Two rates on materials: 10.06 of parts is 0.29174 + 0.483886, 0.77 rounded per rate and
// 0.78 rounded once per invoice. The shop rounds once.
const ZONE = {
  id: 7,
  name: 'Denver',
  rates: [
    { taxName: 'State', taxBaseType: ['Material'], taxRate: 0.029 },
    { taxName: 'City', taxBaseType: ['Material'], taxRate: 0.0481 },
  ],
};
const ZONES = new Map([[7, ZONE]]);

const item = (skuId: number, type: string, total: string, o: Record<string, unknown> = {}) => ({
  skuId,
  type,
  quantity: '1.00',
  price: total,
  total,
  taxable: true,
  ...o,
});

function invoice(id: number, parts: string, o: Record<string, unknown> = {}) {
  const tax = toMoneyString(new Decimal(parts).times('0.0771'));
  return {
    id,
    job: { id },
    salesTax: tax,
    subTotal: parts,
    taxZoneId: 7,
    items: [item(10, 'Material', parts), item(1, 'Service', '95.00', { taxable: false })],
    ...o,
  };
}

describe('pastInvoiceFrom', () => {
  it('reads amounts exactly and leaves inactive items out', () => {
    const p = pastInvoiceFrom(
      invoice(1, '10.06', {
        items: [item(10, 'Material', '10.06'), item(11, 'Material', '5.00', { active: false })],
      }),
      '2026-01-02T00:00:00Z',
      ZONES,
    )!;
    expect(p.lines.map((l) => [l.skuId, l.itemType, l.total.toFixed(2)])).toEqual([
      [10, 'Material', '10.06'],
    ]);
    expect(p.zone).toBe(ZONE);
    expect(p.salesTax.toFixed(2)).toBe('0.78');
  });

  it('takes the zone from the sales tax code only when its combined rate agrees', () => {
    const base = invoice(1, '10.06', { taxZoneId: null });
    expect(pastInvoiceFrom({ ...base, salesTaxCode: { id: 7, taxRate: 0.0771 } }, 'x', ZONES)!.zone).toBe(
      ZONE,
    );
    expect(pastInvoiceFrom({ ...base, salesTaxCode: { id: 7, taxRate: 0.08 } }, 'x', ZONES)!.zone).toBeNull();
    expect(pastInvoiceFrom(base, 'x', ZONES)!.zone).toBeNull();
  });

  it('refuses an invoice it cannot read exactly', () => {
    expect(pastInvoiceFrom(invoice(1, '10.06', { salesTax: 'n/a' }), 'x', ZONES)).toBeNull();
    expect(
      pastInvoiceFrom({ ...invoice(1, '10.06'), items: [item(10, 'Labour', '1.00')] }, 'x', ZONES),
    ).toBeNull();
  });
});

describe('learning from the mirror', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
    const names = new Map<number, string>();
    await upsertCatalog(t.db, 'acme', [
      skuRow(
        'service',
        { id: 1, code: 'TRIP', displayName: 'Trip', price: 95, taxable: false } as never,
        names,
      ),
      skuRow(
        'material',
        { id: 10, code: 'PART', displayName: 'Part', price: 10, categories: [55] } as never,
        names,
      ),
      feeRow({
        id: 50,
        code: 'PARTS-10',
        type: 'Discount',
        amountType: 'Percentage',
        amount: 0.1,
        limit: 0,
        taxable: false,
      } as never),
      namedRow('tax-zone', ZONE),
    ]);
    // Forty jobs completed a day apart; the last ten after the cutoff.
    const day = (n: number) => new Date(Date.UTC(2026, 0, 1 + n, 18)).toISOString();
    const parts = (n: number) => `${10 + n}.06`;
    await upsertHistoryJobs(
      t.db,
      'acme',
      Array.from({ length: 40 }, (_, n) => ({
        stJobId: 100 + n,
        jobTypeId: 1,
        businessUnitId: 1,
        locationId: 1,
        customerId: 1,
        completedOn: day(n),
        noteText: '',
        features: [],
        laborHours: null,
      })),
    );
    await upsertMirror(
      t.db,
      'acme',
      'accounting/invoices',
      Array.from({ length: 40 }, (_, n) => {
        const inv = invoice(100 + n, parts(n));
        const discount = toMoneyString(new Decimal(parts(n)).times('0.1'));
        inv.items.push(item(50, 'PriceModifier', `-${discount}`, { taxable: false }));
        return { stId: 100 + n, parentId: 100 + n, data: inv, modifiedOn: null };
      }),
    );
  });
  afterAll(async () => {
    await t.drop();
  });

  it('reads only invoices of jobs completed by the cutoff', async () => {
    const cutoff = new Date(Date.UTC(2026, 0, 31));
    const { invoices } = await loadConventionInputs(t.db, 'acme', cutoff);
    expect(invoices).toHaveLength(30);
    expect(invoices.every((i) => Date.parse(i.completedOn) <= cutoff.getTime())).toBe(true);
    expect(invoices[0]!.lines.map((l) => l.skuId)).toEqual([10, 1, 50]);
  });

  it('learns the shop’s rounding and the discount’s base, with support', async () => {
    const { learned, words } = await learnConventions(
      t.db,
      'acme',
      parseTenantSettings({}),
      new Date(Date.UTC(2026, 0, 31)),
    );
    expect(learned.invoices).toBe(30);
    expect(learned.tax.support).toBe(30);
    expect(learned.tax.convention.rounding).toBe('invoice');
    const [discount] = learned.percentages;
    expect(discount).toMatchObject({ skuCode: 'PARTS-10', support: 30, agreement: 1 });
    expect(discount!.rule).toMatchObject({ itemTypes: ['Material'], source: 'learned' });
    expect(words.tax.join(' ')).toMatch(/once per invoice/);
    expect(words.percentages[0]).toMatch(/^PARTS-10 .*30\/30/);
  });

  it('learns once for the days that read the same invoices, exactly as learned afresh', async () => {
    const runtime = new TenantRuntime({
      db: t.db,
      redis: null as never,
      prefix: 'conventions-test',
      credentialsKey: Buffer.alloc(32),
      log: createLogger({ name: 'conventions-test', level: 'silent' }),
    });
    const settings = parseTenantSettings({});
    const fresh = async (at: Date) => {
      const cutoff = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()) - 1);
      return (await learnConventions(t.db, 'acme', settings, cutoff)).learned;
    };
    // The last job completes on Feb 9: every day from Feb 10 on reads the same 40 invoices.
    const feb12 = new Date(Date.UTC(2026, 1, 12, 12));
    const feb20 = new Date(Date.UTC(2026, 1, 20, 12));
    const jan20 = new Date(Date.UTC(2026, 0, 20, 12));
    const first = await runtime.conventions('acme', feb12);
    expect(first).toEqual(await fresh(feb12));
    expect(first?.invoices).toBe(40);
    expect(await runtime.conventions('acme', feb20)).toBe(first);
    // An earlier day reads fewer invoices (time-respecting): learned on its own.
    const earlier = await runtime.conventions('acme', jan20);
    expect(earlier?.invoices).toBe(19);
    expect(earlier).toEqual(await fresh(jan20));
    // A past invoice changed in the mirror: the same days read it differently, so learn again.
    const changed = invoice(139, '49.06');
    changed.salesTax = '3.79';
    await upsertMirror(t.db, 'acme', 'accounting/invoices', [
      { stId: 139, parentId: 139, data: changed, modifiedOn: null },
    ]);
    const feb25 = new Date(Date.UTC(2026, 1, 25, 12));
    const relearned = await runtime.conventions('acme', feb25);
    expect(relearned).not.toBe(first);
    expect(relearned).toEqual(await fresh(feb25));
    expect(relearned?.percentages).not.toEqual(first?.percentages);
  });
});

describe('the labor convention, from the mirror', () => {
  // Twenty-five Tuesday jobs a week apart, one technician on site for a varying time, billed on
  // the hourly SKU in half hours rounded up with a one-hour minimum (the settings say quarter
  // hours of paid time). The last five are completed after the cutoff.
  const ON_SITE = [0.3, 1.2, 1.7, 0.8, 2.6];
  const BILLED = ['1.00', '1.50', '2.00', '1.00', '3.00'];
  const HOUR = 3_600_000;
  const start = (n: number) => Date.UTC(2026, 0, 6 + 7 * n, 16);
  const iso = (ms: number) => new Date(ms).toISOString();
  const cutoffAfter = (jobs: number) => new Date(start(jobs) - 6 * HOUR);
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
    await upsertCatalog(t.db, 'acme', [
      skuRow(
        'service',
        {
          id: 20,
          code: 'LAB',
          displayName: 'Labor per hour',
          price: 120,
          isLabor: true,
          unitOfMeasure: 'Hour',
        } as never,
        new Map(),
      ),
    ]);
    const jobs = Array.from({ length: 25 }, (_, n) => n);
    await upsertHistoryJobs(
      t.db,
      'acme',
      jobs.map((n) => ({
        stJobId: 200 + n,
        jobTypeId: 1,
        businessUnitId: 1,
        locationId: 1,
        customerId: 1,
        completedOn: iso(start(n) + 3 * HOUR),
        noteText: '',
        features: ['jt:1'],
        laborHours: null,
      })),
    );
    await upsertMirror(
      t.db,
      'acme',
      TIME_RESOURCES.appointments,
      jobs.map((n) => ({
        stId: 1000 + n,
        parentId: 200 + n,
        data: { id: 1000 + n, start: iso(start(n)), end: iso(start(n) + 2 * HOUR) },
        modifiedOn: null,
      })),
    );
    await upsertMirror(
      t.db,
      'acme',
      TIME_RESOURCES.timesheets,
      jobs.map((n) => ({
        stId: 3000 + n,
        parentId: 200 + n,
        data: {
          technicianId: 7,
          appointmentId: 1000 + n,
          arrivedOn: iso(start(n)),
          doneOn: iso(start(n) + ON_SITE[n % 5]! * HOUR),
          active: true,
        },
        modifiedOn: null,
      })),
    );
    await replaceHistoryLines(
      t.db,
      'acme',
      jobs.map((n) => 200 + n),
      jobs.map((n) => ({
        stItemId: 5000 + n,
        stJobId: 200 + n,
        stInvoiceId: 200 + n,
        skuId: 20,
        itemType: 'Service',
        description: 'Labor',
        quantity: BILLED[n % 5]!,
        unitPrice: '120.00',
        createdOn: iso(start(n) + 3 * HOUR),
        officeAdded: false,
      })),
    );
  });
  afterAll(async () => {
    await t.drop();
  });

  it('learns how the shop bills time from the jobs completed by the cutoff, with agreement and support', async () => {
    const labor = await learnLaborConventionAt(t.db, 'acme', parseTenantSettings({}), cutoffAfter(20));
    expect(labor).toMatchObject({ status: 'learned', inUse: 'learned', support: 20, agreement: 1 });
    expect(labor.convention).toMatchObject({ source: 'onsite', increment: 0.5, rounding: 'up', minimum: 1 });
    // The settings' quarter hours of paid time reproduce none of them (no payroll).
    expect(labor.settingsAgreement).toBe(0);
    expect(labor.agreementLowerBound).toBeGreaterThan(0.8);
    expect(labor.agreementLowerBound).toBeLessThan(1);
    expect(labor.summary[0]).toMatch(/^Learned: on-site hours \(timesheets\) .*rounded up 0\.5 h.*20\/20/);
    // All twenty-five once the cutoff is past them.
    expect(
      (await learnLaborConventionAt(t.db, 'acme', parseTenantSettings({}), cutoffAfter(25))).support,
    ).toBe(25);
  });

  it('says the settings are in force while history is thin', async () => {
    const labor = await learnLaborConventionAt(t.db, 'acme', parseTenantSettings({}), cutoffAfter(5));
    expect(labor).toMatchObject({ status: 'thin', inUse: 'settings', support: 5, convention: null });
    expect(labor.summary.join(' ')).toMatch(/history too thin: settings in force/i);
    expect(labor.summary.join(' ')).toContain('paid hours (payroll) per technician per job');
  });

  it('shows a pinned convention as pinned, measured on the history', async () => {
    const settings = parseTenantSettings({
      pricing: {
        laborConvention: 'pinned',
        laborPinned: { source: 'onsite', grouping: 'visit-technician', rounding: 'nearest' },
        laborIncrementHours: 0.5,
        laborMinimumHours: 1,
      },
    });
    const labor = await learnLaborConventionAt(t.db, 'acme', settings, cutoffAfter(20));
    expect(labor).toMatchObject({ status: 'pinned', inUse: 'pinned', support: 20 });
    expect(labor.convention).toMatchObject({ source: 'onsite', rounding: 'nearest', increment: 0.5 });
    // Rounding to the nearest half hour reproduces 0.3 h → 1 h and 0.8 h → 1 h only.
    expect(labor.agreement).toBeCloseTo(0.4);
    expect(labor.summary[0]).toMatch(/^Pinned \(pricing\.laborConvention = pinned\)/);
  });

  it('says when the tenant bills by its settings', async () => {
    const settings = parseTenantSettings({ pricing: { laborConvention: 'settings' } });
    const labor = await learnLaborConventionAt(t.db, 'acme', settings, cutoffAfter(20));
    expect(labor).toMatchObject({ status: 'settings', inUse: 'settings' });
    expect(labor.summary[0]).toMatch(/^Settings in force \(pricing\.laborConvention = settings\)/);
  });
});
