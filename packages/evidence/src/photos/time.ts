// A wall-clock time in an IANA zone → the instant (UTC), with Intl only: guess the offset at the
// naive UTC instant, then correct once (exact outside the hour a clock change skips or repeats).
export function localToUtc(
  t: { y: number; mo: number; d: number; h: number; mi: number; s: number },
  timezone: string,
): Date {
  const naive = Date.UTC(t.y, t.mo - 1, t.d, t.h, t.mi, t.s);
  const first = naive - offsetMs(new Date(naive), timezone);
  return new Date(naive - offsetMs(new Date(first), timezone));
}

/** The zone's offset from UTC at an instant, in ms (Chicago in January: −6 h). */
export function offsetMs(at: Date, timezone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: timezone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return wall - Math.floor(at.getTime() / 1000) * 1000;
}
