import { describe, expect, it } from 'vitest';
import type { HistoryModel } from '../history/model.ts';
import { featuresOf, workingHours } from '../pipeline.ts';
import {
  byId,
  CATALOG,
  type ContextOverrides,
  historyOf,
  ID,
  item,
  jobContext,
  mentionsOf,
  type PastJob,
  settings,
  sku,
  times,
} from '../test-fixtures.ts';
import type { CatalogSku, ProposedLine } from '../types.ts';
import { conceptSkus } from './concepts.ts';
import { applyRulePack, type RuleInput, RulePack, removedUnits } from './rules.ts';

interface Scenario extends ContextOverrides {
  /** Rule-pack settings (merged into the defaults by the real schema). */
  rules?: Record<string, unknown>;
  model?: HistoryModel;
  catalog?: CatalogSku[];
  /** SKUs billed besides the invoice items (e.g. proposed from the notes). */
  billed?: number[];
  waived?: number[];
}

function ruleInput(s: Scenario = {}): RuleInput {
  const tenant = settings({ rules: s.rules ?? {} });
  const context = jobContext(s);
  const catalog = s.catalog ?? CATALOG;
  const mentions = mentionsOf(s.notes ?? []);
  const billedSkuIds = new Set([
    ...context.invoice.items.flatMap((i) => (i.skuId !== null ? [i.skuId] : [])),
    ...(s.billed ?? []),
  ]);
  const billedKinds = new Set(
    [...billedSkuIds].flatMap((id) => catalog.filter((c) => c.id === id).map((c) => c.kind as string)),
  );
  return {
    context,
    catalog,
    rules: tenant.rules,
    hours: workingHours(tenant),
    model: s.model ?? historyOf([]),
    mentions,
    features: featuresOf(context, mentions, tenant),
    billedSkuIds,
    waivedSkuIds: new Set(s.waived ?? []),
    billedKinds,
  };
}

function rules(s: Scenario = {}): ProposedLine[] {
  return applyRulePack(ruleInput(s));
}

/** The line a rule proposed for a concept, if any. */
function ruleLine(lines: ProposedLine[], concept: string): ProposedLine | undefined {
  return lines.find((l) => l.provenance.kind === 'rule' && l.provenance.rule === concept);
}

function expectRuleLine(lines: ProposedLine[], concept: string, skuId: number): ProposedLine {
  const line = ruleLine(lines, concept);
  expect(line, `a ${concept} line`).toBeDefined();
  expect(line).toMatchObject({
    key: `rule:${concept}:${skuId}`,
    skuId,
    origin: 'added',
    existingItemId: null,
  });
  expect(line!.evidence[0]).toMatchObject({ kind: 'rule' });
  expect(line!.confidence).toBeGreaterThan(0);
  expect(line!.confidence).toBeLessThanOrEqual(0.99);
  expect(line!.reason).toContain(byId(skuId).name);
  return line!;
}

/** Past AC Repair jobs (type 10, BU 100) where the office added `skuId` in `added` of `total`. */
function officeAdded(skuId: number, added: number, total: number, extra: string[] = []): PastJob[] {
  const features = ['jt:10', 'bu:100', ...extra];
  return [...times(added, { features, office: [{ skuId }] }), ...times(total - added, { features })];
}

const EQUIPMENT_REPLACED = { invoice: { items: [item(1, { skuId: ID.condenser })] } };

// Appointment starts. Chicago is UTC-6 in winter (CST), UTC-5 in summer (CDT).
const TUE_0900_CST = '2025-03-04T15:00:00Z';
const TUE_1830_CST = '2025-03-05T00:30:00Z';
const TUE_1730_CST = '2025-03-04T23:30:00Z';
const SAT_1000_CST = '2025-03-08T16:00:00Z';
const FRI_2000_CST_SAT_UTC = '2025-03-08T02:00:00Z';
const TUE_0730_CST = '2025-01-07T13:30:00Z';
const TUE_0830_CDT = '2025-07-01T13:30:00Z';
const appointment = (start: string) => [{ id: 1, start, end: start }];

