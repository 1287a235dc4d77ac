// A shop's time-and-materials labor convention, learned from its own past invoices: which time is
// billed (on site from the timesheets, paid hours from payroll, or the scheduled appointment
// windows), what one rounded amount covers (a technician's visit, a technician's job, the job),
// the increment and direction of rounding, the minimum, and what picks the labor SKU (the visit's
// start — weekday, evening, weekend, holiday — the pay type, the technician, the job type, the
// customer's membership). Every candidate is replayed over the past time-and-materials jobs whose
// time was recorded; the one that reproduces the billed labor lines (final invoice, whoever wrote
// them) most often wins, with its agreement rate and support. Nothing here knows a shop's words or
// numbers: the candidates are generic and the evidence decides.

import type { TenantSettings } from '@invoicer/core';
import { holidayName, USUALLY_OBSERVED, usFederalHolidays } from '../history/features.ts';
import { type HistoryModel, type JobRecord, wilsonLowerBound } from '../history/model.ts';
import type { LaborTime } from '../types.ts';

/**
 * 'onsite-hourly' is the on-site time cut at each local clock hour, every piece tiered by its own
 * hour: shops that bill the hours after 17:00 at overtime though the visit began at 15:00.
 */
export type TimeSource = 'onsite' | 'onsite-hourly' | 'paid' | 'scheduled';
export type LaborGrouping = 'visit-technician' | 'job-technician' | 'job';
export type RateFactor = 'start' | 'pay' | 'technician' | 'jobType' | 'member';

/** How billed hours follow from the recorded time. */
export interface HoursConvention {
  source: TimeSource;
  grouping: LaborGrouping;
  technicians: 'all' | 'lead';
  increment: number;
  rounding: 'up' | 'nearest';
  minimum: number;
  minimumPer: 'group' | 'job';
}

export interface LaborConvention extends HoursConvention {
  /** What picks the labor SKU of a stretch of time. */
  rateBy: RateFactor[];
}

/** One job as the learner sees it: its recorded time and, for a past job, its billed labor. */
export interface LaborJob {
  jobId: number;
  member: boolean;
  jobTypeId: number | null;
  time: LaborTime;
  /** Labor SKU → hours on the final invoice (technician's and office's lines together). */
  billed: Map<number, number>;
}

export interface LearnedLabor {
  convention: LaborConvention;
  /** 'learned' from history, or 'pinned' by the tenant (hours rules fixed, rate SKU learned). */
  origin: 'learned' | 'pinned';
  /** Share of past time-and-materials jobs whose labor lines (SKU and hours) it reproduces. */
  agreement: number;
  /** Past time-and-materials jobs with recorded time it was measured on. */
  support: number;
  /** Share whose total billed hours it reproduces, whatever the SKUs. */
  hoursAgreement: number;
  /** Share whose set of labor SKUs it reproduces. */
  skuAgreement: number;
  /** The tenant's settings (increment, minimum, paid hours per technician) measured the same way. */
  settingsAgreement: number;
  /**
   * Whether it reproduces history well enough to bill by (pinned, or the lower bound of its
   * agreement at least MIN_LABOR_AGREEMENT); otherwise the settings apply.
   */
  trusted: boolean;
  rates: RateModel;
  /** Which federal holidays are billed as holidays (visit-start tiers). */
  holidays: HolidayPolicy;
  /**
   * The best convention of each other time source, best first: what a job is billed by while
   * its own source has no record of it yet (payroll arrives hours after the job is done).
   */
  alternatives?: { convention: LaborConvention; agreement: number; rates: RateModel }[];
}

/** A computed labor line: hours on one SKU. */
export interface LaborQuantity {
  skuId: number;
  hours: number;
  technicianIds: number[];
}

const HOUR_MS = 3_600_000;
const EPS = 1e-6;
/** Fewer past time-and-materials jobs than this and the settings apply. */
export const MIN_LABOR_SUPPORT = 10;
/** The agreement's lower bound (95% one-sided) must reach this for a learned convention to be used. */
export const MIN_LABOR_AGREEMENT = 0.5;
/** A cell of the rate table decides once this many past stretches of time fall in it. */
const MIN_CELL = 2;
/** Hour windows tried around a visit's start before its whole day class. */
const HOUR_WINDOWS = [1, 2, 3];
/** Labeling a job billed on several SKUs tries at most this many assignments. */
const MAX_ASSIGNMENTS = 4096;

// ---- recorded time → stretches of time -------------------------------------------------------

/** A stretch of recorded time: one timesheet, one pay item or one technician on one visit. */
export interface TimeSegment {
  technicianId: number;
  visitId: number | null;
  hours: number;
  /** The visit's start (the stretch's own start when its visit is unknown). */
  start: number | null;
  /** Payroll pay type ('' when the source has none). */
  pay: string;
}

export function segmentsOf(time: LaborTime, source: TimeSource, clock?: LocalClock): TimeSegment[] {
  const visitStart = new Map(time.visits.map((v) => [v.id, v.start]));
  if (source === 'onsite-hourly') return clock ? hourlySegments(time, clock) : [];
  if (source === 'onsite') {
    return time.onSite
      .filter((s) => s.done > s.arrived)
      .map((s) => ({
        technicianId: s.technicianId,
        visitId: s.visitId,
        hours: (s.done - s.arrived) / HOUR_MS,
        start: (s.visitId !== null ? visitStart.get(s.visitId) : undefined) ?? s.arrived,
        pay: '',
      }));
  }
  if (source === 'paid') {
    return time.paid
      .filter((p) => p.hours > 0)
      .map((p) => {
        const visitId = p.start === null ? null : visitOfInstant(time, p.technicianId, p.start);
        return {
          technicianId: p.technicianId,
          visitId,
          hours: p.hours,
          start: (visitId !== null ? visitStart.get(visitId) : undefined) ?? p.start,
          pay: p.type,
        };
      });
  }
  const out: TimeSegment[] = [];
  for (const v of time.visits) {
    if (v.end === null || v.end <= v.start) continue;
    const techs = [...new Set(time.onSite.filter((s) => s.visitId === v.id).map((s) => s.technicianId))];
    for (const technicianId of techs.length ? techs : [0])
      out.push({ technicianId, visitId: v.id, hours: (v.end - v.start) / HOUR_MS, start: v.start, pay: '' });
  }
  return out;
}

