// When work happens: appointment slots (business hours, evenings, weekends by job class),
// visits, technician timesheets and the payroll rows they produce.
import { fromNumber, roundCents } from '@invoicer/core';
import type { GrossPayItem } from '@invoicer/servicetitan';
import type { JobTypeDef } from './org.ts';
import type { Tech } from './people.ts';
import type { Rng } from './rng.ts';
import {
  DAY,
  fromLocal,
  HOUR,
  isWorkday,
  MINUTE,
  overtimeSegments,
  stDate,
  stStamp,
  toLocal,
} from './time.ts';

/** Pick the appointment's local start on (or near) the given day, by job class. */
export function sampleSlot(rng: Rng, jt: JobTypeDef, dayUtc: number): number {
  const l = toLocal(dayUtc + 12 * HOUR);
  let { year, month, day } = l;
  const shift = (wantWorkday: boolean) => {
    for (let i = 0; i < 8; i++) {
      const probe = toLocal(fromLocal(year, month, day, 12));
      if (isWorkday(probe) === wantWorkday) return;
      day += 1;
    }
  };
  const at = (hour: number, minute = 0) => fromLocal(year, month, day, hour, minute);
  const cls = jt.cls;
  if (cls === 'maintenance' || cls === 'install' || cls === 'pm') {
    shift(true);
    return cls === 'install' ? at(rng.pick([7, 8, 8, 8])) : at(rng.pick([8, 10, 12, 14]));
  }
  const mode = rng.weighted(
    cls === 'emergency'
      ? ([
          ['late', 25],
          ['evening', 45],
          ['weekend', 30],
        ] as const)
      : cls === 'tm'
        ? ([
            ['day', 80],
            ['evening', 11],
            ['weekend', 9],
          ] as const)
        : ([
            ['day', 88],
            ['evening', 7],
            ['weekend', 5],
          ] as const),
  );
  if (mode === 'weekend') {
    shift(false);
    return cls === 'emergency'
      ? at(rng.int(7, 22), rng.pick([0, 15, 30, 45]))
      : at(rng.pick([8, 9, 10, 11, 13]));
  }
  shift(true);
  if (mode === 'evening') {
    return cls === 'emergency'
      ? at(rng.pick([17, 18, 19, 20, 21, 22, 23, 5, 6]), rng.pick([0, 10, 25, 40]))
      : cls === 'tm'
        ? at(rng.pick([6, 17, 18, 19]))
        : at(rng.pick([17, 17, 18, 19]));
  }
  if (mode === 'late') return at(rng.pick([15, 16]), rng.pick([0, 30]));
  return cls === 'tm' ? at(rng.pick([7, 8, 10, 13])) : at(rng.pick([8, 10, 12, 14, 15]));
}

export interface CrewTime {
  tech: Tech;
  dispatchedOn: number;
  arrivedOn: number;
  doneOn: number;
}

export interface Visit {
  windowStart: number;
  windowEnd: number;
  start: number;
  end: number;
  crew: CrewTime[];
}