describe('trip charge', () => {
  it('fires for a job type the tenant lists, on the price book’s trip SKU, with evidence', () => {
    const line = expectRuleLine(
      rules({ rules: { tripCharge: { jobTypeIds: [10, 11] } } }),
      'tripCharge',
      ID.trip,
    );
    expect(line.quantity).toBe('1');
    expect(line.confidence).toBe(0.9);
    expect(line.evidence[0]!.detail).toContain('AC Repair');
  });

  it('does not fire for a job type the tenant did not list', () => {
    expect(ruleLine(rules({ rules: { tripCharge: { jobTypeIds: [11] } } }), 'tripCharge')).toBeUndefined();
  });

  it('bills the SKU pinned in settings rather than the one the price book suggests', () => {
    const dispatch = sku(60, {
      kind: 'fee',
      code: 'DISP-COMM',
      name: 'Commercial Dispatch',
      price: '129.00',
    });
    const lines = rules({
      catalog: [...CATALOG, dispatch],
      rules: { tripCharge: { jobTypeIds: [10], skuId: 60 } },
    });
    expect(ruleLine(lines, 'tripCharge')?.skuId).toBe(60);
  });

  it('learns from history when no job types are listed: jobs like this usually carry it', () => {
    const line = expectRuleLine(
      rules({ model: historyOf(officeAdded(ID.trip, 8, 10)) }),
      'tripCharge',
      ID.trip,
    );
    expect(line.confidence).toBeGreaterThanOrEqual(0.5);
    const history = line.evidence.find((e) => e.kind === 'history_pattern');
    expect(history).toMatchObject({ support: 10 });
    expect(history!.detail).toContain('TRIP');
  });

  it('does not fire without history, or when history says jobs like this rarely carry it', () => {
    expect(ruleLine(rules(), 'tripCharge')).toBeUndefined();
    expect(ruleLine(rules({ model: historyOf(officeAdded(ID.trip, 2, 10)) }), 'tripCharge')).toBeUndefined();
  });

  it('follows the most specific history: members’ jobs never carry it', () => {
    const model = historyOf([
      ...times(10, { features: ['jt:10', 'bu:100', 'jt:10&m:1'] }),
      ...times(10, { features: ['jt:10', 'bu:100', 'jt:10&m:0'], office: [{ skuId: ID.trip }] }),
    ]);
    const member = { id: 1, status: 'Active', active: true, membershipTypeId: 1 };
    expect(ruleLine(rules({ model, membership: member }), 'tripCharge')).toBeUndefined();
    expect(ruleLine(rules({ model }), 'tripCharge')?.skuId).toBe(ID.trip);
  });

  const listed = { tripCharge: { jobTypeIds: [10] } };

  it('does not fire when a trip SKU is already on the invoice', () => {
    expect(
      ruleLine(rules({ rules: listed, invoice: { items: [item(1, { skuId: ID.trip })] } }), 'tripCharge'),
    ).toBeUndefined();
  });

  it('does not fire when the notes’ SKU decisions waive it', () => {
    expect(ruleLine(rules({ rules: listed, waived: [ID.trip] }), 'tripCharge')).toBeUndefined();
  });

  it.each([
    'No trip fee - callback',
    'trip charge waived, warranty callback',
    'no charge for trip per manager',
    'courtesy visit, trip comped',
  ])('does not fire when the notes say "%s"', (note) => {
    expect(ruleLine(rules({ rules: listed, notes: [note] }), 'tripCharge')).toBeUndefined();
  });

  it('does not fire when disabled in settings', () => {
    const off = { tripCharge: { enabled: false, jobTypeIds: [10] } };
    expect(ruleLine(rules({ rules: off }), 'tripCharge')).toBeUndefined();
    expect(
      ruleLine(
        rules({ rules: { tripCharge: { enabled: false } }, model: historyOf(officeAdded(ID.trip, 9, 10)) }),
        'tripCharge',
      ),
    ).toBeUndefined();
  });
});

