import { describe, expect, it } from 'vitest';
import { HistoryModel } from '../history/model.ts';
import { settings } from '../test-fixtures.ts';
import type { LaborTime } from '../types.ts';
import {
  applyLaborConvention,
  describeLaborConvention,
  type LaborJob,
  laborShareOf,
  laborTimeFrom,
  learnLaborConvention,
  MIN_LABOR_SUPPORT,
  roundHours,
} from './labor-conventions.ts';

const TZ = 'America/Chicago';
const HOUR = 3_600_000;
const STD = 1;
const OT = 2;
const PREM = 3;
const AGR = 11;
const AGR_OT = 12;
const AGR_PREM = 13;

/** Deterministic pseudo-random numbers (mulberry32). */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(xs: T[]) => xs[Math.floor(next() * xs.length)]!,
  };
}

/** Chicago is UTC−6 in January and February 2025: a local date and hour as an instant. */
function local(date: string, hour: number, minute = 0): number {
  return Date.parse(`${date}T00:00:00Z`) + (hour + 6) * HOUR + minute * 60_000;
}

interface VisitSpec {
  start: number;
  /** Minutes on site per technician. */
  techs: { id: number; minutes: number }[];
}

/** Recorded time of a job: its visits, on-site spans, and paid hours (paid also covers set-up). */
function timeOf(visits: VisitSpec[], paidExtra: number[] = []): LaborTime {
  let extra = 0;
  return {
    visits: visits.map((v, i) => ({
      id: i + 1,
      start: v.start,
      end: v.start + Math.max(...v.techs.map((t) => t.minutes)) * 60_000,
    })),
    onSite: visits.flatMap((v, i) =>
      v.techs.map((t) => ({
        technicianId: t.id,
        visitId: i + 1,
        arrived: v.start,
        done: v.start + t.minutes * 60_000,
      })),
    ),
    paid: visits.flatMap((v) =>
      v.techs.map((t) => ({
        technicianId: t.id,
        hours: Math.round((t.minutes / 60 + (paidExtra[extra++] ?? 0)) * 100) / 100,
        start: v.start,
        type: 'Regular' as const,
      })),
    ),
  };
}

const WEEKDAYS = [
  '2025-01-06',
  '2025-01-07',
  '2025-01-08',
  '2025-01-09',
  '2025-01-10',
  '2025-01-13',
  '2025-01-14',
];

/** Random jobs on weekday mornings: one to three visits, one or two technicians each. */
function randomJobs(seed: number, count: number, o: { short?: boolean } = {}) {
  const r = rng(seed);
  return Array.from({ length: count }, (_, n) => {
    const visits: VisitSpec[] = Array.from({ length: r.int(1, 3) }, (_, k) => ({
      start: local(r.pick(WEEKDAYS), 8 + k * 2, r.pick([0, 15, 30])),
      techs: [4401, 4402]
        .slice(0, r.int(1, 2))
        .map((id) => ({ id, minutes: o.short && r.next() < 0.3 ? r.int(10, 40) : r.int(20, 300) })),
    }));
    const extras = visits.flatMap((v) => v.techs.map(() => r.int(1, 4) / 10));
    return { jobId: 1000 + n, visits, time: timeOf(visits, extras) };
  });
}

const up = (h: number, inc: number) => roundHours(h, inc, 'up');
const near = (h: number, inc: number) => roundHours(h, inc, 'nearest');
const pricing = settings().pricing;

function job(
  jobId: number,
  time: LaborTime,
  billed: [number, number][],
  o: { member?: boolean; jobTypeId?: number } = {},
): LaborJob {
  return { jobId, member: o.member ?? false, jobTypeId: o.jobTypeId ?? 10, time, billed: new Map(billed) };
}

