// The billing stages end to end on one job, as the workers chain them: extract (in-memory
// retrieval, local chooser) → detect → price → draft → route.
import { fromAmountString, sum, type TenantSettings } from '@invoicer/core';
import { describe, expect, it } from 'vitest';
import type { ReviewerVerdicts } from './draft/reviewer-verdicts.ts';
import { openMentions } from './extract/note-lines.ts';
import type { HistoryModel } from './history/model.ts';
import {
  detectStage,
  draftStage,
  findJobMentions,
  priceStage,
  requestNotes,
  routeStage,
  withPartsNamed,
  withTasksOfParts,
} from './pipeline.ts';
import {
  type ContextOverrides,
  extractNotes,
  historyOf,
  ID,
  item,
  jobContext,
  knowledge,
  mentionsOf,
  type PastJob,
  settings,
  sku,
  times,
  vocabularyOf,
} from './test-fixtures.ts';

const AUSTIN = {
  id: 3,
  name: 'Austin',
  isTaxRateSeparated: false,
  rates: [{ taxName: 'Texas', taxBaseType: ['Subtotal'], taxRate: '0.0825' }],
};
const TUE_1830_CST = '2025-03-05T00:30:00Z';

async function runJob(
  o: ContextOverrides,
  tenant: TenantSettings = settings(),
  model?: HistoryModel,
  reviewerVerdicts?: ReviewerVerdicts,
) {
  const k = { ...knowledge({ settings: tenant, model }), reviewerVerdicts };
  const context = jobContext({ taxZone: AUSTIN, ...o });
  const extracted = await extractNotes(context, k);
  const detected = detectStage(context, k, {
    mentions: extracted.mentions,
    noteLines: extracted.added,
    confirmations: extracted.confirmations,
    nonBillable: extracted.nonBillable.map((n) => ({ mentionId: n.mention.id, skuId: n.skuId })),
  });
  const priced = priceStage(context, k, detected.lines);
  const draft = draftStage(context, k, {
    lines: priced,
    flags: detected.flags,
    unmatchedBillableMentions: openMentions(extracted).length,
    features: detected.features,
  });
  return { context, extracted, detected, priced, draft, route: routeStage(context, draft, tenant) };
}