describe('diagnostic fee', () => {
  const model = historyOf(officeAdded(ID.diagnostic, 8, 10));

  it('fires when jobs like this one usually carry it, with the history as evidence', () => {
    const line = expectRuleLine(rules({ model }), 'diagnosticFee', ID.diagnostic);
    expect(line.evidence.some((e) => e.kind === 'history_pattern' && e.support === 10)).toBe(true);
  });

  it('does not fire without enough history (fewer than 5 similar jobs)', () => {
    expect(
      ruleLine(rules({ model: historyOf(officeAdded(ID.diagnostic, 4, 4)) }), 'diagnosticFee'),
    ).toBeUndefined();
  });

  it('does not fire when it is on the invoice, waived, disabled, or the notes apply it to the repair', () => {
    expect(
      ruleLine(rules({ model, invoice: { items: [item(1, { skuId: ID.diagnostic })] } }), 'diagnosticFee'),
    ).toBeUndefined();
    expect(ruleLine(rules({ model, waived: [ID.diagnostic] }), 'diagnosticFee')).toBeUndefined();
    expect(
      ruleLine(rules({ model, rules: { diagnosticFee: { enabled: false } } }), 'diagnosticFee'),
    ).toBeUndefined();
    expect(
      ruleLine(rules({ model, notes: ['diag fee applied to repair'] }), 'diagnosticFee'),
    ).toBeUndefined();
    expect(
      ruleLine(rules({ model, notes: ['Diagnostic waived for member'] }), 'diagnosticFee'),
    ).toBeUndefined();
  });

  it.each(['deag applied to repair', 'service call credited toward the repair', 'no diag charge, callback'])(
    'does not fire when the notes say "%s", even misspelt',
    (note) => {
      expect(ruleLine(rules({ model, notes: [note] }), 'diagnosticFee')).toBeUndefined();
    },
  );
});