const HALF_HOUR_MS = HOUR_MS / 2;

/**
 * On-site stretches cut where the local hour changes (looked for at every half hour of UTC, which
 * finds the hour of every zone offset in whole or half hours), each piece starting its own hour.
 */
function hourlySegments(time: LaborTime, clock: LocalClock): TimeSegment[] {
  const out: TimeSegment[] = [];
  for (const s of time.onSite) {
    if (s.done <= s.arrived) continue;
    let from = s.arrived;
    let hour = clock.at(from).hour;
    for (let cut = Math.floor(from / HALF_HOUR_MS + 1) * HALF_HOUR_MS; cut < s.done; cut += HALF_HOUR_MS) {
      const next = clock.at(cut).hour;
      if (next === hour) continue;
      out.push({
        technicianId: s.technicianId,
        visitId: s.visitId,
        hours: (cut - from) / HOUR_MS,
        start: from,
        pay: '',
      });
      from = cut;
      hour = next;
    }
    out.push({
      technicianId: s.technicianId,
      visitId: s.visitId,
      hours: (s.done - from) / HOUR_MS,
      start: from,
      pay: '',
    });
  }
  return out;
}

/** The visit a technician was on at an instant: their timesheet around it, else the last visit begun. */
function visitOfInstant(time: LaborTime, technicianId: number, at: number): number | null {
  const sheet = time.onSite.find(
    (s) => s.technicianId === technicianId && s.visitId !== null && at >= s.arrived - 60_000 && at <= s.done,
  );
  if (sheet) return sheet.visitId;
  const begun = time.visits.filter((v) => v.start <= at + 60_000).sort((a, b) => b.start - a.start)[0];
  return begun?.id ?? time.visits[0]?.id ?? null;
}

/** The lead technician: first on site (else first paid). */
export function leadTechnician(time: LaborTime): number | null {
  const first = [...time.onSite].sort((a, b) => a.arrived - b.arrived)[0];
  if (first) return first.technicianId;
  const paid = time.paid.filter((p) => p.start !== null).sort((a, b) => a.start! - b.start!)[0];
  return paid?.technicianId ?? time.paid[0]?.technicianId ?? null;
}

/** The map's value for a key, created when missing. */
function entry<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}

// ---- local time of a visit ---------------------------------------------------------------------

type DayClass = 'hol' | 'sun' | 'sat' | 'wkd';

/** A visit's start, locally: day of the week, hour, and which US federal holiday it fell on. */
export interface LocalStart {
  weekday: 'sun' | 'sat' | 'wkd';
  hour: number;
  holiday: string | null;
}

/** Which holidays the shop bills as holidays: learned where its history shows, else the usual. */
export interface HolidayPolicy {
  observed: Record<string, boolean>;
}

function dayClassOf(start: LocalStart, holidays: HolidayPolicy): DayClass {
  if (start.holiday && (holidays.observed[start.holiday] ?? USUALLY_OBSERVED.has(start.holiday)))
    return 'hol';
  return start.weekday;
}

/** Local day of the week, hour and federal holiday of an instant. */
export class LocalClock {
  private readonly format: Intl.DateTimeFormat;
  private readonly holidays = new Map<number, Set<string>>();
  private readonly cache = new Map<number, LocalStart>();

  constructor(readonly timezone: string) {
    let format: Intl.DateTimeFormat;
    try {
      format = this.formatter(timezone);
    } catch {
      format = this.formatter('UTC');
    }
    this.format = format;
  }

  private formatter(timeZone: string) {
    return new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      weekday: 'short',
      hour: '2-digit',
      hourCycle: 'h23',
    });
  }

  at(ms: number): LocalStart {
    const hit = this.cache.get(ms);
    if (hit) return hit;
    const parts = this.format.formatToParts(new Date(ms));
    const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
    const year = Number(get('year'));
    const holidays = entry(this.holidays, year, () => usFederalHolidays(year));
    const weekday = get('weekday');
    const date = `${get('year')}-${get('month')}-${get('day')}`;
    const local: LocalStart = {
      weekday: weekday === 'Sun' ? 'sun' : weekday === 'Sat' ? 'sat' : 'wkd',
      hour: Number(get('hour')) % 24,
      holiday: holidays.has(date) ? holidayName(Number(get('month')), Number(get('day'))) : null,
    };
    if (this.cache.size < 50_000) this.cache.set(ms, local);
    return local;
  }
}

// ---- the rate table: which SKU a stretch of time is billed on ---------------------------------

type ContextFactor = 'technician' | 'jobType' | 'member';
const CONTEXT_FACTORS: ContextFactor[] = ['technician', 'jobType', 'member'];

/**
 * One level of back-off: the context factors kept (technician, job type, membership) and whether
 * the tier (visit start or pay type) is. Context dropped from a level is put back by translation:
 * the SKU the pooled cell would get, mapped to the one this context used where both were seen
 * (an agreement customer's overtime SKU, an apprentice's rate).
 */
interface Stage {
  keep: ContextFactor[];
  dropped: ContextFactor[];
  tier: boolean;
}

