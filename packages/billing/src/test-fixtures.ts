// Typed builders shared by the billing unit tests (not exported from the package). A small HVAC /
// plumbing price book written the way a shop would name things, a job context with sensible
// defaults, tenant settings through the real schema, and a history model fed through its own
// event API.
import { parseTenantSettings, type TenantSettings } from '@invoicer/core';
import { type ScoredCandidate, scoreCandidates } from './extract/match.ts';
import { buildNoteLines, decideFromScores, type NoteLinesInput } from './extract/note-lines.ts';
import { MemoryRetriever, type SkuCandidate } from './extract/retrieval.ts';
import { HistoryModel } from './history/model.ts';
import { findJobMentions, type TenantKnowledge } from './pipeline.ts';
import { findMentions, type Mention } from './text/mentions.ts';
import { buildVocabulary, type Vocabulary } from './text/vocabulary.ts';
import type {
  CatalogSku,
  ExistingItem,
  Flag,
  JobContext,
  LaborEntry,
  PricedLine,
  ProposedLine,
} from './types.ts';

export function sku(id: number, overrides: Partial<CatalogSku> = {}): CatalogSku {
  return {
    id,
    kind: 'material',
    code: `SKU-${id}`,
    name: `Item ${id}`,
    description: '',
    price: '10.00',
    memberPrice: null,
    addOnPrice: null,
    addOnMemberPrice: null,
    taxable: true,
    active: true,
    isLabor: false,
    hours: null,
    unitOfMeasure: null,
    categoryNames: [],
    amountType: null,
    amount: null,
    limit: null,
    ...overrides,
  };
}

/** SKU ids of the standard price book, by what they are. */
export const ID = {
  trip: 1,
  diagnostic: 2,
  afterHours: 3,
  weekend: 4,
  disposal: 5,
  r410a: 6,
  r22: 7,
  consumables: 8,
  permit: 9,
  cap: 10,
  cap35: 11,
  copper: 12,
  condenser: 13,
  labor: 14,
  laborOt: 15,
  memberDiscount: 16,
  coupon: 17,
  fuel: 18,
  contactor: 19,
  oldStat: 20,
  tuneUp: 21,
  waterHeater: 22,
  helperLabor: 23,
} as const;