describe('learnLaborConvention: hours', () => {
  it('recognises on-site hours per technician per visit with a one-hour minimum, rounded up to the quarter', () => {
    const jobs = randomJobs(1, 40).map((j) => {
      const hours = j.visits.flatMap((v) => v.techs.map((t) => Math.max(1, up(t.minutes / 60, 0.25))));
      return job(j.jobId, j.time, [[STD, hours.reduce((a, b) => a + b, 0)]]);
    });
    const learned = learnLaborConvention(jobs, { timezone: TZ, pricing })!;
    expect(learned.convention).toMatchObject({
      source: 'onsite',
      grouping: 'visit-technician',
      increment: 0.25,
      rounding: 'up',
      minimum: 1,
      minimumPer: 'group',
    });
    expect(learned).toMatchObject({ agreement: 1, support: 40, trusted: true, origin: 'learned' });
    // The settings' way (paid hours per technician per job) does not reproduce this shop.
    expect(learned.settingsAgreement).toBeLessThan(0.5);
    expect(describeLaborConvention(learned.convention)).toContain('per technician per visit');
  });

  it('recognises per-job totals rounded to the nearest half hour', () => {
    const jobs = randomJobs(2, 40, { short: true }).map((j) => {
      const total = j.visits.flatMap((v) => v.techs).reduce((s, t) => s + t.minutes / 60, 0);
      return { j, billed: near(total, 0.5) };
    });
    const learned = learnLaborConvention(
      jobs.filter((x) => x.billed > 0).map((x) => job(x.j.jobId, x.j.time, [[STD, x.billed]])),
      { timezone: TZ, pricing },
    )!;
    expect(learned.convention).toMatchObject({
      source: 'onsite',
      grouping: 'job',
      increment: 0.5,
      rounding: 'nearest',
    });
    expect(learned.convention.minimum).toBeLessThanOrEqual(0.5);
    expect(learned.agreement).toBe(1);
  });

  it('recognises paid hours (payroll) per technician per job', () => {
    const jobs = randomJobs(3, 40).map((j) => {
      const byTech = new Map<number, number>();
      for (const p of j.time.paid) byTech.set(p.technicianId, (byTech.get(p.technicianId) ?? 0) + p.hours);
      const hours = [...byTech.values()].map((h) => Math.max(1, up(h, 0.25)));
      return job(j.jobId, j.time, [[STD, hours.reduce((a, b) => a + b, 0)]]);
    });
    const learned = learnLaborConvention(jobs, { timezone: TZ, pricing })!;
    expect(learned.convention).toMatchObject({ source: 'paid', grouping: 'job-technician', increment: 0.25 });
    expect(learned.agreement).toBe(1);
  });

  it('recognises the lead technician’s time only', () => {
    const jobs = randomJobs(4, 40).map((j) => {
      const lead = j.time.onSite.slice().sort((a, b) => a.arrived - b.arrived)[0]!.technicianId;
      const hours = j.time.onSite
        .filter((s) => s.technicianId === lead)
        .reduce((s, x) => s + (x.done - x.arrived) / HOUR, 0);
      return job(j.jobId, j.time, [[STD, Math.max(1, up(hours, 0.5))]]);
    });
    const learned = learnLaborConvention(jobs, { timezone: TZ, pricing })!;
    expect(learned.convention).toMatchObject({ source: 'onsite', technicians: 'lead', increment: 0.5 });
    expect(learned.agreement).toBe(1);
  });

  it('says nothing on thin history, and does not trust a convention that reproduces little', () => {
    const jobs = randomJobs(5, 40).map((j) => {
      const total = j.visits.flatMap((v) => v.techs).reduce((s, t) => s + t.minutes / 60, 0);
      return { j, total };
    });
    const thin = jobs
      .slice(0, MIN_LABOR_SUPPORT - 1)
      .map((x) => job(x.j.jobId, x.j.time, [[STD, up(x.total, 0.25)]]));
    expect(learnLaborConvention(thin, { timezone: TZ, pricing })).toBeNull();
    // Hours billed with no relation to the time recorded.
    const r = rng(99);
    const noise = jobs.map((x) => job(x.j.jobId, x.j.time, [[STD, r.int(1, 40) / 4]]));
    const learned = learnLaborConvention(noise, { timezone: TZ, pricing })!;
    expect(learned.trusted).toBe(false);
    expect(learned.agreement).toBeLessThan(0.5);
  });

  it('uses a pinned convention (hours rules from the settings), still learning the labor SKU', () => {
    const jobs = randomJobs(6, 30).map((j) => {
      const total = j.visits.flatMap((v) => v.techs).reduce((s, t) => s + t.minutes / 60, 0);
      return job(j.jobId, j.time, [[STD, Math.max(2, up(total, 1))]]);
    });
    const pinned = settings({
      pricing: {
        laborConvention: 'pinned',
        laborIncrementHours: 1,
        laborMinimumHours: 2,
        laborPinned: { source: 'onsite', grouping: 'job' },
      },
    }).pricing;
    const learned = learnLaborConvention(jobs, { timezone: TZ, pricing: pinned })!;
    expect(learned).toMatchObject({ origin: 'pinned', trusted: true, agreement: 1 });
    expect(learned.convention).toMatchObject({ source: 'onsite', grouping: 'job', increment: 1, minimum: 2 });
  });
});