function stagesFor(factors: RateFactor[]): Stage[] {
  const context = CONTEXT_FACTORS.filter((f) => factors.includes(f));
  const tiered = factors.includes('start') || factors.includes('pay');
  const subsets: ContextFactor[][] = [[]];
  for (const f of context) for (const s of [...subsets]) subsets.push([...s, f]);
  // Most specific first; among equals, keep membership and job type longest.
  const weight = (s: ContextFactor[]) =>
    s.length * 10 + (s.includes('member') ? 4 : 0) + (s.includes('jobType') ? 2 : 0);
  subsets.sort((a, b) => weight(b) - weight(a));
  const stage = (keep: ContextFactor[], tier: boolean): Stage => ({
    keep,
    dropped: context.filter((f) => !keep.includes(f)),
    tier,
  });
  const stages = subsets.map((s) => stage(s, tiered));
  if (tiered) {
    if (context.length) stages.push(stage(context, false));
    stages.push(stage([], false));
  }
  return stages;
}

interface Described {
  segment: TimeSegment;
  member: boolean;
  jobTypeId: number | null;
  cell: { day: DayClass; hour: number } | null;
}

type Counts = Map<string, Map<number, number>>;

function bump(table: Counts, key: string, sku: number, by = 1) {
  const m = entry(table, key, () => new Map<number, number>());
  m.set(sku, (m.get(sku) ?? 0) + by);
}

function factorValue(d: Described, f: ContextFactor): string {
  return f === 'technician'
    ? `t${d.segment.technicianId}`
    : f === 'jobType'
      ? `j${d.jobTypeId ?? ''}`
      : `m${d.member ? 1 : 0}`;
}

/** Learned SKU choice: counts of past stretches of time per cell, backed off from fine to coarse. */
export class RateModel {
  private readonly stages: Stage[];
  private readonly table: Counts = new Map();
  /** Per stage: dropped context → (pooled SKU → this context's SKU). */
  private translation: Map<string, Map<number, number>>[] = [];

  constructor(readonly factors: RateFactor[]) {
    this.stages = stagesFor(factors);
  }

  /** The keys of a stretch at one stage: [hour key, day key] with a start tier, else [key]. */
  private keys(d: Described, s: number): string[] | null {
    const stage = this.stages[s]!;
    let prefix = `${s}`;
    for (const f of stage.keep) prefix += `|${factorValue(d, f)}`;
    if (stage.tier && this.factors.includes('pay')) prefix += `|p${d.segment.pay}`;
    if (stage.tier && this.factors.includes('start')) {
      if (!d.cell) return null;
      const day = `${prefix}|${d.cell.day}`;
      return [`${day}|${d.cell.hour}`, day];
    }
    return [prefix];
  }

  private context(d: Described, s: number): string {
    return this.stages[s]!.dropped.map((f) => factorValue(d, f)).join('|');
  }

  /** Count labeled stretches into a table (the model's own, or a job's for leaving it out). */
  count(labeled: { d: Described; sku: number }[], into: Counts = this.table): Counts {
    for (const { d, sku } of labeled)
      for (let s = 0; s < this.stages.length; s += 1)
        for (const k of this.keys(d, s) ?? []) bump(into, k, sku);
    return into;
  }

  /** Learn, per level, how each dropped context maps the pooled cell's SKU to its own. */
  learnTranslation(labeled: { d: Described; sku: number }[]) {
    this.translation = this.stages.map((stage, s) => {
      if (!stage.dropped.length) return new Map();
      const cells = new Map<string, { pooled: Map<number, number>; own: Map<string, Map<number, number>> }>();
      for (const { d, sku } of labeled) {
        const key = this.keys(d, s)?.[0];
        if (key === undefined) continue;
        const cell = entry(cells, key, () => ({ pooled: new Map<number, number>(), own: new Map() }));
        cell.pooled.set(sku, (cell.pooled.get(sku) ?? 0) + 1);
        const ctx = this.context(d, s);
        const own = entry(cell.own, ctx, () => new Map<number, number>());
        own.set(sku, (own.get(sku) ?? 0) + 1);
      }
      const votes = new Map<string, Map<number, Map<number, number>>>();
      for (const cell of cells.values()) {
        const a = majority(cell.pooled);
        if (!a) continue;
        for (const [ctx, own] of cell.own) {
          const b = majority(own);
          if (!b) continue;
          const to = entry(
            entry(votes, ctx, () => new Map<number, Map<number, number>>()),
            a.sku,
            () => new Map<number, number>(),
          );
          to.set(b.sku, (to.get(b.sku) ?? 0) + b.n);
        }
      }
      return new Map(
        [...votes].map(([ctx, byFrom]) => [
          ctx,
          new Map([...byFrom].map(([from, to]) => [from, majority(to)!.sku] as [number, number])),
        ]),
      );
    });
  }

  private counts(key: string, own: Counts | null): Map<number, number> | null {
    const all = this.table.get(key);
    if (!all) return null;
    const mine = own?.get(key);
    if (!mine) return all;
    const out = new Map<number, number>();
    for (const [sku, n] of all) {
      const left = n - (mine.get(sku) ?? 0);
      if (left > 0) out.set(sku, left);
    }
    return out;
  }