export const CATALOG: CatalogSku[] = [
  sku(ID.trip, { kind: 'fee', code: 'TRIP', name: 'Trip Charge', price: '89.00', taxable: false }),
  sku(ID.diagnostic, {
    kind: 'service',
    code: 'DIAG',
    name: 'Diagnostic Fee',
    price: '99.00',
    memberPrice: '0.00',
    taxable: false,
  }),
  sku(ID.afterHours, { kind: 'fee', code: 'AH-PREM', name: 'After-Hours Premium', price: '150.00' }),
  sku(ID.weekend, { kind: 'fee', code: 'WKND', name: 'Weekend / Holiday Premium', price: '175.00' }),
  sku(ID.disposal, {
    kind: 'fee',
    code: 'DISP',
    name: 'Equipment Disposal / Haul-Away',
    price: '75.00',
  }),
  sku(ID.r410a, {
    code: 'REF-410A',
    name: 'Refrigerant R-410A (per lb)',
    price: '85.00',
    unitOfMeasure: 'lb',
    categoryNames: ['Refrigerant'],
  }),
  sku(ID.r22, {
    code: 'REF-22',
    name: 'Refrigerant R-22 (per lb)',
    price: '150.00',
    unitOfMeasure: 'lb',
    categoryNames: ['Refrigerant'],
  }),
  sku(ID.consumables, { kind: 'fee', code: 'SUPPLIES', name: 'Shop Supplies', price: '25.00' }),
  sku(ID.permit, { kind: 'fee', code: 'PERMIT', name: 'Mechanical Permit', price: '150.00', taxable: false }),
  sku(ID.cap, {
    code: 'CAP-455',
    name: 'Run Capacitor 45/5 MFD',
    price: '65.00',
    memberPrice: '55.00',
    categoryNames: ['Electrical Parts'],
  }),
  sku(ID.cap35, { code: 'CAP-355', name: 'Run Capacitor 35/5 MFD', price: '60.00' }),
  sku(ID.copper, {
    code: 'CU-34',
    name: 'Copper Pipe 3/4 (per ft)',
    price: '6.50',
    unitOfMeasure: 'ft',
    categoryNames: ['Plumbing'],
  }),
  sku(ID.condenser, {
    kind: 'equipment',
    code: 'COND-3T',
    name: 'Condenser Three Ton',
    price: '3200.00',
    memberPrice: '3000.00',
  }),
  sku(ID.labor, {
    kind: 'service',
    code: 'LAB-REG',
    name: 'Labor',
    price: '120.00',
    isLabor: true,
    unitOfMeasure: 'hr',
  }),
  sku(ID.laborOt, {
    kind: 'service',
    code: 'LAB-REG-OT',
    name: 'Labor Overtime',
    price: '200.00',
    isLabor: true,
    unitOfMeasure: 'hr',
  }),
  sku(ID.memberDiscount, {
    kind: 'discount',
    code: 'MEMBER-DISC',
    name: 'Member Discount',
    price: '0.00',
    amountType: 'Percentage',
    amount: '0.15',
    limit: '100.00',
  }),
  sku(ID.coupon, {
    kind: 'discount',
    code: 'COUPON-50',
    name: 'Coupon',
    price: '0.00',
    amountType: 'Fixed',
    amount: '50.00',
  }),
  sku(ID.fuel, {
    kind: 'fee',
    code: 'FUEL',
    name: 'Fuel Surcharge',
    price: '0.00',
    amountType: 'Percentage',
    amount: '0.05',
    limit: '25.00',
  }),
  sku(ID.contactor, {
    code: 'CONTACTOR',
    name: 'Contactor Double Pole',
    price: '45.00',
    memberPrice: '40.00',
    addOnPrice: '35.00',
    addOnMemberPrice: '30.00',
  }),
  sku(ID.oldStat, { code: 'TSTAT-OLD', name: 'Thermostat Basic', price: '80.00', active: false }),
  sku(ID.tuneUp, {
    kind: 'service',
    code: 'TUNE',
    name: 'AC Tune Up',
    price: '129.00',
    memberPrice: '89.00',
  }),
  sku(ID.waterHeater, {
    kind: 'equipment',
    code: 'WH-40',
    name: 'Water Heater Forty Gallon Gas',
    price: '1800.00',
  }),
  sku(ID.helperLabor, {
    kind: 'service',
    code: 'LAB-HELP',
    name: 'Helper Labor',
    price: '70.00',
    isLabor: true,
    unitOfMeasure: 'hr',
  }),
];

export const CATALOG_BY_ID = new Map(CATALOG.map((s) => [s.id, s]));

export function byId(id: number, catalog: CatalogSku[] = CATALOG): CatalogSku {
  const found = catalog.find((s) => s.id === id);
  if (!found) throw new Error(`fixture has no SKU ${id}`);
  return found;
}

/** The tenant vocabulary the runtime would build from this price book. */
export function vocabularyOf(catalog: CatalogSku[] = CATALOG): Vocabulary {
  return buildVocabulary(catalog.map((s) => `${s.name} ${s.categoryNames.join(' ')}`));
}

/**
 * One mention with every field set (work done on a capacitor, no quantity); a test overrides
 * what it is about. `end` and `clauseText` follow `text` unless given.
 */
export function mentionWith(overrides: Partial<Mention> = {}): Mention {
  const text = overrides.text ?? 'capacitor';
  return {
    id: 'm1',
    noteIndex: 0,
    start: 0,
    end: text.length,
    text,
    words: ['capacitor'],
    specs: [],
    quantity: null,
    unit: null,
    polarity: 'done',
    billable: true,
    use: 'action',
    clauseText: text,
    ...overrides,
  };
}

/** Mentions of notes (each string one job note) against the standard vocabulary. */
export function mentionsOf(notes: string[] | string, vocabulary = vocabularyOf()): Mention[] {
  const list = typeof notes === 'string' ? [notes] : notes;
  return findMentions(
    list.map((text, index) => ({ index, text })),
    vocabulary,
  ).mentions;
}

export function settings(raw: Record<string, unknown> = {}): TenantSettings {
  return parseTenantSettings(raw);
}

