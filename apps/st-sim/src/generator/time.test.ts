import { describe, expect, it } from 'vitest';
import {
  addWorkdays,
  afterHoursKind,
  fromLocal,
  HOUR,
  localDateKey,
  nextOfficeMoment,
  overtimeSegments,
  stStamp,
  toLocal,
} from './time.ts';

describe('shop time (America/Chicago)', () => {
  it('applies US daylight saving rules', () => {
    expect(fromLocal(2026, 1, 15, 12)).toBe(Date.UTC(2026, 0, 15, 18)); // CST
    expect(fromLocal(2026, 7, 15, 12)).toBe(Date.UTC(2026, 6, 15, 17)); // CDT
    expect(fromLocal(2026, 3, 8, 12)).toBe(Date.UTC(2026, 2, 8, 17)); // DST began 2026-03-08
    expect(fromLocal(2025, 11, 2, 12)).toBe(Date.UTC(2025, 10, 2, 18)); // DST ended 2025-11-02
    expect(toLocal(Date.UTC(2026, 6, 15, 4, 30))).toMatchObject({ day: 14, hour: 23, minute: 30 });
  });

  it('classifies after-hours starts', () => {
    expect(afterHoursKind(fromLocal(2026, 3, 4, 16, 59))).toBeNull(); // Wednesday
    expect(afterHoursKind(fromLocal(2026, 3, 4, 17, 0))).toBe('evening');
    expect(afterHoursKind(fromLocal(2026, 3, 4, 6, 30))).toBe('evening');
    expect(afterHoursKind(fromLocal(2026, 3, 7, 10))).toBe('weekend'); // Saturday
    expect(afterHoursKind(fromLocal(2026, 7, 3, 10))).toBeNull(); // Friday before the 4th
    expect(afterHoursKind(fromLocal(2026, 11, 26, 10))).toBe('weekend'); // Thanksgiving
  });

  it('splits work at 17:00 into regular and overtime', () => {
    const segs = overtimeSegments(fromLocal(2026, 3, 4, 15, 30), fromLocal(2026, 3, 4, 18, 15));
    expect(segs.map((s) => [s.overtime, (s.end - s.start) / HOUR])).toEqual([
      [false, 1.5],
      [true, 1.25],
    ]);
  });

  it('moves office work to the next working morning', () => {
    const t = nextOfficeMoment(fromLocal(2026, 3, 6, 18)); // Friday evening
    expect(localDateKey(t)).toBe('2026-03-09');
    expect(toLocal(t).hour).toBe(8);
    expect(localDateKey(addWorkdays(fromLocal(2026, 3, 6, 9), 1))).toBe('2026-03-09');
  });

  it('writes 7 fractional digits that parse back to the same second', () => {
    const ms = Date.UTC(2025, 2, 4, 15, 13, 31);
    const s = stStamp(ms);
    expect(s).toMatch(/^2025-03-04T15:13:31\.\d{7}Z$/);
    expect(stStamp(ms)).toBe(s);
    expect(stStamp(ms + 939)).toMatch(/^2025-03-04T15:13:31\.939\d{4}Z$/);
  });
});