describe('billing pipeline', () => {
  it('adds what the notes and the appointment say was missed, and nothing declined, negated or waived', async () => {
    const r = await runJob(
      {
        appointments: [{ id: 1, start: TUE_1830_CST, end: TUE_1830_CST }],
        invoice: { items: [item(1, { skuId: ID.cap, unitPrice: '65.00' })], total: '65.00' },
        notes: [
          'No cool. Replaced capacitor 45/5 - added 2 lbs 410a',
          'Quoted new condenser, customer declined. No trip charge - callback from last week.',
        ],
      },
      settings({ rules: { tripCharge: { jobTypeIds: [10] } }, policy: { mode: 'auto' } }),
    );
    const bySku = Object.fromEntries(r.priced.map((l) => [l.skuId, l]));
    expect(
      Object.keys(bySku)
        .map(Number)
        .sort((a, b) => a - b),
    ).toEqual([ID.afterHours, ID.r410a, ID.cap].sort((a, b) => a - b));
    expect(bySku[ID.cap]).toMatchObject({ origin: 'technician', unitPrice: '65.00' });
    expect(bySku[ID.r410a]).toMatchObject({ origin: 'added', quantity: '2', total: '170.00' });
    expect(bySku[ID.afterHours]).toMatchObject({ origin: 'added', total: '150.00' });
    // The technician's capacitor is confirmed by the notes.
    expect(r.extracted.confirmations.get(1)).toHaveLength(1);

    expect(r.draft.subTotal).toBe(sum(r.priced.map((l) => fromAmountString(l.total))).toFixed(2));
    expect(r.draft.subTotal).toBe('385.00');
    expect(r.draft.total).toBe(
      fromAmountString(r.draft.subTotal).plus(fromAmountString(r.draft.salesTax)).toFixed(2),
    );
    expect(r.draft.diff.added.map((a) => a.skuCode).sort()).toEqual(['AH-PREM', 'REF-410A']);
    expect(r.draft.confidence).toBeGreaterThan(0);
    expect(r.draft.confidence).toBeLessThan(1);
    // Added lines are not certain enough to post without a person.
    expect(r.route).toMatchObject({ route: 'review', reasons: ['low_confidence'] });
  });

  it('stops adding a suggestion reviewers kept removing, and keeps it as a suggestion they see', async () => {
    const job = {
      appointments: [{ id: 1, start: TUE_1830_CST, end: TUE_1830_CST }],
      invoice: { items: [item(1, { skuId: ID.cap, unitPrice: '65.00' })], total: '65.00' },
      notes: ['No cool. Replaced capacitor 45/5 - added 2 lbs 410a'],
    };
    const tenant = settings({ policy: { mode: 'auto' } });
    const before = await runJob(job, tenant);
    expect(before.priced.map((l) => l.skuId)).toContain(ID.afterHours);
    const after = await runJob(job, tenant, undefined, new Map([[ID.afterHours, { kept: 1, removed: 4 }]]));
    expect(after.priced.map((l) => l.skuId)).not.toContain(ID.afterHours);
    expect(after.priced.map((l) => l.skuId)).toContain(ID.r410a);
    const suggestion = after.detected.suggestions.find((l) => l.skuId === ID.afterHours);
    expect(suggestion?.evidence.at(-1)?.detail).toBe(
      'Reviewers removed this suggestion on 4 of 5 reviewed invoices.',
    );
  });

  it('flags a technician item for work the notes say the customer declined', async () => {
    const r = await runJob(
      {
        invoice: { items: [item(1, { skuId: ID.cap35, unitPrice: '60.00' })] },
        notes: ['Tested capacitor weak. Quoted new 35/5 capacitor, customer declined'],
      },
      settings({ policy: { mode: 'auto' } }),
    );
    expect(r.detected.flags.map((f) => f.code)).toContain('declined_item_on_invoice');
    expect(r.route.reasons).toContain('validation_flag');
    expect(r.route.route).toBe('review');
  });

  it('auto-posts a clean job the technician billed completely, once the shop has a record', async () => {
    const job = {
      invoice: { items: [item(1, { skuId: ID.cap, unitPrice: '65.00' })], total: '70.36' },
      notes: ['replaced run capacitor 45/5, tested ok'],
    };
    const auto = settings({ policy: { mode: 'auto' } });
    // A shop we know nothing about yet: nothing says the office would not have added something.
    const cold = await runJob(job, auto);
    expect(cold.route).toMatchObject({ route: 'review', reasons: ['low_confidence'] });
    const history = historyOf(times(200, { features: cold.detected.features, technician: [ID.cap] }));
    const r = await runJob(job, auto, history);
    expect(r.priced.map((l) => l.origin)).toEqual(['technician']);
    expect(r.draft.total).toBe('70.36');
    expect(r.route).toMatchObject({ route: 'auto_post', reasons: [] });
  });
});

describe('notes written before the visit', () => {
  it('treats the booking request as something asked for, not something done', () => {
    const k = knowledge();
    const context = jobContext({});
    context.notes = [
      { index: 0, text: 'Replace capacitor 45/5', createdOn: '2025-03-01T10:00:00Z' },
      { index: -1, text: '<p>Replace contactor</p>', createdOn: null },
    ];
    const requested = findJobMentions(context, k);
    expect(requested.map((m) => m.words[0]).sort()).toEqual(['capacitor', 'contactor']);
    expect(requested.every((m) => m.use === 'none')).toBe(true);
    expect(requestNotes(context)).toEqual(new Set([0, -1]));

    context.notes = [{ index: 0, text: 'Replaced capacitor 45/5', createdOn: '2025-03-04T16:30:00Z' }];
    expect(findJobMentions(context, k).map((m) => m.use)).toEqual(['action']);
  });
});

describe('priceStage', () => {
  it('drops a percentage discount we would add to an invoice with nothing in its base', () => {
    const k = knowledge();
    const discount = (skuId: number) => ({
      key: `policy:${skuId}`,
      skuId,
      quantity: '1',
      origin: 'added' as const,
      existingItemId: null,
      provenance: { kind: 'rule' as const, rule: 'test', detail: 'test' },
      evidence: [],
      confidence: 0.9,
      reason: 'test',
    });
    const empty = priceStage(jobContext({}), k, [discount(ID.memberDiscount)]);
    expect(empty).toEqual([]);
    const withWork = priceStage(
      jobContext({ invoice: { items: [item(1, { skuId: ID.cap, unitPrice: '65.00' })], total: '65.00' } }),
      k,
      [
        {
          ...discount(ID.cap),
          key: 'item:1',
          origin: 'technician',
          existingItemId: 1,
          provenance: { kind: 'technician_item', itemId: 1 },
          unitPriceOverride: '65.00',
        },
        discount(ID.memberDiscount),
      ],
    );
    expect(withWork.map((l) => [l.skuId, l.total])).toEqual([
      [ID.cap, '65.00'],
      [ID.memberDiscount, '-9.75'],
    ]);
  });
});