  /**
   * The SKU a dropped context uses where the pooled cell uses `sku`: seen directly, or by analogy
   * with contexts that map every SKU both were seen with the same way (a second apprentice's
   * overtime rate, from the first one's).
   */
  private translate(s: number, d: Described, sku: number): number | undefined {
    const table = this.translation[s];
    const ctx = this.context(d, s);
    const mine = table?.get(ctx);
    if (!table || !mine) return undefined;
    const direct = mine.get(sku);
    if (direct !== undefined) return direct;
    const votes = new Map<number, number>();
    for (const [other, theirs] of table) {
      const to = theirs.get(sku);
      if (other === ctx || to === undefined) continue;
      let shared = 0;
      let alike = true;
      for (const [from, mapped] of mine) {
        const t = theirs.get(from);
        if (t === undefined) continue;
        shared += 1;
        if (t !== mapped) {
          alike = false;
          break;
        }
      }
      if (alike && shared > 0) votes.set(to, (votes.get(to) ?? 0) + shared);
    }
    return majority(votes)?.sku;
  }

  /** The SKU for a stretch of time, leaving out a job's own counts when given. */
  predict(
    d: Described,
    own: Counts | null = null,
  ): { sku: number; share: number; n: number; level: number } | null {
    const decide = (s: number, c: Map<number, number> | null, level: number) => {
      const best = c ? majority(c) : null;
      if (!best || best.total < (s === this.stages.length - 1 ? 1 : MIN_CELL)) return null;
      const translated = this.stages[s]!.dropped.length ? this.translate(s, d, best.sku) : undefined;
      return { sku: translated ?? best.sku, share: best.n / best.total, n: best.total, level };
    };
    // Visit-start tiers: the closest hours first, at each the most specific context (a context
    // seen only at other hours is put back by translation rather than borrowed across a tier
    // boundary), then wider windows of hours, then the whole day class.
    const timed = this.stages.map((_, s) => this.keys(d, s)).map((k) => (k?.length === 2 ? k : null));
    const widths = [0, ...HOUR_WINDOWS];
    for (let w = 0; w <= widths.length; w += 1) {
      for (let s = 0; s < this.stages.length; s += 1) {
        const keys = timed[s];
        if (!keys) continue;
        let counts: Map<number, number> | null;
        if (w === widths.length) counts = this.counts(keys[1]!, own);
        else if (widths[w] === 0) counts = this.counts(keys[0]!, own);
        else {
          counts = new Map<number, number>();
          for (let h = d.cell!.hour - widths[w]!; h <= d.cell!.hour + widths[w]!; h += 1) {
            if (h < 0 || h > 23) continue;
            for (const [sku, n] of this.counts(`${keys[1]}|${h}`, own) ?? [])
              counts.set(sku, (counts.get(sku) ?? 0) + n);
          }
        }
        const hit = decide(s, counts, s + w * this.stages.length);
        if (hit) return hit;
      }
    }
    // Pay-type tiers and context alone, most specific first.
    for (let s = 0; s < this.stages.length; s += 1) {
      const keys = this.keys(d, s);
      if (!keys || keys.length === 2) continue;
      const hit = decide(s, this.counts(keys[0]!, own), s);
      if (hit) return hit;
    }
    return null;
  }
}

function majority(m: Map<number, number>): { sku: number; n: number; total: number } | null {
  let best: { sku: number; n: number } | null = null;
  let total = 0;
  for (const [sku, n] of m) {
    total += n;
    if (!best || n > best.n || (n === best.n && sku < best.sku)) best = { sku, n };
  }
  return best && total > 0 ? { ...best, total } : null;
}

// ---- rounding -----------------------------------------------------------------------------------

export function roundHours(hours: number, increment: number, rounding: 'up' | 'nearest'): number {
  const x = hours / increment;
  const n = rounding === 'up' ? Math.ceil(x - EPS) : Math.floor(x + 0.5 + EPS);
  return Math.round(n * increment * 100) / 100;
}

interface Group {
  sku: number;
  hours: number;
  technicianIds: number[];
}

/** Raw hours per rounded amount: by visit and technician, technician, or job, and always by SKU. */
function groupsOf(
  segments: TimeSegment[],
  skus: (number | null)[],
  grouping: LaborGrouping,
  lead: number | null,
): Group[] {
  const groups = new Map<string, Group>();
  segments.forEach((seg, i) => {
    const sku = skus[i];
    if (sku === null || sku === undefined) return;
    if (lead !== null && seg.technicianId !== lead) return;
    const scope =
      grouping === 'visit-technician'
        ? `${seg.visitId ?? 'n'}|${seg.technicianId}`
        : grouping === 'job-technician'
          ? `${seg.technicianId}`
          : '';
    const key = `${scope}|${sku}`;
    const g = groups.get(key) ?? { sku, hours: 0, technicianIds: [] };
    g.hours += seg.hours;
    if (!g.technicianIds.includes(seg.technicianId)) g.technicianIds.push(seg.technicianId);
    groups.set(key, g);
  });
  return [...groups.values()];
}

/** Billed hours per SKU under a convention's rounding and minimum. */
function quantitiesOf(
  groups: Group[],
  c: Pick<HoursConvention, 'increment' | 'rounding' | 'minimum' | 'minimumPer'>,
): Map<number, number> {
  const out = new Map<number, number>();
  let total = 0;
  let top: { sku: number; hours: number } | null = null;
  for (const g of groups) {
    if (g.hours <= 0) continue;
    const floor = c.minimumPer === 'group' ? c.minimum : 0;
    const q = roundHours(Math.max(g.hours, floor), c.increment, c.rounding);
    if (q <= 0) continue;
    out.set(g.sku, Math.round(((out.get(g.sku) ?? 0) + q) * 100) / 100);
    total += q;
    if (!top || g.hours > top.hours) top = { sku: g.sku, hours: g.hours };
  }
  if (c.minimumPer === 'job' && top && total < c.minimum - EPS)
    out.set(top.sku, Math.round(((out.get(top.sku) ?? 0) + c.minimum - total) * 100) / 100);
  return out;
}