describe('after-hours / weekend premium (appointment times in the tenant timezone)', () => {
  const at = (start: string, rulesOverride: Record<string, unknown> = {}) =>
    ruleLine(rules({ appointments: appointment(start), rules: rulesOverride }), 'afterHours');

  it('does not fire inside working hours on a weekday', () => {
    expect(at(TUE_0900_CST)).toBeUndefined();
  });

  it('fires on a weekday evening with the after-hours SKU and the local time as evidence', () => {
    const line = expectRuleLine(
      rules({ appointments: appointment(TUE_1830_CST) }),
      'afterHours',
      ID.afterHours,
    );
    expect(line.evidence[0]!.detail).toMatch(/Tue.*6:30\s?PM.*America\/Chicago/);
  });

  it('fires before opening time', () => {
    expect(at(TUE_0730_CST)?.skuId).toBe(ID.afterHours);
  });

  it('fires on a weekend with the weekend SKU', () => {
    expectRuleLine(rules({ appointments: appointment(SAT_1000_CST) }), 'afterHours', ID.weekend);
  });

  it('judges the day in the tenant timezone: Saturday 02:00 UTC is Friday evening in Chicago', () => {
    expect(at(FRI_2000_CST_SAT_UTC)?.skuId).toBe(ID.afterHours);
  });

  it('uses the tenant timezone, not UTC: 17:30 in Chicago is 15:30 in Los Angeles', () => {
    expect(at(TUE_1730_CST)?.skuId).toBe(ID.afterHours);
    expect(at(TUE_1730_CST, { afterHours: { timezone: 'America/Los_Angeles' } })).toBeUndefined();
  });

  it('follows daylight saving time: 13:30 UTC is 07:30 in January but 08:30 in July', () => {
    expect(at(TUE_0730_CST)).toBeDefined();
    expect(at(TUE_0830_CDT)).toBeUndefined();
  });

  it('follows the tenant’s working hours and weekend setting', () => {
    expect(at(TUE_1830_CST, { afterHours: { businessHoursEnd: '20:00' } })).toBeUndefined();
    expect(at(TUE_0900_CST, { afterHours: { businessHoursStart: '09:30' } })?.skuId).toBe(ID.afterHours);
    expect(at(SAT_1000_CST, { afterHours: { weekends: false } })).toBeUndefined();
  });

  it('falls back to any premium SKU when the price book has no weekend one', () => {
    const catalog = CATALOG.filter((s) => s.id !== ID.weekend);
    const lines = rules({ catalog, appointments: appointment(SAT_1000_CST) });
    expect(ruleLine(lines, 'afterHours')?.skuId).toBe(ID.afterHours);
  });

  it('does not fire without appointments', () => {
    expect(ruleLine(rules({ appointments: [] }), 'afterHours')).toBeUndefined();
  });

  it('does not fire when a premium is already billed, waived, disabled or waived in the notes', () => {
    const evening = appointment(TUE_1830_CST);
    expect(
      ruleLine(
        rules({ appointments: evening, invoice: { items: [item(1, { skuId: ID.afterHours })] } }),
        'afterHours',
      ),
    ).toBeUndefined();
    expect(ruleLine(rules({ appointments: evening, waived: [ID.afterHours] }), 'afterHours')).toBeUndefined();
    expect(
      ruleLine(rules({ appointments: evening, rules: { afterHours: { enabled: false } } }), 'afterHours'),
    ).toBeUndefined();
    expect(
      ruleLine(
        rules({ appointments: evening, notes: ['after hours premium waived, longtime customer'] }),
        'afterHours',
      ),
    ).toBeUndefined();
  });

  it('lets the shop’s own history decide the window when there is enough of it', () => {
    // This shop charges the premium from 16:00 (inside the default 08:00–17:00 settings) …
    const charges = historyOf(times(10, { features: ['h:16'], office: [{ skuId: ID.afterHours }] }));
    const tue1630 = appointment('2025-03-04T22:30:00Z');
    const line = expectRuleLine(
      rules({ appointments: tue1630, model: charges }),
      'afterHours',
      ID.afterHours,
    );
    expect(line.reason).toContain('16:00');
    // … and never at 18:00, even though settings call that after hours.
    const never = historyOf(times(10, { features: ['h:18'] }));
    expect(
      ruleLine(rules({ appointments: appointment(TUE_1830_CST), model: never }), 'afterHours'),
    ).toBeUndefined();
  });

  it('leaves it off kinds of job the shop does not bill it on after hours', () => {
    // Evening AC repairs carry the premium; evening visits of type 20 never did (a shop bills
    // overtime labor on its time-and-materials calls instead).
    const evenings = (withoutPremium: number) => {
      const model = historyOf([
        ...times(10, {
          features: ['h:18', 'day:weekday', 'jt:10', 'bu:100'],
          office: [{ skuId: ID.afterHours }],
        }),
        ...times(withoutPremium, { features: ['h:18', 'day:weekday', 'jt:20', 'bu:100'] }),
      ]);
      model.asOf = Date.parse('2025-01-01T00:00:00Z');
      return model;
    };
    const evening = appointment(TUE_1830_CST);
    expectRuleLine(rules({ appointments: evening, model: evenings(4) }), 'afterHours', ID.afterHours);
    expect(
      ruleLine(rules({ appointments: evening, model: evenings(4), job: { jobTypeId: 20 } }), 'afterHours'),
    ).toBeUndefined();
    // Two such visits are too few to say so.
    expectRuleLine(
      rules({ appointments: evening, model: evenings(2), job: { jobTypeId: 20 } }),
      'afterHours',
      ID.afterHours,
    );
  });
});

