import { Decimal, parseTenantSettings, toMoneyString } from '@invoicer/core';
import { upsertCatalog, upsertHistoryJobs, upsertMirror } from '@invoicer/db';
import { createTestDatabase, type TestDatabase } from '@invoicer/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feeRow, namedRow, skuRow } from './catalog-map.ts';
import { learnConventions, loadConventionInputs, pastInvoiceFrom } from './conventions.ts';

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
});