function sameQuantities(a: Map<number, number>, b: Map<number, number>): boolean {
  if (a.size !== b.size) return false;
  for (const [sku, q] of a) {
    const other = b.get(sku);
    if (other === undefined || Math.abs(other - q) > 0.005) return false;
  }
  return true;
}

function total(m: Map<number, number>): number {
  let t = 0;
  for (const q of m.values()) t += q;
  return t;
}

// ---- learning -----------------------------------------------------------------------------------

const SOURCES: TimeSource[] = ['paid', 'onsite', 'onsite-hourly', 'scheduled'];
// Preference among equally good candidates: what the settings-driven behaviour did first.
const GROUPINGS: LaborGrouping[] = ['job-technician', 'visit-technician', 'job'];
const INCREMENTS = [0.1, 0.25, 0.5, 1];
const MINIMA = [0, 0.5, 1, 1.5, 2];

function rateCandidates(source: TimeSource): RateFactor[][] {
  const tiers: RateFactor[][] = source === 'paid' ? [[], ['start'], ['pay']] : [[], ['start']];
  const out: RateFactor[][] = [];
  for (const tier of tiers)
    for (const context of [[], ['technician'], ['jobType']] as RateFactor[][])
      for (const member of [[], ['member']] as RateFactor[][]) out.push([...tier, ...context, ...member]);
  return out.sort((a, b) => a.length - b.length);
}

function cellOf(segment: TimeSegment, clock: LocalClock, holidays: HolidayPolicy): Described['cell'] {
  if (segment.start === null) return null;
  const local = clock.at(segment.start);
  return { day: dayClassOf(local, holidays), hour: local.hour };
}

/**
 * Which federal holidays the shop bills differently from an ordinary day of the same kind at the
 * same hour: each holiday's past visits (on jobs billed on one labor SKU) vote against the SKU
 * ordinary days got in that cell.
 */
export function learnHolidays(jobs: LaborJob[], clock: LocalClock): HolidayPolicy {
  const seen: { member: boolean; local: LocalStart; sku: number }[] = [];
  for (const job of jobs) {
    if (job.billed.size !== 1) continue;
    const sku = [...job.billed.keys()][0]!;
    const segments = SOURCES.map((s) => segmentsOf(job.time, s, clock)).find((x) => x.length) ?? [];
    for (const seg of segments)
      if (seg.start !== null) seen.push({ member: job.member, local: clock.at(seg.start), sku });
  }
  const ordinary = new Map<string, Map<number, number>>();
  const key = (member: boolean, weekday: string, hour: number) => `${member ? 1 : 0}|${weekday}|${hour}`;
  for (const x of seen)
    if (!x.local.holiday) bump(ordinary, key(x.member, x.local.weekday, x.local.hour), x.sku);
  const votes = new Map<string, number>();
  for (const x of seen) {
    if (!x.local.holiday) continue;
    const around = new Map<number, number>();
    for (let h = x.local.hour - 1; h <= x.local.hour + 1; h += 1)
      for (const [sku, n] of ordinary.get(key(x.member, x.local.weekday, h)) ?? [])
        around.set(sku, (around.get(sku) ?? 0) + n);
    const usual = majority(around);
    if (!usual || usual.total < MIN_CELL) continue;
    votes.set(x.local.holiday, (votes.get(x.local.holiday) ?? 0) + (usual.sku === x.sku ? -1 : 1));
  }
  return { observed: Object.fromEntries([...votes].filter(([, v]) => v !== 0).map(([h, v]) => [h, v > 0])) };
}

interface Prepared {
  job: LaborJob;
  segments: TimeSegment[];
  described: Described[];
  lead: number | null;
}

function prepare(
  jobs: LaborJob[],
  source: TimeSource,
  clock: LocalClock,
  holidays: HolidayPolicy,
): Prepared[] {
  return jobs.map((job) => {
    const segments = segmentsOf(job.time, source, clock);
    return {
      job,
      segments,
      described: segments.map((segment) => ({
        segment,
        member: job.member,
        jobTypeId: job.jobTypeId,
        cell: cellOf(segment, clock, holidays),
      })),
      lead: leadTechnician(job.time),
    };
  });
}

/** Labels of each stretch of time: the job's SKU, or for a job billed on several, the best fit. */
function labelSegments(
  prepared: Prepared[],
  factors: RateFactor[],
): ({ d: Described; sku: number }[] | null)[] {
  const single = prepared.map((p) =>
    p.job.billed.size === 1 && p.segments.length
      ? p.described.map((d) => ({ d, sku: [...p.job.billed.keys()][0]! }))
      : null,
  );
  const prior = new RateModel(factors);
  prior.count(single.flatMap((l) => l ?? []));
  prior.learnTranslation(single.flatMap((l) => l ?? []));
  return prepared.map((p, i) => {
    if (single[i]) return single[i];
    const skus = [...p.job.billed.keys()];
    const n = p.segments.length;
    if (!n || skus.length < 2 || skus.length ** n > MAX_ASSIGNMENTS) return null;
    // What the single-SKU jobs say of each stretch, and how specifically (its own context's
    // cell counts more than a backed-off guess).
    const guesses = p.described.map((d) => prior.predict(d));
    let best: { cost: number; fit: number; assignment: number[] } | null = null;
    const assignment = new Array<number>(n).fill(0);
    for (let code = 0; code < skus.length ** n; code += 1) {
      let rest = code;
      for (let k = 0; k < n; k += 1) {
        assignment[k] = rest % skus.length;
        rest = Math.floor(rest / skus.length);
      }
      const hours = new Array<number>(skus.length).fill(0);
      const used = new Array<boolean>(skus.length).fill(false);
      for (let k = 0; k < n; k += 1) {
        hours[assignment[k]!]! += p.segments[k]!.hours;
        used[assignment[k]!] = true;
      }
      if (n >= skus.length && used.some((u) => !u)) continue;
      let cost = 0;
      skus.forEach((sku, s) => {
        cost += Math.abs(hours[s]! - p.job.billed.get(sku)!);
      });
      let fit = 0;
      assignment.forEach((a, k) => {
        const guess = guesses[k];
        if (guess && skus[a] === guess.sku) fit += 1 / (1 + guess.level);
      });
      if (!best || cost < best.cost - 0.01 || (Math.abs(cost - best.cost) <= 0.01 && fit > best.fit + 1e-9))
        best = { cost, fit, assignment: [...assignment] };
    }
    return best ? p.described.map((d, k) => ({ d, sku: skus[best!.assignment[k]!]! })) : null;
  });
}