/** The tier a visit start falls in: Sunday and holidays premium, evenings and Saturday overtime. */
function tierOf(day: string, hour: number): 0 | 1 | 2 {
  const weekday = new Date(`${day}T12:00:00Z`).getUTCDay();
  if (weekday === 0 || day === '2025-01-20') return 2;
  if (weekday === 6 || hour < 7 || hour >= 17) return 1;
  return 0;
}

const SKUS = [
  [STD, OT, PREM],
  [AGR, AGR_OT, AGR_PREM],
];

/** Single-visit jobs at all times of the week; members on their own SKUs; MLK day is a holiday. */
function tieredJobs(seed: number, count: number): LaborJob[] {
  const r = rng(seed);
  const days = [
    ...WEEKDAYS,
    '2025-01-04',
    '2025-01-11',
    '2025-01-05',
    '2025-01-12',
    '2025-01-20',
    '2025-02-03',
    '2025-02-08',
    '2025-02-09',
  ];
  return Array.from({ length: count }, (_, n) => {
    const day = r.pick(days);
    const hour = r.pick([6, 8, 9, 10, 11, 13, 14, 15, 16, 17, 18, 19, 21]);
    const member = r.next() < 0.35;
    const minutes = r.int(30, 240);
    const time = timeOf([{ start: local(day, hour), techs: [{ id: r.pick([4401, 4402, 4403]), minutes }] }]);
    const sku = SKUS[member ? 1 : 0]![tierOf(day, hour)]!;
    return job(2000 + n, time, [[sku, Math.max(1, up(minutes / 60, 0.25))]], { member });
  });
}

function billedSku(
  learned: NonNullable<ReturnType<typeof learnLaborConvention>>,
  day: string,
  hour: number,
  member: boolean,
) {
  const time = timeOf([{ start: local(day, hour), techs: [{ id: 4401, minutes: 90 }] }]);
  const applied = applyLaborConvention(learned, { jobId: 1, member, jobTypeId: 10, time }, TZ)!;
  return applied.quantities.map((q) => [q.skuId, q.hours]);
}

describe('learnLaborConvention: which labor SKU', () => {
  it('learns the SKU from the visit start (weekday, evening, weekend, holiday) and membership', () => {
    const learned = learnLaborConvention(tieredJobs(7, 400), { timezone: TZ, pricing })!;
    expect(learned.convention.rateBy).toEqual(['start', 'member']);
    expect(learned.skuAgreement).toBeGreaterThan(0.95);
    expect(learned.holidays.observed.mlk).toBe(true);
    // Another year: a weekday morning, an evening, a Saturday, a Sunday, MLK day.
    expect(billedSku(learned, '2026-03-04', 10, false)).toEqual([[STD, 1.5]]);
    expect(billedSku(learned, '2026-03-04', 10, true)).toEqual([[AGR, 1.5]]);
    expect(billedSku(learned, '2026-03-04', 20, false)).toEqual([[OT, 1.5]]);
    expect(billedSku(learned, '2026-03-07', 10, true)).toEqual([[AGR_OT, 1.5]]);
    expect(billedSku(learned, '2026-03-08', 10, false)).toEqual([[PREM, 1.5]]);
    expect(billedSku(learned, '2026-01-19', 10, true)).toEqual([[AGR_PREM, 1.5]]);
  });

  it('puts a member back on their own SKUs in a cell only non-members were seen in', () => {
    // No member ever had an early-morning weekday visit.
    const jobs = tieredJobs(8, 400).filter((j) => {
      const hour = new Date(j.time.visits[0]!.start).getUTCHours() - 6;
      return !(j.member && hour < 7);
    });
    const learned = learnLaborConvention(jobs, { timezone: TZ, pricing })!;
    expect(billedSku(learned, '2026-03-04', 6, true)).toEqual([[AGR_OT, 1.5]]);
  });

  it('learns a helper rate and overtime by pay type, even for a helper never seen on overtime', () => {
    // Technicians 1 and 2 are journeymen (JR/JO), 3 and 4 helpers (HR/HO); overtime pay is
    // billed on the overtime SKU of the technician's rate. Helper 4 never worked overtime.
    const [JR, JO, HR, HO] = [21, 22, 23, 24];
    const r = rng(9);
    const jobs: LaborJob[] = [];
    for (let n = 0; n < 60; n += 1) {
      const lead = r.pick([1, 2]);
      const helper = n % 3 === 0 ? null : r.pick([3, 4]);
      const overtime = r.next() < 0.3;
      const time: LaborTime = {
        visits: [{ id: 1, start: local('2025-01-07', 9), end: null }],
        onSite: [],
        paid: [],
      };
      const billed = new Map<number, number>();
      for (const tech of helper ? [lead, helper] : [lead]) {
        const hours = r.int(4, 16) / 4;
        const ot = overtime && tech !== 4 ? r.int(1, 4) / 4 : 0;
        time.paid.push({ technicianId: tech, hours, start: local('2025-01-07', 9), type: 'Regular' });
        if (ot)
          time.paid.push({ technicianId: tech, hours: ot, start: local('2025-01-07', 17), type: 'Overtime' });
        const [reg, otSku] = tech <= 2 ? [JR, JO] : [HR, HO];
        billed.set(reg, (billed.get(reg) ?? 0) + hours);
        if (ot) billed.set(otSku, (billed.get(otSku) ?? 0) + ot);
      }
      jobs.push({ jobId: 3000 + n, member: false, jobTypeId: 10, time, billed });
    }
    const learned = learnLaborConvention(jobs, { timezone: TZ, pricing })!;
    expect(learned.convention.rateBy).toEqual(expect.arrayContaining(['pay', 'technician']));
    const time: LaborTime = {
      visits: [{ id: 1, start: local('2026-03-03', 9), end: null }],
      onSite: [],
      paid: [
        { technicianId: 1, hours: 2, start: local('2026-03-03', 9), type: 'Regular' },
        { technicianId: 1, hours: 0.5, start: local('2026-03-03', 17), type: 'Overtime' },
        { technicianId: 4, hours: 2, start: local('2026-03-03', 9), type: 'Regular' },
        { technicianId: 4, hours: 0.5, start: local('2026-03-03', 17), type: 'Overtime' },
      ],
    };
    const out = applyLaborConvention(learned, { jobId: 1, member: false, jobTypeId: 10, time }, TZ)!;
    expect(Object.fromEntries(out.quantities.map((q) => [q.skuId, q.hours]))).toEqual({
      [JR]: 2,
      [JO]: 0.5,
      [HR]: 2,
      [HO]: 0.5,
    });
  });
});

