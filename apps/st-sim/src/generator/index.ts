// Synthetic tenant generator: a realistic residential + light-commercial HVAC, plumbing and
// electrical shop, with the billing mistakes technicians make and the office's corrections
// recorded as ground truth. `generateTenant` builds everything in memory (deterministic per
// seed); `writeTenantFixture` streams it to a fixture directory.
import { type Decimal, fromAmountString, toMoneyString, ZERO } from '@invoicer/core';
import type { TenantFixture } from '@invoicer/servicetitan';
import { type BankStatement, buildBankStatement } from './bank.ts';
import { type EvidenceScenario, generateEvidence } from './evidence/index.ts';
import { Sequence } from './ids.ts';
import { BASE_MISS_RATE } from './invoices.ts';
import { generateJob, planJobs, type World } from './jobs.ts';
import {
  businessUnitRecords,
  jobTypeRecords,
  MEMBERSHIP_TYPES,
  paymentTypeRecords,
  TAG_TYPES,
  taxZoneRecords,
} from './org.ts';
import { generatePayments } from './payments.ts';
import {
  customerRecords,
  locationRecords,
  makeCustomers,
  makeTechnicians,
  membershipRecords,
  type Tech,
  technicianRecords,
} from './people.ts';
import {
  categoryRecords,
  discountAndFeeRecords,
  equipmentRecords,
  materialRecords,
  Pricebook,
  serviceRecords,
} from './pricebook.ts';
import { renderReadme } from './readme.ts';
import { Rng } from './rng.ts';
import { DAY, fromLocal, localDateKey, stStamp } from './time.ts';
import type { BankLineTruth, JobTruth, TechnicianTruth } from './types.ts';

export type { EvidenceScenario } from './evidence/index.ts';
export type * from './evidence/types.ts';
export type * from './types.ts';
export { writeTenantFixture } from './write.ts';

export interface GenerateOptions {
  jobs: number;
  seed: number;
  /** First day of the period (its calendar date, in the shop's zone). Default 2025-11-01. */
  start?: Date;
  /** Length of the period in months. Default 12. */
  months?: number;
  /** Generate payments and a bank statement. Default false (the CLI defaults to true). */
  payments?: boolean;
  /** Customer payment personas for open balances (personas.ts). Default false: output unchanged. */
  personas?: boolean;
  /**
   * The evidence scenario (estimates, installed equipment, photos; issue 18), in files of its own.
   * Default false. Either way the shop's other files are the same.
   */
  evidence?: boolean;
}

export interface TruthSummary {
  synthetic: true;
  seed: number;
  jobs: number;
  period: { start: string; end: string; bankStatement: { from: string; to: string } | null };
  counts: Record<string, number>;
  completedJobs: number;
  invoicesWithOfficeAdditions: number;
  missedByCategory: Record<string, number>;
  missedTotalByCategory: Record<string, string>;
  baseMissRates: Record<string, number>;
  edits: Record<string, number>;
  mentions: Record<string, number>;
  bankLinesByKind: Record<string, number>;
  customerPaymentVariants: Record<string, number>;
  overtime: string;
}

export interface TenantTruth {
  summary: TruthSummary;
  jobs: JobTruth[];
  technicians: TechnicianTruth[];
  bank: BankLineTruth[];
}

export interface GeneratedTenant {
  options: Required<GenerateOptions>;
  fixture: TenantFixture;
  truth: TenantTruth;
  /** Real ServiceTitan resources the fixture catalogue does not list (written alongside). */
  extras: Record<string, unknown[]>;
  bank: Pick<BankStatement, 'bai2' | 'csv'> | null;
  readme: string;
  /** With `evidence`: estimates, installed equipment, photo files and their ground truth. */
  evidence: EvidenceScenario | null;
}

export const TENANT_ID = 3_104_772;
export const DEFAULT_START = new Date('2025-11-01T00:00:00Z');

function resolve(options: GenerateOptions): Required<GenerateOptions> {
  const { jobs, seed } = options;
  const start = options.start ?? DEFAULT_START;
  const months = options.months ?? 12;
  if (!Number.isInteger(jobs) || jobs < 1)
    throw new RangeError(`jobs must be a positive integer, got ${jobs}`);
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  if (!(start instanceof Date) || Number.isNaN(start.getTime()))
    throw new RangeError('start must be a valid date');
  if (!Number.isInteger(months) || months < 1 || months > 60)
    throw new RangeError(`months must be an integer from 1 to 60, got ${months}`);
  return {
    jobs,
    seed,
    start,
    months,
    payments: options.payments ?? false,
    personas: options.personas ?? false,
    evidence: options.evidence ?? false,
  };
}