interface RateFit {
  factors: RateFactor[];
  model: RateModel;
  /** Per job, per stretch: the SKU predicted with the job itself left out. */
  predictions: (number | null)[][];
  skuAgreement: number;
}

function fitRates(prepared: Prepared[], factors: RateFactor[]): RateFit {
  const labels = labelSegments(prepared, factors);
  const model = new RateModel(factors);
  const all = labels.flatMap((l) => l ?? []);
  model.count(all);
  model.learnTranslation(all);
  let agree = 0;
  const predictions = prepared.map((p, i) => {
    const own = labels[i] ? model.count(labels[i]!, new Map()) : null;
    const predicted = p.described.map((d) => model.predict(d, own)?.sku ?? null);
    const set = new Set(predicted.filter((x): x is number => x !== null));
    if (set.size === p.job.billed.size && [...set].every((s) => p.job.billed.has(s))) agree += 1;
    return predicted;
  });
  return { factors, model, predictions, skuAgreement: prepared.length ? agree / prepared.length : 0 };
}

export interface LearnOptions {
  timezone: string;
  pricing: TenantSettings['pricing'];
}

/** The settings-driven behaviour expressed as a convention (for comparison and fallback). */
export function settingsConvention(pricing: TenantSettings['pricing']): LaborConvention {
  return {
    source: 'paid',
    grouping: 'job-technician',
    technicians: 'all',
    increment: pricing.laborIncrementHours,
    rounding: 'up',
    minimum: pricing.laborMinimumHours,
    minimumPer: 'group',
    rateBy: ['pay', 'technician'],
  };
}

function pinnedHours(pricing: TenantSettings['pricing']): HoursConvention | null {
  const p = pricing.laborPinned;
  if (pricing.laborConvention !== 'pinned' || !p) return null;
  return {
    source: p.source,
    grouping: p.grouping,
    technicians: p.technicians,
    increment: pricing.laborIncrementHours,
    rounding: p.rounding,
    minimum: pricing.laborMinimumHours,
    minimumPer: p.minimumPer,
  };
}

/**
 * The convention that reproduces the most past labor lines (marked untrusted when even it does
 * not reproduce them well), or null when history is too thin to say. Pure: `jobs` are past
 * time-and-materials jobs with recorded time and their billed labor hours.
 */
export function learnLaborConvention(jobs: LaborJob[], options: LearnOptions): LearnedLabor | null {
  const usable = jobs.filter(
    (j) => j.billed.size > 0 && (j.time.onSite.length > 0 || j.time.paid.length > 0),
  );
  if (usable.length < MIN_LABOR_SUPPORT) return null;
  const clock = new LocalClock(options.timezone);
  const holidays = learnHolidays(usable, clock);
  const pinned = pinnedHours(options.pricing);
  const fixedRate =
    options.pricing.laborConvention === 'pinned' ? options.pricing.laborPinned?.rateBy : undefined;
  const increments = [
    options.pricing.laborIncrementHours,
    ...INCREMENTS.filter((x) => x !== options.pricing.laborIncrementHours),
  ];
  const minima = [
    options.pricing.laborMinimumHours,
    ...MINIMA.filter((x) => x !== options.pricing.laborMinimumHours),
  ];
  const multiTech = usable.some(
    (j) => new Set([...j.time.onSite, ...j.time.paid].map((s) => s.technicianId)).size > 1,
  );

  let best: {
    convention: LaborConvention;
    agree: number;
    hoursAgree: number;
    fit: RateFit;
  } | null = null;
  let settingsAgree = 0;
  const bySource = new Map<TimeSource, { convention: LaborConvention; agree: number; fit: RateFit }>();
  const reference = settingsConvention(options.pricing);
  for (const source of pinned ? [pinned.source] : SOURCES) {
    const prepared = prepare(usable, source, clock, holidays);
    if (!prepared.some((p) => p.segments.length)) continue;
    const fits = (fixedRate ? [fixedRate] : rateCandidates(source)).map((f) => fitRates(prepared, f));
    const fit = fits.reduce((a, b) => (b.skuAgreement > a.skuAgreement ? b : a));
    if (source === reference.source) {
      const legacy = fits.find((f) => f.factors.join() === reference.rateBy.join()) ?? fit;
      settingsAgree = scoreHours(prepared, legacy.predictions, reference).agree / prepared.length;
    }
    for (const grouping of pinned ? [pinned.grouping] : GROUPINGS)
      for (const technicians of pinned
        ? [pinned.technicians]
        : multiTech
          ? (['all', 'lead'] as const)
          : (['all'] as const)) {
        const groups = prepared.map((p, i) =>
          groupsOf(p.segments, fit.predictions[i]!, grouping, technicians === 'lead' ? p.lead : null),
        );
        for (const increment of pinned ? [pinned.increment] : increments)
          for (const rounding of pinned ? [pinned.rounding] : (['up', 'nearest'] as const))
            for (const minimum of pinned ? [pinned.minimum] : minima)
              for (const minimumPer of pinned ? [pinned.minimumPer] : (['group', 'job'] as const)) {
                const c = { increment, rounding, minimum, minimumPer };
                let agree = 0;
                let hoursAgree = 0;
                prepared.forEach((p, i) => {
                  const q = quantitiesOf(groups[i]!, c);
                  if (sameQuantities(q, p.job.billed)) agree += 1;
                  if (Math.abs(total(q) - total(p.job.billed)) < 0.005) hoursAgree += 1;
                });
                const convention = { source, grouping, technicians, ...c, rateBy: fit.factors };
                if (!best || agree > best.agree || (agree === best.agree && hoursAgree > best.hoursAgree))
                  best = { convention, agree, hoursAgree, fit };
                if (agree > (bySource.get(source)?.agree ?? -1))
                  bySource.set(source, { convention, agree, fit });
              }
      }
  }
  if (!best) return null;
  const n = usable.length;
  const chosen = best.convention.source;
  const alternatives = [...bySource.values()]
    .filter((b) => b.convention.source !== chosen && b.agree > 0)
    .sort((a, b) => b.agree - a.agree)
    .map((b) => ({ convention: b.convention, agreement: b.agree / n, rates: b.fit.model }));
  return {
    alternatives,
    convention: best.convention,
    origin: pinned ? 'pinned' : 'learned',
    agreement: best.agree / n,
    support: n,
    hoursAgreement: best.hoursAgree / n,
    skuAgreement: best.fit.skuAgreement,
    settingsAgreement: settingsAgree,
    trusted: pinned !== null || wilsonLowerBound(best.agree, n) >= MIN_LABOR_AGREEMENT,
    rates: best.fit.model,
    holidays,
  };
}