describe('disposal', () => {
  it('fires when equipment was replaced, once per old unit hauled away', () => {
    const line = expectRuleLine(rules(EQUIPMENT_REPLACED), 'disposal', ID.disposal);
    expect(line.quantity).toBe('1');
    expect(line.confidence).toBe(0.65);
    const two = rules({ ...EQUIPMENT_REPLACED, notes: ['Hauled away old condenser and water heater'] });
    expect(ruleLine(two, 'disposal')?.quantity).toBe('2');
  });

  it.each([
    [
      'demo old heat pump and air handler / OLD SYSTEM WAS A R-22 UNIT',
      [['heat', 'pump'], ['air', 'handler'], ['system'], ['unit']],
      2,
    ],
    ['pulled old furnace - old unit 20 yrs', [['furnace'], ['unit']], 1],
    ['removed the old unit', [['unit']], 1],
    ['removed old air filter', [['air', 'filter']], 0],
  ])('counts the old units in "%s" once each', (clause, words, units) => {
    const mentions = (words as string[][]).map((w, i) => ({
      ...mentionsOf('old condenser')[0]!,
      id: String(i),
      words: w,
      clauseText: clause as string,
    }));
    expect(removedUnits(mentions)).toBe(units);
  });

  it('fires when the equipment came from the notes rather than the technician’s items', () => {
    expect(ruleLine(rules({ billed: [ID.waterHeater] }), 'disposal')?.skuId).toBe(ID.disposal);
  });

  it('does not fire when no equipment was replaced, whatever the notes say', () => {
    expect(ruleLine(rules(), 'disposal')).toBeUndefined();
    expect(
      ruleLine(
        rules({ invoice: { items: [item(1, { skuId: ID.cap })] }, notes: ['removed old capacitor'] }),
        'disposal',
      ),
    ).toBeUndefined();
  });

  it.each([
    'cust keeping old unit',
    'HO KEEPING OLD UNIT FOR SCRAP, NO HAUL OFF',
    'Customer wants to keep the existing water heater for the cabin',
    'homeowner will dispose of the old one',
    'no haul away needed',
    'old unit left w/ HO per request',
    'Left the old equipment with the homeowner per request.',
    'left old tank for the customer',
  ])('does not fire when the notes say "%s"', (note) => {
    expect(ruleLine(rules({ ...EQUIPMENT_REPLACED, notes: [note] }), 'disposal')).toBeUndefined();
  });

  it.each(['old unit was rusted through', 'Left the invoice and the warranty papers with the homeowner'])(
    'still fires when the notes say "%s"',
    (note) => {
      expect(ruleLine(rules({ ...EQUIPMENT_REPLACED, notes: [note] }), 'disposal')?.skuId).toBe(ID.disposal);
    },
  );

  it('does not fire when already billed, waived, disabled, or the notes say it is covered', () => {
    const withDisposal = {
      invoice: { items: [item(1, { skuId: ID.condenser }), item(2, { skuId: ID.disposal })] },
    };
    expect(ruleLine(rules(withDisposal), 'disposal')).toBeUndefined();
    expect(ruleLine(rules({ ...EQUIPMENT_REPLACED, waived: [ID.disposal] }), 'disposal')).toBeUndefined();
    expect(
      ruleLine(rules({ ...EQUIPMENT_REPLACED, rules: { disposal: { enabled: false } } }), 'disposal'),
    ).toBeUndefined();
    expect(
      ruleLine(rules({ ...EQUIPMENT_REPLACED, notes: ['Disposal covered under warranty'] }), 'disposal'),
    ).toBeUndefined();
  });

  it('takes its confidence from history when there is enough', () => {
    const model = historyOf(officeAdded(ID.disposal, 9, 10, ['k:Equipment']));
    const line = ruleLine(rules({ ...EQUIPMENT_REPLACED, model }), 'disposal')!;
    expect(line.confidence).toBeCloseTo(9.5 / 11, 5);
    expect(line.evidence.some((e) => e.kind === 'history_pattern')).toBe(true);
  });
});