const tally = <T>(items: readonly T[], key: (t: T) => string) => {
  const out: Record<string, number> = {};
  for (const i of items) out[key(i)] = (out[key(i)] ?? 0) + 1;
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
};

function techTruth(t: Tech): TechnicianTruth {
  return {
    technicianId: t.id,
    name: t.name,
    trade: `${t.commercial ? 'commercial ' : ''}${t.trade}`,
    apprentice: t.apprentice,
    profile: t.profile,
    missMultiplier: t.missMultiplier,
    blindSpots: t.blindSpots,
    noteStyle: t.style,
    secondaryStyle: t.altStyle,
    typoRate: t.typoRate,
    numberWordsRate: t.numberWords,
  };
}

export function generateTenant(input: GenerateOptions): GeneratedTenant {
  const options = resolve(input);
  const { seed, jobs, months } = options;
  const y = options.start.getUTCFullYear();
  const m = options.start.getUTCMonth() + 1;
  const d = options.start.getUTCDate();
  const start = fromLocal(y, m, d);
  const asOf = fromLocal(y, m + months, d);
  const windowStart = fromLocal(y, m + months - 1, d);
  const setupStamp = stStamp(start - 400 * DAY);

  const pb = new Pricebook();
  const people = Rng.derive(seed, 'people');
  const techs = makeTechnicians(people, jobs, months, start);
  const crm = new Sequence(2_023_000);
  const memberships = new Sequence(5_100_000);
  const roster = makeCustomers(people, jobs, start, asOf, {
    crm: () => crm.next(people, 4),
    membership: () => memberships.next(people, 2),
  });

  const world: World = {
    seed,
    pb,
    techs,
    roster,
    asOf,
    ids: {
      entity: new Sequence(70_000),
      note: new Sequence(8_000_000),
      item: new Sequence(90_000_000),
      timesheet: new Sequence(30_000_000),
      assignment: new Sequence(40_000_000),
      gross: new Sequence(50_000_000),
      attachment: new Sequence(95_000_000),
    },
    out: {
      jobs: [],
      appointments: [],
      assignments: [],
      timesheets: [],
      gross: [],
      notes: [],
      invoices: [],
      attachments: [],
    },
    metas: [],
    truth: [],
    firstSeen: new Map(),
  };
  for (const plan of planJobs(seed, jobs, start, asOf)) generateJob(world, plan);

  // Customers existed before their first booking or membership.
  for (const c of roster.customers) {
    const first = Math.min(world.firstSeen.get(c.id) ?? asOf - DAY, ...c.memberships.map((x) => x.from));
    c.createdOn = first - Rng.derive(seed, 'cust', c.id).int(1, 1400) * DAY;
  }

  let bank: BankStatement | null = null;
  let payments: TenantFixture['accounting/payments'] = [];
  if (options.payments) {
    const result = generatePayments(seed, world.metas, asOf, windowStart, { personas: options.personas });
    payments = result.payments;
    const byId = new Map(world.out.invoices.map((i) => [i.id, i]));
    for (const [id, b] of result.balances) {
      const inv = byId.get(id)!;
      inv.balance = toMoneyString(b.balance);
      inv.paidOn = b.paidOn === null ? null : stStamp(b.paidOn);
    }
    bank = buildBankStatement(
      seed,
      result.events,
      windowStart,
      asOf,
      new Set(world.out.invoices.map((i) => i.referenceNumber!)),
    );
  }
  const owed = new Map<number, Decimal>();
  for (const inv of world.out.invoices) {
    const b = fromAmountString(inv.balance!);
    if (!b.isZero()) owed.set(inv.customer!.id, (owed.get(inv.customer!.id) ?? ZERO).plus(b));
  }
  // Customer.balance is a JSON number in the CRM shape: convert at the boundary.
  const balances = new Map([...owed].map(([id, b]) => [id, b.toNumber()]));

  const fixture: TenantFixture = {
    meta: {
      tenantId: TENANT_ID,
      name: 'Brightwave Home Services (synthetic)',
      timezone: 'America/Chicago',
      synthetic: true,
    },
    'jpm/jobs': world.out.jobs,
    'jpm/job-types': jobTypeRecords(setupStamp),
    'jpm/job-notes': world.out.notes,
    'jpm/appointments': world.out.appointments,
    'dispatch/appointment-assignments': world.out.assignments,
    'payroll/job-timesheets': world.out.timesheets,
    'payroll/gross-pay-items': world.out.gross,
    'settings/technicians': technicianRecords(techs),
    'settings/business-units': businessUnitRecords(setupStamp),
    'pricebook/services': serviceRecords(pb, setupStamp),
    'pricebook/materials': materialRecords(pb, setupStamp),
    'pricebook/equipment': equipmentRecords(pb, setupStamp),
    'pricebook/discounts-and-fees': discountAndFeeRecords(pb, setupStamp),
    'pricebook/categories': categoryRecords(pb),
    'crm/customers': customerRecords(roster.customers, balances),
    'crm/locations': locationRecords(roster.customers),
    'memberships/memberships': membershipRecords(roster.customers, asOf),
    'accounting/tax-zones': taxZoneRecords(setupStamp),
    'accounting/invoices': world.out.invoices,
    'accounting/payments': payments,
    'accounting/payment-types': options.payments ? paymentTypeRecords(setupStamp) : [],
    'forms/job-attachments': world.out.attachments,
  };
  const extras = {
    'settings/tag-types': TAG_TYPES.map((t) => ({
      ...t,
      importance: 'Normal',
      active: true,
      createdOn: setupStamp,
      modifiedOn: setupStamp,
    })),
    'memberships/membership-types': MEMBERSHIP_TYPES.map((t) => ({
      id: t.id,
      name: t.name,
      active: true,
      discountId: pb.get('DISC-MBR-15').id,
      billingTemplateId: null,
      durationBilling: [{ duration: 12, billingFrequency: 'Annual', salePrice: t.price }],
      recurringServices: t.visitsPerYear,
      createdOn: setupStamp,
      modifiedOn: setupStamp,
    })),
  };

  const missed = world.truth.flatMap((j) => j.missed);
  const missedTotals: Record<string, string> = {};
  for (const cat of Object.keys(BASE_MISS_RATE)) {
    const totals = missed
      .filter((x) => x.category === cat)
      .reduce<Decimal>((a, x) => a.plus(fromAmountString(x.total)), ZERO);
    missedTotals[cat] = toMoneyString(totals);
  }
  const bankTruth = bank?.truth ?? [];
  const summary: TruthSummary = {
    synthetic: true,
    seed,
    jobs,
    period: {
      start: localDateKey(start),
      end: localDateKey(asOf - DAY),
      bankStatement: bank ? { from: localDateKey(windowStart), to: localDateKey(asOf - DAY) } : null,
    },
    counts: {
      skus: pb.skus.length,
      ...Object.fromEntries(
        Object.entries(fixture)
          .filter(([k]) => k !== 'meta')
          .map(([k, v]) => [k, (v as unknown[]).length]),
      ),
      bankLines: bankTruth.length,
    },
    completedJobs: world.truth.length,
    invoicesWithOfficeAdditions: world.truth.filter((j) => j.missed.length > 0).length,
    missedByCategory: tally(missed, (x) => x.category),
    missedTotalByCategory: missedTotals,
    baseMissRates: BASE_MISS_RATE,
    edits: tally(
      world.truth.flatMap((j) => j.edits),
      (x) => x.kind,
    ),
    mentions: tally(
      world.truth.flatMap((j) => j.mentions),
      (x) => x.kind,
    ),
    bankLinesByKind: tally(bankTruth, (x) => x.kind),
    customerPaymentVariants: tally(
      bankTruth.filter((x) => x.outcome.type === 'allocate'),
      (x) => (x.outcome.type === 'allocate' ? x.outcome.variant : ''),
    ),
    overtime: 'separate overtime labor SKUs (LAB-*-OT) priced at 1.5x the regular rate',
  };
  const truth: TenantTruth = {
    summary,
    jobs: world.truth,
    technicians: techs.map(techTruth),
    bank: bankTruth,
  };
  return {
    options,
    fixture,
    truth,
    extras,
    bank: bank ? { bai2: bank.bai2, csv: bank.csv } : null,
    readme: renderReadme(options, summary, pb),
    evidence: options.evidence ? generateEvidence(seed, fixture, world.truth) : null,
  };
}