function scoreHours(prepared: Prepared[], predictions: (number | null)[][], c: HoursConvention) {
  let agree = 0;
  prepared.forEach((p, i) => {
    const groups = groupsOf(
      p.segments,
      predictions[i]!,
      c.grouping,
      c.technicians === 'lead' ? p.lead : null,
    );
    if (sameQuantities(quantitiesOf(groups, c), p.job.billed)) agree += 1;
  });
  return { agree };
}

/** The current job's labor lines under a learned (or pinned) convention. */
export function applyLaborConvention(
  learned: LearnedLabor,
  job: Omit<LaborJob, 'billed'>,
  timezone: string,
): {
  quantities: LaborQuantity[];
  source: TimeSource;
  convention: LaborConvention;
  agreement: number;
} | null {
  const clock = new LocalClock(timezone);
  // The convention's own source; while the job has no record there, the best convention learned
  // on a source it has; else the convention's rates over any source with a record.
  const tries = [
    { convention: learned.convention, agreement: learned.agreement, rates: learned.rates },
    ...(learned.alternatives ?? []),
    ...SOURCES.filter((s) => s !== learned.convention.source).map((source) => ({
      convention: { ...learned.convention, source },
      agreement: learned.agreement,
      rates: learned.rates,
    })),
  ];
  for (const { convention, agreement, rates } of tries) {
    const segments = segmentsOf(job.time, convention.source, clock);
    if (!segments.length) continue;
    const skus = segments.map(
      (segment) =>
        rates.predict({
          segment,
          member: job.member,
          jobTypeId: job.jobTypeId,
          cell: cellOf(segment, clock, learned.holidays),
        })?.sku ?? null,
    );
    const lead = convention.technicians === 'lead' ? leadTechnician(job.time) : null;
    const groups = groupsOf(segments, skus, convention.grouping, lead);
    const quantities = quantitiesOf(groups, convention);
    return {
      source: convention.source,
      convention,
      agreement,
      quantities: [...quantities].map(([skuId, hours]) => ({
        skuId,
        hours,
        technicianIds: [...new Set(groups.filter((g) => g.sku === skuId).flatMap((g) => g.technicianIds))],
      })),
    };
  }
  return null;
}

// ---- from the history model ---------------------------------------------------------------------

/** A past job's record, with the recorded time the history events carry (when they do). */
type TimedRecord = JobRecord & { time?: LaborTime | null };

/** Past time-and-materials jobs with recorded time (the model holds only jobs before its cutoff). */
export function laborJobsOf(model: HistoryModel, hourly: Set<number>): LaborJob[] {
  const out: LaborJob[] = [];
  for (const record of model.records.values()) {
    const r = record as TimedRecord;
    if (!Number.isFinite(r.completedAt) || !r.time) continue;
    const billed = new Map<number, number>();
    for (const side of [r.technician, r.office])
      for (const [sku, q] of side) if (hourly.has(sku)) billed.set(sku, (billed.get(sku) ?? 0) + q);
    for (const [sku, q] of billed) if (q <= 0) billed.delete(sku);
    if (!billed.size) continue;
    const jt = r.features.find((f) => /^jt:\d+$/.test(f));
    out.push({
      jobId: r.jobId,
      member: r.features.includes('mem'),
      jobTypeId: jt ? Number(jt.slice(3)) : null,
      time: r.time,
      billed,
    });
  }
  return out;
}

/** The tenant's labor convention as of the model, learned once per model version. */
export function laborConventionOf(
  model: HistoryModel,
  hourly: Set<number>,
  options: LearnOptions,
): LearnedLabor | null {
  const p = options.pricing;
  const key = [
    'labor-convention',
    options.timezone,
    p.laborConvention,
    p.laborIncrementHours,
    p.laborMinimumHours,
    JSON.stringify(p.laborPinned ?? null),
    [...hourly].sort((a, b) => a - b).join(','),
  ].join('|');
  return model.memo(key, () => learnLaborConvention(laborJobsOf(model, hourly), options));
}

