// Time in the shop's zone (America/Chicago). US DST rules are applied directly rather than via
// Intl so output is identical on every machine regardless of its ICU data.
import { mix32 } from './rng.ts';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
export const TIMEZONE = 'America/Chicago';

export interface LocalTime {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  weekday: number; // 0 = Sunday
}

const dstCache = new Map<number, [number, number]>();

/** DST runs from the 2nd Sunday of March 02:00 CST to the 1st Sunday of November 02:00 CDT. */
function dstRange(year: number): [number, number] {
  let range = dstCache.get(year);
  if (!range) {
    const marchFirst = new Date(Date.UTC(year, 2, 1)).getUTCDay();
    const novFirst = new Date(Date.UTC(year, 10, 1)).getUTCDay();
    const secondSunday = 1 + ((7 - marchFirst) % 7) + 7;
    const firstSunday = 1 + ((7 - novFirst) % 7);
    range = [Date.UTC(year, 2, secondSunday, 8), Date.UTC(year, 10, firstSunday, 7)];
    dstCache.set(year, range);
  }
  return range;
}

export function offsetMs(utc: number): number {
  const [start, end] = dstRange(new Date(utc).getUTCFullYear());
  return utc >= start && utc < end ? -5 * HOUR : -6 * HOUR;
}

export function toLocal(utc: number): LocalTime {
  const d = new Date(utc + offsetMs(utc));
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    weekday: d.getUTCDay(),
  };
}

/** Wall-clock time in the shop's zone → UTC ms. */
export function fromLocal(year: number, month: number, day: number, hour = 0, minute = 0): number {
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  const asStandard = wall + 6 * HOUR;
  return offsetMs(asStandard) === -5 * HOUR ? wall + 5 * HOUR : asStandard;
}

export function localDateKey(utc: number): string {
  const l = toLocal(utc);
  return `${l.year}-${String(l.month).padStart(2, '0')}-${String(l.day).padStart(2, '0')}`;
}

function nthWeekday(year: number, month: number, weekday: number, n: number): number {
  const first = new Date(Date.UTC(year, month - 1, 1)).getUTCDay();
  return 1 + ((7 + weekday - first) % 7) + 7 * (n - 1);
}

function lastWeekday(year: number, month: number, weekday: number): number {
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const lastDow = new Date(Date.UTC(year, month - 1, days)).getUTCDay();
  return days - ((7 + lastDow - weekday) % 7);
}

/** Shop holidays: billed at the weekend/holiday premium, closed for office work. */
export function isHoliday(l: Pick<LocalTime, 'year' | 'month' | 'day'>): boolean {
  const { year, month, day } = l;
  if ((month === 1 && day === 1) || (month === 7 && day === 4) || (month === 12 && day === 25)) return true;
  if (month === 5 && day === lastWeekday(year, 5, 1)) return true;
  if (month === 9 && day === nthWeekday(year, 9, 1, 1)) return true;
  return month === 11 && day === nthWeekday(year, 11, 4, 4);
}

export function isWorkday(l: LocalTime): boolean {
  return l.weekday >= 1 && l.weekday <= 5 && !isHoliday(l);
}

export type AfterHoursKind = 'evening' | 'weekend' | null;

/** Business hours are weekdays 07:00–17:00 local; weekends and holidays are 'weekend'. */
export function afterHoursKind(utc: number): AfterHoursKind {
  const l = toLocal(utc);
  if (!isWorkday(l)) return 'weekend';
  return l.hour < 7 || l.hour >= 17 ? 'evening' : null;
}

/** Split [start, end) at business-hours boundaries into regular and overtime segments. */
export function overtimeSegments(
  start: number,
  end: number,
): { start: number; end: number; overtime: boolean }[] {
  const out: { start: number; end: number; overtime: boolean }[] = [];
  let t = start;
  while (t < end) {
    const l = toLocal(t);
    const minuteOfDay = l.hour * 60 + l.minute;
    const boundary = [7 * 60, 17 * 60, 24 * 60].find((b) => b > minuteOfDay) ?? 24 * 60;
    const next = Math.min(end, t + (boundary - minuteOfDay) * MINUTE - (t % MINUTE));
    const stepEnd = Math.max(next, t + 1);
    const overtime = afterHoursKind(t) !== null;
    const last = out[out.length - 1];
    if (last && last.overtime === overtime && last.end === t) last.end = stepEnd;
    else out.push({ start: t, end: stepEnd, overtime });
    t = stepEnd;
  }
  return out;
}

/** The next moment the office is working (weekday 08:00–17:00), at or after `utc`. */
export function nextOfficeMoment(utc: number): number {
  let t = utc;
  for (let i = 0; i < 10; i++) {
    const l = toLocal(t);
    if (isWorkday(l) && l.hour >= 8 && l.hour < 17) return t;
    const startToday = fromLocal(l.year, l.month, l.day, 8);
    t = isWorkday(l) && l.hour < 8 ? startToday : fromLocal(l.year, l.month, l.day + 1, 8);
  }
  return t;
}

/** Add n workdays to a local date, returning the local 00:00 of that day as UTC. */
export function addWorkdays(utc: number, n: number): number {
  const l = toLocal(utc);
  let day = l.day;
  let left = n;
  let t = fromLocal(l.year, l.month, day);
  while (left > 0) {
    day += 1;
    t = fromLocal(l.year, l.month, day);
    if (isWorkday(toLocal(t + 12 * HOUR))) left -= 1;
  }
  return t;
}

/** ServiceTitan-style timestamp with 7 fractional digits, e.g. 2025-03-04T15:13:31.9393795Z. */
export function stStamp(ms: number): string {
  const iso = new Date(ms).toISOString();
  const h = mix32(Math.floor(ms / 1000) ^ Math.imul((ms % 1000) + 1, 0x27d4eb2d)) >>> 0;
  // Whole-second times (most of ours) get a sub-second fraction, as real records have;
  // the fraction stays below one second so ordering between distinct seconds is preserved.
  const frac =
    ms % 1000 === 0
      ? String(h % 10_000_000).padStart(7, '0')
      : `${iso.slice(20, 23)}${String(h % 10_000).padStart(4, '0')}`;
  return `${iso.slice(0, 20)}${frac}Z`;
}

/** Whole-second timestamp, as ServiceTitan writes appointment slots. */
export function stSlot(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

/** Local calendar date rendered as midnight UTC, the shape of invoiceDate/dueDate. */
export function stDate(utc: number): string {
  return `${localDateKey(utc)}T00:00:00Z`;
}
