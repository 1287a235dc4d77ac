import { describe, expect, it } from 'vitest';
import type { HistoryModel } from '../history/model.ts';
import {
  CATALOG_BY_ID,
  type ContextOverrides,
  historyOf,
  ID,
  jobContext,
  mentionsOf,
  pricedLine,
  times,
} from '../test-fixtures.ts';
import type { Flag, FlagCode, PricedLine } from '../types.ts';
import { type CheckedLine, type ValidateInput, validate } from './validate.ts';

const MEMBER = { id: 42, status: 'Active', active: true, membershipTypeId: 1 };
const EXPIRED = { id: 43, status: 'Expired', active: false, membershipTypeId: 1 };

function line(key: string, skuId: number, overrides: Partial<PricedLine> = {}): CheckedLine {
  const sku = CATALOG_BY_ID.get(skuId);
  return pricedLine({
    key,
    skuId,
    skuCode: sku?.code ?? String(skuId),
    skuName: sku?.name ?? 'Unknown',
    description: sku?.name ?? 'Unknown',
    ...overrides,
  });
}

function check(
  o: ContextOverrides & {
    lines?: CheckedLine[];
    model?: HistoryModel;
    declined?: ValidateInput['declined'];
    discounts?: number[];
  } = {},
): Flag[] {
  return validate({
    context: jobContext(o),
    lines: o.lines ?? [line('item:1', ID.cap, { existingItemId: 1 })],
    catalog: CATALOG_BY_ID,
    model: o.model ?? historyOf([]),
    declined: o.declined ?? [],
    membershipDiscountSkuIds: o.discounts ?? [],
  });
}

const codes = (flags: Flag[]) => flags.map((f) => f.code);
const only = (flags: Flag[], code: FlagCode) => flags.filter((f) => f.code === code);