/** What past jobs did when the technician had already put labor on the invoice. */
export function laborTopUpOf(model: HistoryModel, hourly: Set<number>): { rate: number; jobs: number } {
  return model.memo(`labor-top-up|${[...hourly].sort((a, b) => a - b).join(',')}`, () => {
    let jobs = 0;
    let topped = 0;
    for (const r of model.records.values()) {
      if (![...r.technician.keys()].some((s) => hourly.has(s))) continue;
      jobs += 1;
      if ([...r.office.keys()].some((s) => hourly.has(s))) topped += 1;
    }
    return { rate: jobs ? topped / jobs : 0, jobs };
  });
}

/** Of past jobs with a feature, how many were billed any hourly labor. */
export function laborShareOf(
  model: HistoryModel,
  hourly: Set<number>,
  feature: string,
): { rate: number; jobs: number } {
  // Every feature's counts in one pass over the past jobs, kept per model version.
  const byFeature = model.memo(`labor-share|${[...hourly].sort((a, b) => a - b).join(',')}`, () => {
    const counts = new Map<string, { jobs: number; tm: number }>();
    for (const r of model.records.values()) {
      if (!Number.isFinite(r.completedAt)) continue;
      const tm = [...r.technician.keys(), ...r.office.keys()].some((s) => hourly.has(s)) ? 1 : 0;
      for (const f of new Set(r.features)) {
        const c = counts.get(f);
        if (c) {
          c.jobs += 1;
          c.tm += tm;
        } else counts.set(f, { jobs: 1, tm });
      }
    }
    return counts;
  });
  const c = byFeature.get(feature);
  return c ? { rate: c.tm / c.jobs, jobs: c.jobs } : { rate: 0, jobs: 0 };
}

// ---- words --------------------------------------------------------------------------------------

const SOURCE_WORDS: Record<TimeSource, string> = {
  onsite: 'on-site hours (timesheets)',
  'onsite-hourly': 'on-site hours (timesheets), each clock hour on its own rate',
  paid: 'paid hours (payroll)',
  scheduled: 'appointment windows',
};
const GROUPING_WORDS: Record<LaborGrouping, string> = {
  'visit-technician': 'per technician per visit',
  'job-technician': 'per technician per job',
  job: 'per job',
};
const FACTOR_WORDS: Record<RateFactor, string> = {
  start: 'visit start (weekday, evening, weekend, holiday)',
  pay: 'pay type',
  technician: 'technician',
  jobType: 'job type',
  member: 'membership',
};

export function describeLaborConvention(c: LaborConvention): string {
  const minimum =
    c.minimum > 0 ? `, ${c.minimum} h minimum ${c.minimumPer === 'job' ? 'per job' : 'each'}` : '';
  const who = c.technicians === 'lead' ? ' (lead technician only)' : '';
  const rate = c.rateBy.length ? `; labor SKU by ${c.rateBy.map((f) => FACTOR_WORDS[f]).join(' × ')}` : '';
  return `${SOURCE_WORDS[c.source]} ${GROUPING_WORDS[c.grouping]}${who}${minimum}, rounded ${c.rounding === 'up' ? 'up' : 'to the nearest'} ${c.increment} h${rate}`;
}

// ---- the shell's raw records → recorded time ---------------------------------------------------

/** Paid time that is not billed labor: driving and travel between jobs. */
const NOT_ON_SITE = /driv|travel|commut|\bdrv\b/i;

/** Whether a gross pay item is working time (drive time is paid but not billed). */
export function isWorkingTime(p: { activity?: string | null; activityCode?: string | null }): boolean {
  return !NOT_ON_SITE.test(`${p.activity ?? ''} ${p.activityCode ?? ''}`);
}

export interface RawTime {
  appointments: { id: number; start?: string | null; end?: string | null }[];
  timesheets: {
    technicianId: number;
    appointmentId?: number | null;
    arrivedOn?: string | null;
    doneOn?: string | null;
    canceledOn?: string | null;
    active?: boolean | null;
  }[];
  payItems: {
    employeeId: number;
    paidDurationHours?: number | null;
    paidTimeType?: string | null;
    startedOn?: string | null;
    date?: string | null;
    activity?: string | null;
    activityCode?: string | null;
  }[];
}

function ms(iso: string | null | undefined): number | null {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t;
}

/** ServiceTitan appointments, job timesheets and gross pay items (of one job) as recorded time. */
export function laborTimeFrom(raw: RawTime): LaborTime {
  return {
    visits: raw.appointments.flatMap((a) => {
      const start = ms(a.start);
      return start === null ? [] : [{ id: a.id, start, end: ms(a.end) }];
    }),
    onSite: raw.timesheets.flatMap((t) => {
      const arrived = ms(t.arrivedOn);
      const done = ms(t.doneOn);
      if (t.active === false || t.canceledOn || arrived === null || done === null || done <= arrived)
        return [];
      return [{ technicianId: t.technicianId, visitId: t.appointmentId ?? null, arrived, done }];
    }),
    paid: raw.payItems.flatMap((p) => {
      const hours = p.paidDurationHours ?? 0;
      // Drive time is paid but not billed: only time on site is labor on the invoice.
      if (hours <= 0 || !isWorkingTime(p)) return [];
      const type =
        p.paidTimeType === 'Overtime' || p.paidTimeType === 'DoubleOvertime' ? p.paidTimeType : 'Regular';
      return [{ technicianId: p.employeeId, hours, start: ms(p.startedOn) ?? ms(p.date), type }];
    }),
  };
}
