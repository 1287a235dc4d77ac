import { describe, expect, it } from 'vitest';
import { learnCompanions, shopCompanions } from '../history/companions.ts';
import { HistoryModel, type JobRecord } from '../history/model.ts';
import type { PolicyPrediction } from '../history/policy.ts';
import { sku } from '../test-fixtures.ts';
import type { ProposedLine } from '../types.ts';
import { companionLines } from './companion-lines.ts';
import { isPartOf } from './policy-lines.ts';

const DAY = 24 * 3600_000;
const TASK = 300;
const STOP = 400;
const SUPPLY = 401;
const OTHER_TASK = 310;

/**
 * Twenty jobs bill the task; every final invoice carries the stop at the task's quantity, the
 * technician's own on seventeen, the office's on three. A supply line goes with the task on
 * half of them. Other jobs bill another task and no part.
 */
function shop(options: { stopOnAll?: boolean } = {}): HistoryModel {
  const model = new HistoryModel();
  const start = Date.parse('2026-01-05T15:00:00Z');
  const jobs: Parameters<HistoryModel['advance']>[1] = [];
  const lines: Parameters<HistoryModel['advance']>[2] = [];
  for (let i = 0; i < 40; i++) {
    const task = i % 2 === 0 ? TASK : OTHER_TASK;
    const features = ['jt:1', `s:${task}`];
    const completed = new Date(start + i * 6 * 3600_000);
    const later = new Date(completed.getTime() + DAY).toISOString();
    jobs.push({ jobId: i, completedOn: completed.toISOString(), jobTypeId: 1, features, laborHours: 1 });
    const quantity = 1 + (i % 3);
    const line = (skuId: number, q: number, officeAdded: boolean) => ({
      jobId: i,
      skuId,
      quantity: q,
      createdOn: officeAdded ? later : completed.toISOString(),
      officeAdded,
      features,
    });
    lines.push(line(task, quantity, false));
    if (task !== TASK) continue;
    const k = i / 2;
    // Without stopOnAll, two of the twenty jobs have no stop (90%: not a companion).
    if (options.stopOnAll === false && k < 2) continue;
    lines.push(line(STOP, quantity, k >= 17));
    if (k % 2 === 0) lines.push(line(SUPPLY, 1, false));
  }
  model.advance(start + 40 * 6 * 3600_000 + 20 * DAY, jobs, lines);
  return model;
}

const catalog = new Map([
  [TASK, sku(TASK, { kind: 'service', code: 'ANGLE_STOP_REPLACE', name: 'Replace Angle Stop (each)' })],
  [OTHER_TASK, sku(OTHER_TASK, { kind: 'service', name: 'Other task' })],
  [STOP, sku(STOP, { kind: 'material', code: 'G2R17X', name: 'Angle Stop 1/2 x 3/8' })],
  [SUPPLY, sku(SUPPLY, { kind: 'material', name: 'Supply line' })],
]);

function billedTask(quantity: string): ProposedLine {
  return {
    key: 'item:1',
    skuId: TASK,
    quantity,
    origin: 'technician',
    existingItemId: 1,
    provenance: { kind: 'technician_item', itemId: 1 },
    evidence: [],
    confidence: 0.95,
    reason: '',
  };
}

describe('learnCompanions', () => {
  it('finds the part billed with the task on every final invoice, at its quantity', () => {
    const model = shop();
    const found = shopCompanions(model, isPartOf(catalog)).get(TASK) ?? [];
    expect(found.map((c) => c.part)).toEqual([STOP]);
    expect(found[0]).toMatchObject({ jobs: 20, together: 20, sameQuantity: 20, opportunities: 3, adds: 3 });
    expect(found[0]!.p).toBeGreaterThan(0.9);
  });

  it('finds none when the part is missing from a tenth of the final invoices', () => {
    const model = shop({ stopOnAll: false });
    const records = [...model.records.values()];
    expect(learnCompanions(records, isPartOf(catalog)).get(TASK) ?? []).toEqual([]);
  });

  it('finds none when the office leaves it off where the technician did', () => {
    // 38 of 40 final invoices carry the stop; the technician left it off twice and the office
    // did not add it either time.
    const record = (jobId: number, stop: boolean): JobRecord => ({
      jobId,
      completedAt: jobId,
      features: [],
      technician: new Map(
        stop
          ? [
              [TASK, 2],
              [STOP, 2],
            ]
          : [[TASK, 2]],
      ),
      office: new Map(),
    });
    const records = Array.from({ length: 40 }, (_, i) => record(i, i >= 2));
    expect(learnCompanions(records, isPartOf(catalog)).get(TASK) ?? []).toEqual([]);
    // Had the office added it both times, it would be a companion.
    for (const r of records.slice(0, 2)) r.office.set(STOP, 2);
    expect(
      learnCompanions(records, isPartOf(catalog))
        .get(TASK)
        ?.map((c) => c.part),
    ).toEqual([STOP]);
  });
});

describe('companionLines', () => {
  it("adds the part at the task's quantity, with the record as evidence", () => {
    const lines = companionLines({
      model: shop(),
      catalog,
      billed: [billedTask('3.00')],
      excluded: new Set([TASK]),
      predictions: [],
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ skuId: STOP, quantity: '3', origin: 'added' });
    expect(lines[0]!.evidence[0]!.detail).toContain(
      'G2R17X was billed with ANGLE_STOP_REPLACE on 20 of 20 past jobs',
    );
    expect(lines[0]!.confidence).toBeGreaterThanOrEqual(0.5);
  });

  it('defers to a policy tree that found a condition for the part, and to what is already decided', () => {
    const conditioned = {
      skuId: STOP,
      p: 0.1,
      n: 10,
      positives: 1,
      path: [{ feature: 'w:stop', present: false }],
      source: 'office',
      quantity: 1,
      quantityShare: 1,
    } as unknown as PolicyPrediction;
    const base = { model: shop(), catalog, billed: [billedTask('1')] };
    expect(companionLines({ ...base, excluded: new Set(), predictions: [conditioned] })).toEqual([]);
    expect(companionLines({ ...base, excluded: new Set([STOP]), predictions: [] })).toEqual([]);
    const rootLeaf = { ...conditioned, path: [] } as PolicyPrediction;
    expect(companionLines({ ...base, excluded: new Set(), predictions: [rootLeaf] })).toHaveLength(1);
  });

  it("does not defer to the office's record in the job's situation: the task's record knows the quantity", () => {
    const situation = {
      skuId: STOP,
      p: 0.6,
      n: 4,
      positives: 3,
      path: [{ feature: 'w:stop', present: true }],
      source: 'situation',
      quantity: 1,
      quantityShare: 0.33,
    } as unknown as PolicyPrediction;
    const lines = companionLines({
      model: shop(),
      catalog,
      billed: [billedTask('3.00')],
      excluded: new Set(),
      predictions: [situation],
    });
    expect(lines).toMatchObject([{ skuId: STOP, quantity: '3' }]);
  });
});