describe('withTasksOfParts', () => {
  it('a declined part waives the task that installs it, and nothing else', () => {
    const tank = sku(1, { name: 'Thermal Expansion Tank 2 gal' });
    const install = sku(2, { kind: 'service', name: 'Install Thermal Expansion Tank (labor)' });
    const heater = sku(3, { kind: 'service', name: 'Install Gas Water Heater (labor)' });
    const catalog = [tank, install, heater];
    const byId = new Map(catalog.map((s) => [s.id, s]));
    expect([...withTasksOfParts(new Set([tank.id]), catalog, byId)].sort()).toEqual([1, 2]);
    // A declined task waives only itself.
    expect([...withTasksOfParts(new Set([heater.id]), catalog, byId)]).toEqual([3]);
    expect([...withTasksOfParts(new Set(), catalog, byId)]).toEqual([]);
  });
});

describe('withPartsNamed', () => {
  it('"they had their own faucet" waives every faucet part, whatever SKU the words matched best', () => {
    const install = sku(1, { kind: 'service', name: 'Install Kitchen Faucet' });
    const moen = sku(2, { name: 'Kitchen Faucet, Moen Adler 87233' });
    const lav = sku(3, { name: 'Lavatory Faucet, Delta 520' });
    const supply = sku(4, { name: 'Faucet Supply Line 20"' });
    const trap = sku(5, { name: 'P-Trap 1-1/2"' });
    const catalog = [install, moen, lav, supply, trap];
    const vocabulary = vocabularyOf(catalog);
    const mentions = mentionsOf(
      'Installed the faucet. They had their own faucet from Home Depot.',
      vocabulary,
    );
    const own = mentions.filter((m) => m.polarity === 'negated' && m.words.includes('faucet'));
    expect(own.length).toBeGreaterThan(0);
    const nonBillable = own.map((m) => ({ mentionId: m.id }));
    const waived = withPartsNamed(new Set([install.id]), mentions, nonBillable, catalog);
    expect([...waived].sort()).toEqual([1, 2, 3, 4]);
    // A lone work verb names no part; nothing non-billable, nothing more waived.
    const notInstalled = mentionsOf('Did not install.', vocabulary);
    const verb = notInstalled.map((m) => ({ mentionId: m.id }));
    expect([...withPartsNamed(new Set(), notInstalled, verb, catalog)]).toEqual([]);
    expect([...withPartsNamed(new Set([1]), mentions, [], catalog)]).toEqual([1]);
  });

  it('a plain negation or the part taken out waives nothing: the new heater still has its pan', () => {
    const pan = sku(11, { name: 'Water Heater Drain Pan' });
    const heater = sku(12, { kind: 'equipment', name: 'Water Heater 50 gal Gas' });
    const catalog = [pan, heater];
    const vocabulary = vocabularyOf(catalog);
    const mentions = mentionsOf('Old water heater out. No leak at the water heater.', vocabulary);
    const nonBillable = mentions.filter((m) => !m.billable).map((m) => ({ mentionId: m.id }));
    expect(nonBillable.length).toBeGreaterThan(0);
    expect([...withPartsNamed(new Set(), mentions, nonBillable, catalog)]).toEqual([]);
    // Work booked "per estimate" was then done: its parts stay billable.
    const booked = mentionsOf('Booked: Replace water heater per estimate.', vocabulary);
    const proposed = booked.filter((m) => !m.billable).map((m) => ({ mentionId: m.id }));
    expect(proposed.length).toBeGreaterThan(0);
    expect([...withPartsNamed(new Set(), booked, proposed, catalog)]).toEqual([]);
    // Declined, it is not ours to bill.
    const declined = mentionsOf('Offered a water heater pan, customer declined.', vocabulary);
    const no = declined.filter((m) => m.polarity === 'declined').map((m) => ({ mentionId: m.id }));
    expect(no.length).toBeGreaterThan(0);
    expect([...withPartsNamed(new Set(), declined, no, catalog)]).toEqual([11]);
  });
});