describe('refrigerant by the pound', () => {
  it('bills the pounds the notes say were added, on the matching refrigerant SKU, with the note span', () => {
    const note = 'Found low charge. added three lbs 410a';
    const line = expectRuleLine(rules({ notes: [note] }), 'refrigerant', ID.r410a);
    expect(line.quantity).toBe('3');
    expect(line.confidence).toBe(0.8);
    const span = line.evidence.find((e) => e.kind === 'note_span')!.span!;
    expect(note.slice(span.start, span.end)).toBe('three lbs 410a');
  });

  it('picks R-22 when the notes say R-22', () => {
    const line = ruleLine(rules({ notes: ['Topped off with 2.5 lbs R-22'] }), 'refrigerant');
    expect(line).toMatchObject({ skuId: ID.r22, quantity: '2.5' });
  });

  it('converts ounces to pounds', () => {
    expect(ruleLine(rules({ notes: ['added 12 oz of r410a'] }), 'refrigerant')?.quantity).toBe('0.75');
  });

  it('without a stated amount, bills the quantity the office usually adds, at lower confidence', () => {
    const model = historyOf(times(5, { features: ['jt:10'], office: [{ skuId: ID.r410a, quantity: 2 }] }));
    const line = ruleLine(rules({ notes: ['topped off refrigerant'], model }), 'refrigerant')!;
    expect(line).toMatchObject({ skuId: ID.r410a, quantity: '2', confidence: 0.5 });
    expect(ruleLine(rules({ notes: ['topped off refrigerant'] }), 'refrigerant')?.quantity).toBe('1');
  });

  it('bills the pinned SKU when the tenant pins one', () => {
    const line = ruleLine(
      rules({ notes: ['added 2 lbs 410a'], rules: { refrigerant: { skuId: ID.r22 } } }),
      'refrigerant',
    );
    expect(line?.skuId).toBe(ID.r22);
  });

  it.each([
    'did not need refrigerant',
    'no leak found, did not add refrigerant',
    "Freon levels fine, didn't have to add any freon",
    'Leak found. Quoted leak repair + 4 lbs 410a, customer declined',
    'Recommend adding 2 lbs 410a next visit',
    'checked refrigerant pressures',
    'Refrigerant charge good, none added',
    'R-410A not added, charge within spec',
    '410a: none added',
    '0 lbs refrigerant added',
  ])('does not fire for "%s"', (note) => {
    expect(ruleLine(rules({ notes: [note] }), 'refrigerant')).toBeUndefined();
  });

  it.each([
    ['Added 2 lb of 410a to reach 35. Quoted coil replacement, customer declined.', '2'],
    ['recharged system with 410a', '1'],
  ])('fires for "%s"', (note, quantity) => {
    expect(ruleLine(rules({ notes: [note] }), 'refrigerant')?.quantity).toBe(quantity);
  });

  it('does not fire when refrigerant is already billed, waived or disabled', () => {
    const notes = ['added 2 lbs 410a'];
    expect(
      ruleLine(rules({ notes, invoice: { items: [item(1, { skuId: ID.r410a })] } }), 'refrigerant'),
    ).toBeUndefined();
    expect(ruleLine(rules({ notes, billed: [ID.r410a] }), 'refrigerant')).toBeUndefined();
    expect(ruleLine(rules({ notes, waived: [ID.r410a] }), 'refrigerant')).toBeUndefined();
    expect(
      ruleLine(rules({ notes, rules: { refrigerant: { enabled: false } } }), 'refrigerant'),
    ).toBeUndefined();
  });

  it('does not fire when the price book sells no refrigerant', () => {
    const catalog = CATALOG.filter((s) => s.id !== ID.r410a && s.id !== ID.r22);
    expect(ruleLine(rules({ catalog, notes: ['added 2 lbs 410a'] }), 'refrigerant')).toBeUndefined();
  });
});