export function item(id: number, overrides: Partial<ExistingItem> = {}): ExistingItem {
  const skuId = overrides.skuId === undefined ? ID.cap : overrides.skuId;
  const s = skuId !== null ? CATALOG_BY_ID.get(skuId) : undefined;
  const quantity = overrides.quantity ?? '1';
  const unitPrice = overrides.unitPrice ?? s?.price ?? '10.00';
  return {
    id,
    skuId,
    skuCode: s?.code ?? null,
    type: s?.kind === 'equipment' ? 'Equipment' : s?.kind === 'service' ? 'Service' : 'Material',
    description: s?.name ?? 'Item',
    quantity,
    unitPrice,
    total: (Number(quantity) * Number(unitPrice)).toFixed(2),
    taxable: true,
    createdOn: '2025-03-04T15:00:00Z',
    ...overrides,
  };
}

export function labor(technicianId: number, hours: string, overrides: Partial<LaborEntry> = {}): LaborEntry {
  return {
    technicianId,
    technicianName: `Tech ${technicianId}`,
    hours,
    paidTimeType: 'Regular',
    hourlyRate: null,
    ...overrides,
  };
}

export interface ContextOverrides {
  job?: Partial<JobContext['job']>;
  invoice?: Partial<JobContext['invoice']>;
  customer?: Partial<JobContext['customer']>;
  location?: Partial<JobContext['location']>;
  notes?: string[];
  appointments?: JobContext['appointments'];
  labor?: LaborEntry[];
  membership?: JobContext['membership'];
  taxZone?: JobContext['taxZone'];
}

/** Tuesday 2025-03-04, 09:00 in Chicago (15:00 UTC): inside default working hours. */
export const WEEKDAY_MORNING = '2025-03-04T15:00:00Z';

export function jobContext(o: ContextOverrides = {}): JobContext {
  return {
    tenantId: 'test-tenant',
    job: {
      id: 5001,
      number: '5001',
      jobTypeId: 10,
      jobTypeName: 'AC Repair',
      businessUnitId: 100,
      businessUnitName: 'HVAC Service',
      completedOn: '2025-03-04T18:00:00Z',
      noCharge: false,
      customerId: 700,
      locationId: 800,
      tagTypeIds: [],
      recallForId: null,
      ...o.job,
    },
    invoice: {
      id: 9001,
      referenceNumber: 'INV-9001',
      syncStatus: 'Pending',
      reviewStatus: null,
      subTotal: '0.00',
      salesTax: '0.00',
      total: '0.00',
      items: [],
      ...o.invoice,
    },
    notes: (o.notes ?? []).map((text, index) => ({ index, text, createdOn: null })),
    appointments: o.appointments ?? [{ id: 1, start: WEEKDAY_MORNING, end: '2025-03-04T17:00:00Z' }],
    labor: o.labor ?? [],
    attachments: [],
    customer: { id: 700, name: 'Pat Customer', type: 'Residential', tagTypeIds: [], ...o.customer },
    location: {
      id: 800,
      name: 'Home',
      taxZoneId: null,
      taxExempt: false,
      address: '1 Main St, Austin TX',
      ...o.location,
    },
    membership: o.membership === undefined ? null : o.membership,
    taxZone: o.taxZone === undefined ? null : o.taxZone,
    priorJobs: [],
  };
}

/** One past job for the history model: its features and the SKUs its invoice carried. */
export interface PastJob {
  features: string[];
  /** SKUs the technician billed. */
  technician?: number[];
  /** SKUs the office added afterwards. */
  office?: { skuId: number; quantity?: number }[];
  jobTypeId?: number | null;
  laborHours?: number | null;
  quantities?: { skuId: number; quantity: number }[];
}

/** A history model fed through its own event API, one past job after another. */
export function historyOf(jobs: PastJob[]): HistoryModel {
  const model = new HistoryModel();
  jobs.forEach((job, n) => {
    const jobId = 100_000 + n;
    model.applyJob({
      jobId,
      completedOn: new Date(Date.UTC(2024, 0, 1) + n * 3_600_000).toISOString(),
      jobTypeId: job.jobTypeId ?? null,
      features: job.features,
      laborHours: job.laborHours ?? null,
    });
    const at = new Date(Date.UTC(2024, 0, 1) + n * 3_600_000 + 60_000).toISOString();
    for (const skuId of job.technician ?? [])
      model.applyLine({
        jobId,
        skuId,
        quantity: 1,
        createdOn: at,
        officeAdded: false,
        features: job.features,
      });
    for (const { skuId, quantity = 1 } of job.office ?? [])
      model.applyLine({ jobId, skuId, quantity, createdOn: at, officeAdded: true, features: job.features });
    for (const { skuId, quantity } of job.quantities ?? [])
      model.applyLine({ jobId, skuId, quantity, createdOn: at, officeAdded: false, features: job.features });
  });
  return model;
}