/** Visits and on-site times. The lead's time drives the notes; everyone's drives labor. */
export function planVisits(
  rng: Rng,
  jt: JobTypeDef,
  firstSlot: number,
  visits: number,
  crew: Tech[],
  revisit: boolean,
): Visit[] {
  const out: Visit[] = [];
  let slot = firstSlot;
  for (let v = 0; v < visits; v++) {
    const window = jt.cls === 'install' || jt.cls === 'pm' ? 1 : jt.cls === 'emergency' ? 1 : 2;
    const hours =
      revisit && v === 0
        ? rng.float(0.6, 1.3)
        : jt.cls === 'install' && visits > 1
          ? rng.logNormal(jt.hours[0] * 0.75, 0.12)
          : rng.logNormal(jt.hours[0], jt.hours[1]);
    const onsite = Math.max(20 * MINUTE, Math.round(hours * 60) * MINUTE);
    const lateness = jt.cls === 'emergency' ? rng.int(25, 70) : rng.int(-10, window * 60 - 20);
    const arrive = slot + lateness * MINUTE + rng.int(0, 59) * 1000;
    const times: CrewTime[] = crew.map((tech, i) => {
      const arrivedOn = arrive + (i === 0 ? 0 : rng.int(-5, 20) * MINUTE);
      const drive = rng.int(12, 48) * MINUTE;
      const doneOn = arrive + onsite + (i === 0 ? 0 : rng.int(-30, 5) * MINUTE) + rng.int(0, 59) * 1000;
      return {
        tech,
        dispatchedOn: arrivedOn - drive,
        arrivedOn,
        doneOn: Math.max(doneOn, arrivedOn + 15 * MINUTE),
      };
    });
    out.push({
      windowStart: slot,
      windowEnd: slot + window * HOUR,
      start: slot,
      end: slot + Math.max(window * HOUR, Math.ceil(onsite / HOUR) * HOUR),
      crew: times,
    });
    // Next visit: next workday morning (installs, parts returns).
    const l = toLocal(slot);
    let next = fromLocal(l.year, l.month, l.day + 1, 8);
    for (let i = 0; i < 5 && !isWorkday(toLocal(next)); i++) next += DAY;
    slot = next + (revisit ? rng.int(0, 6) * HOUR : 0);
  }
  return out;
}

/** Payroll: one TimesheetTime row per activity (driving, working) and per regular/overtime stretch. */
export function grossPayRows(
  visits: readonly Visit[],
  ctx: {
    jobId: number;
    jobNumber: string;
    jobTypeName: string;
    invoiceId: number;
    customerId: number;
    locationId: number;
    buName: string;
  },
  nextId: () => number,
): GrossPayItem[] {
  const rows: GrossPayItem[] = [];
  for (const v of visits) {
    for (const c of v.crew) {
      for (const [activity, code, from, to] of [
        ['Driving', 'DRV', c.dispatchedOn, c.arrivedOn],
        ['Working', 'JOB', c.arrivedOn, c.doneOn],
      ] as const) {
        for (const seg of overtimeSegments(from, to)) {
          const hours = Math.round(((seg.end - seg.start) / HOUR) * 100) / 100;
          if (hours <= 0) continue;
          const rate = c.tech.hourlyRate * (seg.overtime ? 1.5 : 1);
          rows.push({
            id: nextId(),
            employeeId: c.tech.id,
            employeeType: 'Technician',
            businessUnitName: ctx.buName,
            payrollId: 7000 + Math.floor((seg.start - Date.UTC(2024, 0, 1)) / (7 * DAY)),
            date: stDate(seg.start),
            activity,
            activityCodeId: code === 'DRV' ? 31 : 32,
            activityCode: code,
            amount: roundCents(fromNumber(hours).times(fromNumber(rate))).toNumber(),
            amountAdjustment: 0,
            grossPayItemType: 'TimesheetTime',
            startedOn: stStamp(seg.start),
            endedOn: stStamp(seg.end),
            paidDurationHours: hours,
            paidTimeType: seg.overtime ? 'Overtime' : 'Regular',
            jobId: ctx.jobId,
            jobNumber: ctx.jobNumber,
            jobTypeName: ctx.jobTypeName,
            invoiceId: ctx.invoiceId,
            invoiceItemId: null,
            customerId: ctx.customerId,
            locationId: ctx.locationId,
            active: true,
            modifiedOn: stStamp(seg.end + 2 * HOUR),
          });
        }
      }
    }
  }
  return rows;
}

/** On-site regular and overtime ms per crew member, for T&M labor billing. */
export function onsiteByTech(visits: readonly Visit[]): Map<Tech, { regular: number; overtime: number }> {
  const out = new Map<Tech, { regular: number; overtime: number }>();
  for (const v of visits) {
    for (const c of v.crew) {
      const acc = out.get(c.tech) ?? { regular: 0, overtime: 0 };
      for (const seg of overtimeSegments(c.arrivedOn, c.doneOn)) {
        if (seg.overtime) acc.overtime += seg.end - seg.start;
        else acc.regular += seg.end - seg.start;
      }
      out.set(c.tech, acc);
    }
  }
  return out;
}