describe('validate', () => {
  it('raises nothing on a clean invoice', () => {
    expect(check()).toEqual([]);
  });

  describe('invoice_not_editable', () => {
    it.each(['Posted', 'Exported'])('is an error when the invoice is %s', (status) => {
      const [f] = only(check({ invoice: { syncStatus: status } }), 'invoice_not_editable');
      expect(f).toMatchObject({ severity: 'error' });
      expect(f!.message).toContain(status);
    });

    it.each(['Pending', null])('does not fire for syncStatus %s', (status) => {
      expect(codes(check({ invoice: { syncStatus: status } }))).not.toContain('invoice_not_editable');
    });
  });

  describe('no_charge_job', () => {
    it('warns when a no-charge job is billed', () => {
      expect(only(check({ job: { noCharge: true } }), 'no_charge_job')).toHaveLength(1);
    });

    it('does not fire for a no-charge job with nothing billed, or a normal job', () => {
      expect(codes(check({ job: { noCharge: true }, lines: [] }))).not.toContain('no_charge_job');
      expect(codes(check({ job: { noCharge: false } }))).not.toContain('no_charge_job');
    });
  });

  describe('duplicate_line', () => {
    it('flags the second technician line with the same SKU and description, with both item ids', () => {
      const flags = check({
        lines: [
          line('item:1', ID.cap, { existingItemId: 1, description: 'Run Capacitor 45/5 MFD' }),
          line('item:2', ID.cap, { existingItemId: 2, description: '  run capacitor 45/5 mfd ' }),
        ],
      });
      const [f] = only(flags, 'duplicate_line');
      expect(f).toMatchObject({ lineKey: 'item:2', severity: 'warning' });
      expect(f!.evidence[0]!.detail).toBe('items 1 and 2');
    });

    it('does not flag the same SKU under different descriptions, or an added line', () => {
      expect(
        codes(
          check({
            lines: [
              line('item:1', ID.cap, { existingItemId: 1, description: 'Capacitor - condenser' }),
              line('item:2', ID.cap, { existingItemId: 2, description: 'Capacitor - air handler' }),
            ],
          }),
        ),
      ).not.toContain('duplicate_line');
      expect(
        codes(
          check({
            lines: [
              line('item:1', ID.cap, { existingItemId: 1 }),
              line('note:10', ID.cap, { origin: 'added' }),
            ],
          }),
        ),
      ).not.toContain('duplicate_line');
    });
  });

  describe('sku_not_in_catalog / sku_inactive', () => {
    it('flags a SKU the price book does not have', () => {
      const [f] = only(check({ lines: [line('item:1', 999, { existingItemId: 1 })] }), 'sku_not_in_catalog');
      expect(f).toMatchObject({ lineKey: 'item:1', severity: 'warning' });
    });

    it('flags an inactive SKU', () => {
      const [f] = only(check({ lines: [line('item:1', ID.oldStat, { existingItemId: 1 })] }), 'sku_inactive');
      expect(f).toMatchObject({ lineKey: 'item:1' });
      expect(f!.message).toContain('TSTAT-OLD');
    });

    it('does not flag an active price-book SKU', () => {
      expect(codes(check())).toEqual([]);
    });
  });

  describe('quantity_outlier', () => {
    // Ten past lines of one capacitor each: median 1, p95 1, so the limit is max(2, 4, 2) = 4.
    const usual = historyOf(times(10, { features: [], quantities: [{ skuId: ID.cap, quantity: 1 }] }));

    it('flags a quantity far above the usual', () => {
      const flags = check({
        model: usual,
        lines: [line('note:10', ID.cap, { quantity: '5', origin: 'added' })],
      });
      const [f] = only(flags, 'quantity_outlier');
      expect(f).toMatchObject({ lineKey: 'note:10' });
      expect(f!.evidence[0]).toMatchObject({ kind: 'history_pattern', support: 10 });
    });

    it('does not flag a quantity at the limit', () => {
      const flags = check({
        model: usual,
        lines: [line('note:10', ID.cap, { quantity: '4', origin: 'added' })],
      });
      expect(codes(flags)).not.toContain('quantity_outlier');
    });

    it('does not judge with fewer than 10 past lines', () => {
      const thin = historyOf(times(9, { features: [], quantities: [{ skuId: ID.cap, quantity: 1 }] }));
      const flags = check({
        model: thin,
        lines: [line('note:10', ID.cap, { quantity: '50', origin: 'added' })],
      });
      expect(codes(flags)).not.toContain('quantity_outlier');
    });
  });

  describe('labor_hours_high', () => {
    // Ten past AC Repair jobs of 2 h: the limit is max(2 × 2, 2 + 4) = 6 h.
    const norm = historyOf(times(10, { features: [], jobTypeId: 10, laborHours: 2 }));
    const labor = (hours: string[]) =>
      hours.map((h, i) => ({
        technicianId: i + 1,
        technicianName: `T${i}`,
        hours: h,
        paidTimeType: 'Regular' as const,
        hourlyRate: null,
      }));

    it('flags timesheet hours far above the norm for the job type, summed over technicians', () => {
      const [f] = only(check({ model: norm, labor: labor(['4', '3.5']) }), 'labor_hours_high');
      expect(f!.message).toContain('7.50');
      expect(f!.message).toContain('AC Repair');
    });

    it('does not flag hours at the limit, another job type, or thin history', () => {
      expect(codes(check({ model: norm, labor: labor(['6']) }))).not.toContain('labor_hours_high');
      expect(codes(check({ model: norm, labor: labor(['12']), job: { jobTypeId: 11 } }))).not.toContain(
        'labor_hours_high',
      );
      const thin = historyOf(times(9, { features: [], jobTypeId: 10, laborHours: 2 }));
      expect(codes(check({ model: thin, labor: labor(['12']) }))).not.toContain('labor_hours_high');
    });
  });

  describe('membership discounts', () => {
    const discounts = [ID.memberDiscount];
    const withDiscount = [line('item:1', ID.cap, { existingItemId: 1 }), line('item:2', ID.memberDiscount)];

    it('notes (info) an active member without a membership discount', () => {
      const [f] = only(check({ membership: MEMBER, discounts }), 'membership_discount_missing');
      expect(f).toMatchObject({ severity: 'info' });
      expect(f!.message).toContain('#42');
    });

    it('does not note it when the discount is there, when the shop has no such discount, or for non-members', () => {
      expect(codes(check({ membership: MEMBER, discounts, lines: withDiscount }))).toEqual([]);
      expect(codes(check({ membership: MEMBER, discounts: [] }))).toEqual([]);
      expect(codes(check({ membership: null, discounts }))).toEqual([]);
    });

    it.each([
      ['no membership', null],
      ['an expired membership', EXPIRED],
    ])('warns about a membership discount for a customer with %s', (_label, membership) => {
      const [f] = only(
        check({ membership, discounts, lines: withDiscount }),
        'membership_discount_unexpected',
      );
      expect(f).toMatchObject({ severity: 'warning' });
      expect(f!.evidence[0]!.detail).toBe(membership ? 'membership Expired' : 'no membership');
    });
  });

  describe('declined_item_on_invoice', () => {
    const note = 'Quoted new condenser, customer declined';
    const declinedMention = mentionsOf(note).find((m) => m.words.includes('condenser'))!;

    it('flags a technician item for exactly the SKU the customer declined, pointing at the note', () => {
      const flags = check({
        notes: [note],
        lines: [line('item:1', ID.condenser, { existingItemId: 1 })],
        declined: [{ mention: declinedMention, skuId: ID.condenser }],
      });
      const [f] = only(flags, 'declined_item_on_invoice');
      expect(f).toMatchObject({ lineKey: 'item:1', severity: 'warning' });
      const span = f!.evidence[0]!.span!;
      expect(note.slice(span.start, span.end)).toBe('condenser');
    });

    it('does not flag another SKU, or a line the office would add', () => {
      expect(
        codes(
          check({
            lines: [line('item:1', ID.cap, { existingItemId: 1 })],
            declined: [{ mention: declinedMention, skuId: ID.condenser }],
          }),
        ),
      ).toEqual([]);
      expect(
        codes(
          check({
            lines: [line('note:13', ID.condenser, { origin: 'added' })],
            declined: [{ mention: declinedMention, skuId: ID.condenser }],
          }),
        ),
      ).toEqual([]);
    });
  });

  it('reports several problems at once, each with its line', () => {
    const flags = check({
      invoice: { syncStatus: 'Posted' },
      lines: [line('item:1', 999, { existingItemId: 1 }), line('item:2', ID.oldStat, { existingItemId: 2 })],
    });
    expect(codes(flags).sort()).toEqual(['invoice_not_editable', 'sku_inactive', 'sku_not_in_catalog']);
  });
});