describe('detectStage: a part a task brings', () => {
  const TASK = 300;
  const OTHER_TASK = 310;
  const STOP = 400;
  const PART = 401;
  const SEALANT = 402;
  const catalog = [
    sku(TASK, { kind: 'service', code: 'ANGLE_STOP_REPLACE', name: 'Replace Angle Stop (each)' }),
    sku(OTHER_TASK, { kind: 'service', code: 'OTHER', name: 'Repair Leak' }),
    sku(STOP, { kind: 'material', code: 'G2R17X', name: 'Angle Stop 1/2 x 3/8' }),
    sku(PART, { kind: 'material', code: 'VALVE', name: 'Ball Valve 3/4' }),
    sku(SEALANT, { kind: 'material', code: 'SEAL', name: 'Thread Sealant' }),
  ];
  /**
   * The office adds the sealant to every job that used a part: twenty angle-stop jobs (the stop
   * entered by the technician, or by the office on three), twenty repairs with a valve; twenty
   * repairs with no part get none.
   */
  function shop(): HistoryModel {
    const jobs = Array.from({ length: 60 }, (_, i): PastJob => {
      const kind = i % 3;
      const task = kind === 0 ? TASK : OTHER_TASK;
      const features = ['jt:10', 'bu:100', `s:${task}`];
      if (kind === 2) return { features, jobTypeId: 10, technician: [task] };
      const officeStop = kind === 0 && i >= 51;
      return {
        features,
        jobTypeId: 10,
        technician: officeStop ? [task] : [task, kind === 0 ? STOP : PART],
        office: [...(officeStop ? [{ skuId: STOP }] : []), { skuId: SEALANT }],
      };
    });
    const model = historyOf(jobs);
    model.asOf = Date.parse('2025-01-01T00:00:00Z');
    return model;
  }

  it('counts for the policy: the sealant goes on once the stop the task brings is on', async () => {
    const k = knowledge({ catalog, model: shop() });
    const context = jobContext({
      invoice: { items: [item(1, { skuId: TASK, unitPrice: '95.00' })], total: '95.00' },
    });
    const extracted = await extractNotes(context, k);
    const detected = detectStage(context, k, {
      mentions: extracted.mentions,
      noteLines: extracted.added,
      confirmations: extracted.confirmations,
    });
    const added = detected.lines.filter((l) => l.origin === 'added').map((l) => l.skuId);
    expect(added).toContain(STOP);
    expect(added).toContain(SEALANT);
  });
});

describe('draftStage', () => {
  it('counts work the notes name that became only a suggestion as open, like a mention nothing matched', async () => {
    const r = await runJob({
      invoice: { items: [item(1, { skuId: ID.cap, unitPrice: '65.00' })], total: '65.00' },
      notes: ['Replaced capacitor 45/5'],
    });
    const k = knowledge();
    const suggestion = (skuId: number, kind: 'note_span' | 'history_pattern') => ({
      key: `s:${skuId}`,
      skuId,
      quantity: '1',
      origin: 'added' as const,
      existingItemId: null,
      provenance:
        kind === 'note_span'
          ? { kind, noteIndex: 0, start: 0, end: 8, text: 'contactor' }
          : { kind, pattern: 'all', support: 3, confidence: 0.4 },
      evidence: [],
      confidence: 0.45,
      reason: 'weak',
    });
    const draft = (suggestions: ReturnType<typeof suggestion>[]) =>
      draftStage(r.context, k, {
        lines: r.priced,
        flags: [],
        unmatchedBillableMentions: 0,
        features: r.detected.features,
        suggestions,
      }).confidence;
    const base = draft([]);
    expect(base).toBeGreaterThan(0.05);
    expect(draft([suggestion(ID.contactor, 'note_span')])).toBeCloseTo(base * 0.85, 6);
    // A pattern's suggestion is the policy's own risk; one already on the draft is not open.
    expect(draft([suggestion(ID.contactor, 'history_pattern')])).toBeCloseTo(base, 6);
    expect(draft([suggestion(ID.cap, 'note_span')])).toBeCloseTo(base, 6);
  });
});