/** `count` copies of one past job. */
export function times(count: number, job: PastJob): PastJob[] {
  return Array.from({ length: count }, () => job);
}

export function knowledge(
  o: { catalog?: CatalogSku[]; model?: HistoryModel; settings?: TenantSettings } = {},
): TenantKnowledge {
  const catalog = o.catalog ?? CATALOG;
  return {
    catalog,
    catalogById: new Map(catalog.map((s) => [s.id, s])),
    vocabulary: vocabularyOf(catalog),
    model: o.model ?? new HistoryModel(),
    jobTypeNames: new Map([[10, 'AC Repair']]),
    settings: o.settings ?? settings(),
  };
}

/** A proposed line for a SKU of the standard price book. */
export function proposed(skuId: number, overrides: Partial<ProposedLine> = {}): ProposedLine {
  return {
    key: `test:${skuId}`,
    skuId,
    quantity: '1',
    origin: 'added',
    existingItemId: null,
    provenance: { kind: 'rule', rule: 'test', detail: 'test' },
    evidence: [],
    confidence: 0.9,
    reason: 'test line',
    ...overrides,
  };
}

/** A priced line with every field set; total is quantity × unit price unless given. */
export function pricedLine(overrides: Partial<PricedLine> & { key: string }): PricedLine {
  const quantity = overrides.quantity ?? '1';
  const unitPrice = overrides.unitPrice ?? '10.00';
  return {
    skuId: ID.cap,
    quantity,
    origin: 'technician',
    existingItemId: null,
    provenance: { kind: 'rule', rule: 'test', detail: 'test' },
    evidence: [],
    confidence: 0.95,
    reason: 'test line',
    skuCode: 'CAP-455',
    skuName: 'Run Capacitor 45/5 MFD',
    type: 'Material',
    description: 'Run Capacitor 45/5 MFD',
    unitPrice,
    total: (Number(quantity) * Number(unitPrice)).toFixed(2),
    taxable: true,
    priceBasis: 'price book',
    ...overrides,
  };
}

export function flag(code: Flag['code'], severity: Flag['severity'] = 'warning'): Flag {
  return { code, severity, message: code, evidence: [] };
}

/**
 * The extract stage as the worker runs it (apps/workers/src/stages/extract.ts), with the
 * in-memory retriever in place of Postgres and the local deterministic chooser.
 */
export async function extractNotes(
  context: JobContext,
  k: TenantKnowledge,
  plausibility?: NoteLinesInput['plausibility'],
  cooccurrence: Pick<NoteLinesInput, 'pairRate' | 'skuShare'> = {},
) {
  const mentions = findJobMentions(context, k);
  const retriever = new MemoryRetriever(k.catalog);
  const scored = new Map<string, ScoredCandidate[]>();
  for (const mention of mentions) {
    const candidates = new Map<number, SkuCandidate>();
    for (const hit of await retriever.search(mention.text, 8)) candidates.set(hit.sku.id, hit);
    for (const i of context.invoice.items) {
      const s = i.skuId !== null ? k.catalogById.get(i.skuId) : undefined;
      if (s && !candidates.has(s.id)) candidates.set(s.id, { sku: s, similarity: 0, historyVotes: 0 });
    }
    scored.set(mention.id, scoreCandidates(mention, [...candidates.values()], k.vocabulary));
  }
  const decisions = mentions.map((m) =>
    decideFromScores(
      m,
      (scored.get(m.id) ?? []).map((c) => ({ skuId: c.sku.id, code: c.sku.code, score: c.score })),
    ),
  );
  const result = buildNoteLines({
    mentions,
    decisions,
    scored,
    catalog: k.catalogById,
    existing: context.invoice.items,
    plausibility,
    ...cooccurrence,
  });
  return { mentions, decisions, ...result };
}