describe('consumables', () => {
  const model = historyOf(officeAdded(ID.consumables, 7, 10));

  it('fires when jobs like this one usually use consumables', () => {
    expectRuleLine(rules({ model }), 'consumables', ID.consumables);
  });

  it('does not fire without history, when billed, waived, disabled or waived in the notes', () => {
    expect(ruleLine(rules(), 'consumables')).toBeUndefined();
    expect(
      ruleLine(rules({ model, invoice: { items: [item(1, { skuId: ID.consumables })] } }), 'consumables'),
    ).toBeUndefined();
    expect(ruleLine(rules({ model, waived: [ID.consumables] }), 'consumables')).toBeUndefined();
    expect(
      ruleLine(rules({ model, rules: { consumables: { enabled: false } } }), 'consumables'),
    ).toBeUndefined();
    expect(ruleLine(rules({ model, notes: ['no shop supplies charge'] }), 'consumables')).toBeUndefined();
  });
});

describe('permits', () => {
  const model = historyOf(officeAdded(ID.permit, 8, 10));

  it('fires for an equipment replacement when such installs usually carry a permit', () => {
    expectRuleLine(rules({ ...EQUIPMENT_REPLACED, model }), 'permits', ID.permit);
  });

  it('does not fire without equipment, even with history', () => {
    expect(ruleLine(rules({ model }), 'permits')).toBeUndefined();
  });

  it.each(['Permit by GC', 'Homeowner pulling own permit', 'permit pulled by homeowner, not us'])(
    'does not fire when the notes say "%s"',
    (note) => {
      expect(ruleLine(rules({ ...EQUIPMENT_REPLACED, model, notes: [note] }), 'permits')).toBeUndefined();
    },
  );

  it('does not fire when billed or disabled', () => {
    const items = [item(1, { skuId: ID.condenser }), item(2, { skuId: ID.permit })];
    expect(ruleLine(rules({ invoice: { items }, model }), 'permits')).toBeUndefined();
    expect(
      ruleLine(rules({ ...EQUIPMENT_REPLACED, model, rules: { permits: { enabled: false } } }), 'permits'),
    ).toBeUndefined();
  });
});

describe('rule pack as a whole', () => {
  it('adds nothing to a plain daytime repair with no history', () => {
    expect(
      rules({ notes: ['Replaced capacitor'], invoice: { items: [item(1, { skuId: ID.cap })] } }),
    ).toEqual([]);
  });

  it('adds each applicable concept once for an evening condenser change-out', () => {
    const lines = rules({
      ...EQUIPMENT_REPLACED,
      appointments: appointment(TUE_1830_CST),
      notes: ['Removed old condenser, set new. Added 3 lbs 410a'],
      rules: { tripCharge: { jobTypeIds: [10] } },
    });
    expect(lines.map((l) => l.key).sort()).toEqual([
      `rule:afterHours:${ID.afterHours}`,
      `rule:disposal:${ID.disposal}`,
      `rule:refrigerant:${ID.r410a}`,
      `rule:tripCharge:${ID.trip}`,
    ]);
    expect(new Set(lines.map((l) => l.key)).size).toBe(lines.length);
  });

  it('finds each concept’s SKU in the tenant’s own price book', () => {
    expect(conceptSkus('tripCharge', CATALOG).map((s) => s.id)).toEqual([ID.trip]);
    expect(conceptSkus('disposal', CATALOG).map((s) => s.id)).toEqual([ID.disposal]);
    expect(conceptSkus('permits', CATALOG).map((s) => s.id)).toEqual([ID.permit]);
    expect(
      conceptSkus('refrigerant', CATALOG)
        .slice(0, 2)
        .map((s) => s.id)
        .sort(),
    ).toEqual([ID.r410a, ID.r22]);
    expect(
      conceptSkus('afterHours', CATALOG)
        .map((s) => s.id)
        .sort(),
    ).toEqual([ID.afterHours, ID.weekend]);
  });

  it('never proposes an inactive SKU, even a pinned one', () => {
    const inactive = CATALOG.map((s) => (s.id === ID.trip ? { ...s, active: false } : s));
    const input = ruleInput({
      catalog: inactive,
      rules: { tripCharge: { jobTypeIds: [10], skuId: ID.trip } },
    });
    expect(new RulePack(input).skus('tripCharge')).toEqual([]);
    expect(ruleLine(applyRulePack(input), 'tripCharge')).toBeUndefined();
  });
});