describe('laborTimeFrom', () => {
  it('keeps working time and on-site spans, not drive time or canceled timesheets', () => {
    const time = laborTimeFrom({
      appointments: [{ id: 7, start: '2025-01-07T15:00:00Z', end: '2025-01-07T17:00:00Z' }],
      timesheets: [
        {
          technicianId: 1,
          appointmentId: 7,
          arrivedOn: '2025-01-07T15:05:00Z',
          doneOn: '2025-01-07T16:35:00Z',
        },
        {
          technicianId: 2,
          appointmentId: 7,
          arrivedOn: '2025-01-07T15:05:00Z',
          doneOn: '2025-01-07T16:00:00Z',
          canceledOn: '2025-01-07T15:00:00Z',
        },
      ],
      payItems: [
        {
          employeeId: 1,
          paidDurationHours: 1.5,
          paidTimeType: 'Regular',
          activity: 'Working',
          startedOn: '2025-01-07T15:05:00Z',
        },
        {
          employeeId: 1,
          paidDurationHours: 0.4,
          paidTimeType: 'Overtime',
          activity: 'Driving',
          startedOn: '2025-01-07T14:40:00Z',
        },
      ],
    });
    expect(time.visits).toEqual([
      { id: 7, start: Date.parse('2025-01-07T15:00:00Z'), end: Date.parse('2025-01-07T17:00:00Z') },
    ]);
    expect(time.onSite).toHaveLength(1);
    expect(time.onSite[0]).toMatchObject({ technicianId: 1, visitId: 7 });
    expect(time.paid).toEqual([
      { technicianId: 1, hours: 1.5, start: Date.parse('2025-01-07T15:05:00Z'), type: 'Regular' },
    ]);
  });
});

