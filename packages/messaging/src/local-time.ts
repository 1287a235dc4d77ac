// Wall-clock arithmetic in a recipient's IANA time zone, with Intl only. Quiet hours and
// reminder due times are local ("09:00 in Los Angeles"), so every comparison goes through here.

export interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  /** 0 = Sunday. */
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      weekday: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export function localParts(instant: Date, timeZone: string): LocalParts {
  const parts = Object.fromEntries(
    formatter(timeZone)
      .formatToParts(instant)
      .map((p) => [p.type, p.value]),
  );
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    weekday: WEEKDAYS.indexOf(String(parts.weekday)),
  };
}

/** "YYYY-MM-DD" of the instant in the zone. */
export function localDate(instant: Date, timeZone: string): string {
  const p = localParts(instant, timeZone);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

export function minutesOfDay(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

/**
 * The instant at which the zone's wall clock shows `date` `hhmm`. Like Temporal's "compatible"
 * rule: a time repeated by a DST fall-back is its first occurrence; a time skipped by a
 * spring-forward is shifted forward by the gap (02:30 → 03:30).
 */
export function zonedInstant(date: string, hhmm: string, timeZone: string): Date {
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  const wanted = Date.UTC(y, mo - 1, d) + minutesOfDay(hhmm) * 60_000;
  const shown = (t: number) => {
    const p = localParts(new Date(t), timeZone);
    return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute);
  };
  const offset = (t: number) => shown(t) - t;
  const candidates = [wanted - offset(wanted - 12 * 3600_000), wanted - offset(wanted + 12 * 3600_000)];
  const valid = candidates.filter((t) => shown(t) === wanted);
  return new Date(valid.length ? Math.min(...valid) : Math.max(...candidates));
}

/** `date` plus `days` calendar days (date strings, no zone involved). */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

export interface LocalWindow {
  start: string;
  end: string;
}

/** Whether the instant falls inside [start, end) of the zone's wall clock. */
export function insideWindow(instant: Date, timeZone: string, window: LocalWindow): boolean {
  const p = localParts(instant, timeZone);
  const minutes = p.hour * 60 + p.minute;
  return minutes >= minutesOfDay(window.start) && minutes < minutesOfDay(window.end);
}

/** The instant itself when inside the window, else the window's next opening. */
export function nextWindowOpening(instant: Date, timeZone: string, window: LocalWindow): Date {
  if (insideWindow(instant, timeZone, window)) return instant;
  const p = localParts(instant, timeZone);
  const today = localDate(instant, timeZone);
  const before = p.hour * 60 + p.minute < minutesOfDay(window.start);
  return zonedInstant(before ? today : addDays(today, 1), window.start, timeZone);
}
