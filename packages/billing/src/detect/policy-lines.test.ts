import { describe, expect, it } from 'vitest';
import { HistoryModel } from '../history/model.ts';
import { sku } from '../test-fixtures.ts';
import { policyLines, policyPredictions } from './policy-lines.ts';

const DAY = 24 * 3600_000;
const REPAIR = 300;
const SUPPLIES = 900;
const DISCOUNT = 950;

/**
 * A shop whose office adds a supplies kit (a part) and a discount to every repair and to every
 * visit whose notes name the kit, and nothing to the rest: on the final invoices, the discount
 * goes with the kit, which says so better than any feature known at completion.
 */
function shop(): HistoryModel {
  const model = new HistoryModel();
  const start = Date.parse('2026-01-05T15:00:00Z');
  const jobs: Parameters<HistoryModel['advance']>[1] = [];
  const lines: Parameters<HistoryModel['advance']>[2] = [];
  for (let i = 0; i < 80; i++) {
    const repaired = i % 2 === 0;
    const kitNamed = i % 4 === 1;
    const features = [
      'jt:1',
      ...(repaired ? ['k:Service', `s:${REPAIR}`] : ['items:none']),
      ...(kitNamed ? ['w:kit'] : []),
    ];
    const completed = new Date(start + i * 6 * 3600_000);
    const later = new Date(completed.getTime() + DAY).toISOString();
    jobs.push({ jobId: i, completedOn: completed.toISOString(), jobTypeId: 1, features, laborHours: 1 });
    if (!repaired && !kitNamed) continue;
    const line = (skuId: number, officeAdded: boolean) => ({
      jobId: i,
      skuId,
      quantity: 1,
      createdOn: officeAdded ? later : completed.toISOString(),
      officeAdded,
      features,
    });
    if (repaired) lines.push(line(REPAIR, false));
    lines.push(line(SUPPLIES, true), line(DISCOUNT, true));
  }
  model.advance(start + 80 * 6 * 3600_000 + 10 * DAY, jobs, lines);
  return model;
}

describe('policyLines: the parts the policy adds count for the other policies', () => {
  it('adds the discount that goes with a part once it has added the supplies kit', () => {
    const catalog = new Map([
      [REPAIR, sku(REPAIR, { kind: 'service', name: 'Repair' })],
      [SUPPLIES, sku(SUPPLIES, { kind: 'material', name: 'Supplies Kit' })],
      [DISCOUNT, sku(DISCOUNT, { kind: 'discount', name: 'Discount' })],
    ]);
    const result = policyLines({
      model: shop(),
      features: ['jt:1', 'k:Service', `s:${REPAIR}`],
      catalog,
      jobTypeNames: new Map(),
      billedSkuIds: new Set([REPAIR]),
      waivedSkuIds: new Set(),
      forbiddenSkuIds: new Set(),
    });
    expect(result.lines.map((l) => l.skuId).sort()).toEqual([SUPPLIES, DISCOUNT]);
    const discount = result.lines.find((l) => l.skuId === DISCOUNT)!;
    // Learned from the final invoices: the discount goes with the kit the office adds.
    expect(discount.provenance).toMatchObject({
      kind: 'history_pattern',
      pattern: `has:${SUPPLIES} → SKU-${DISCOUNT}`,
    });
  });
});

describe('policyLines: parts before fees', () => {
  const KIT = 910;
  const DIAG = 920;
  /**
   * The office adds a kit to 3 in 4 jobs with "x", a diagnostic fee to every job with "y", and
   * nothing to the rest; never both.
   */
  function exclusiveShop(): HistoryModel {
    const model = new HistoryModel();
    const start = Date.parse('2026-01-05T15:00:00Z');
    const jobs: Parameters<HistoryModel['advance']>[1] = [];
    const lines: Parameters<HistoryModel['advance']>[2] = [];
    for (let i = 0; i < 120; i++) {
      const features = ['jt:1', ...(i % 3 === 0 ? ['x'] : i % 3 === 1 ? ['y'] : [])];
      const completed = new Date(start + i * 6 * 3600_000);
      jobs.push({ jobId: i, completedOn: completed.toISOString(), jobTypeId: 1, features, laborHours: 1 });
      const skuId = i % 3 === 1 ? DIAG : i % 3 === 0 && i % 4 !== 0 ? KIT : null;
      if (skuId !== null)
        lines.push({
          jobId: i,
          skuId,
          quantity: 1,
          createdOn: new Date(completed.getTime() + DAY).toISOString(),
          officeAdded: true,
          features,
        });
    }
    model.advance(start + 120 * 6 * 3600_000 + 10 * DAY, jobs, lines);
    return model;
  }

  it('decides the part first: a likelier fee it never goes with does not shut it out', () => {
    const catalog = new Map([
      [KIT, sku(KIT, { kind: 'material', name: 'Supplies Kit' })],
      [DIAG, sku(DIAG, { kind: 'service', name: 'Diagnostic Fee' })],
    ]);
    const model = exclusiveShop();
    // Before anything is added, the fee is the likelier: its tree reads "no kit" as its cue.
    const first = policyPredictions(model, catalog, ['jt:1', 'x', 'y'], []);
    const p = (id: number) => first.find((x) => x.skuId === id)!.p;
    expect(p(DIAG)).toBeGreaterThan(p(KIT));
    expect(p(KIT)).toBeGreaterThanOrEqual(0.5);
    const result = policyLines({
      model,
      features: ['jt:1', 'x', 'y'],
      catalog,
      jobTypeNames: new Map(),
      billedSkuIds: new Set(),
      waivedSkuIds: new Set(),
      forbiddenSkuIds: new Set(),
    });
    expect(result.lines.map((l) => l.skuId)).toEqual([KIT]);
  });
});