describe('laborShareOf', () => {
  const HOURLY = 14;
  const job = (jobId: number, at: string, features: string[]) => ({
    jobId,
    completedOn: at,
    jobTypeId: 1,
    features,
    laborHours: 1,
  });
  const line = (jobId: number, skuId: number, at: string, features: string[]) => ({
    jobId,
    skuId,
    quantity: 1,
    createdOn: at,
    officeAdded: false,
    features,
  });

  it('counts, per feature, the past jobs billed hourly labor, and follows the model as it grows', () => {
    const model = new HistoryModel();
    const t = (h: number) => new Date(Date.UTC(2026, 0, 1, h)).toISOString();
    model.advance(
      Date.parse(t(10)),
      [job(1, t(1), ['jt:1', 'ct:C']), job(2, t(2), ['jt:1']), job(3, t(3), ['jt:2', 'ct:C'])],
      [
        line(1, HOURLY, t(1), ['jt:1', 'ct:C']),
        line(2, 300, t(2), ['jt:1']),
        line(3, HOURLY, t(3), ['jt:2', 'ct:C']),
      ],
    );
    const hourly = new Set([HOURLY]);
    expect(laborShareOf(model, hourly, 'jt:1')).toEqual({ rate: 0.5, jobs: 2 });
    expect(laborShareOf(model, hourly, 'ct:C')).toEqual({ rate: 1, jobs: 2 });
    expect(laborShareOf(model, hourly, 'jt:9')).toEqual({ rate: 0, jobs: 0 });
    model.advance(Date.parse(t(20)), [job(4, t(11), ['jt:1'])], [line(4, HOURLY, t(11), ['jt:1'])]);
    expect(laborShareOf(model, hourly, 'jt:1')).toEqual({ rate: 2 / 3, jobs: 3 });
  });
});

/** Single-technician visits billed regular before 17:00 and overtime after, on the clock. */
function splitAtFive(seed: number, count: number, payroll: boolean): LaborJob[] {
  const r = rng(seed);
  return Array.from({ length: count }, (_, n) => {
    const day = r.pick(WEEKDAYS);
    const start = local(day, r.pick([8, 10, 13, 14, 15, 16, 18, 19]), r.pick([0, 15, 40]));
    const minutes = r.int(45, 300);
    const end = start + minutes * 60_000;
    const five = local(day, 17);
    const regular = Math.max(0, Math.min(end, five) - start) / HOUR;
    const overtime = Math.max(0, end - Math.max(start, five)) / HOUR;
    const billed: [number, number][] = [];
    if (regular > 0) billed.push([STD, up(regular, 0.25)]);
    if (overtime > 0) billed.push([OT, up(overtime, 0.25)]);
    const time = timeOf([{ start, techs: [{ id: 4401, minutes }] }]);
    // Payroll pays the same stretches by type.
    time.paid = payroll
      ? [
          ...(regular > 0 ? [{ technicianId: 4401, hours: regular, start, type: 'Regular' as const }] : []),
          ...(overtime > 0
            ? [
                {
                  technicianId: 4401,
                  hours: overtime,
                  start: Math.max(start, five),
                  type: 'Overtime' as const,
                },
              ]
            : []),
        ]
      : [];
    return job(3000 + n, time, billed);
  });
}

describe('learnLaborConvention: each hour at its own rate', () => {
  it('bills a job without payroll yet by the best convention of a source it has', () => {
    const learned = learnLaborConvention(splitAtFive(12, 200, true), { timezone: TZ, pricing })!;
    expect(learned.convention.source).toBe('paid');
    expect(learned.alternatives?.[0]?.convention.source).toBe('onsite-hourly');
    // Done at 18:30 and not yet in payroll: its timesheet is all there is.
    const time = timeOf([{ start: local('2026-03-04', 15, 30), techs: [{ id: 4401, minutes: 180 }] }]);
    time.paid = [];
    const applied = applyLaborConvention(learned, { jobId: 1, member: false, jobTypeId: 10, time }, TZ)!;
    expect(applied.source).toBe('onsite-hourly');
    expect(applied.quantities.map((q) => [q.skuId, q.hours])).toEqual([
      [STD, 1.5],
      [OT, 1.5],
    ]);
  });

  it('splits a visit at 17:00 when the shop bills the evening part of it at overtime', () => {
    const jobs = splitAtFive(11, 200, false);
    const learned = learnLaborConvention(jobs, { timezone: TZ, pricing })!;
    expect(learned.convention).toMatchObject({ source: 'onsite-hourly', rateBy: ['start'], increment: 0.25 });
    expect(learned.agreement).toBeGreaterThan(0.95);
    expect(describeLaborConvention(learned.convention)).toContain('each clock hour on its own rate');
    // 15:30 to 18:30: an hour and a half either side of five.
    const time = timeOf([{ start: local('2026-03-04', 15, 30), techs: [{ id: 4401, minutes: 180 }] }]);
    const applied = applyLaborConvention(learned, { jobId: 1, member: false, jobTypeId: 10, time }, TZ)!;
    expect(applied.quantities.map((q) => [q.skuId, q.hours])).toEqual([
      [STD, 1.5],
      [OT, 1.5],
    ]);
  });
});
