// The reminder schedule (pure): each step is an offset in days from the due date, due at the
// opening of the reminder window (default 09:00) in the customer's zone on that local date.
// Steps whose time already passed when the schedule is planned are dropped, never sent late in
// a burst.
import { addDays, zonedInstant } from './local-time.ts';

export interface ReminderStep {
  /** Stable step name, part of the message ledger key: "d-3", "d0", "d+7". */
  step: string;
  offsetDays: number;
  dueAt: Date;
}

export function stepName(offsetDays: number): string {
  return offsetDays === 0 ? 'd0' : offsetDays < 0 ? `d${offsetDays}` : `d+${offsetDays}`;
}

export function reminderSchedule(input: {
  dueDate: string;
  offsetsDays: readonly number[];
  timeZone: string;
  /** Local time a reminder is due at (the reminder window's opening). */
  at: string;
  now: Date;
}): ReminderStep[] {
  const offsets = [...new Set(input.offsetsDays)].sort((a, b) => a - b);
  return offsets
    .map((offsetDays) => ({
      step: stepName(offsetDays),
      offsetDays,
      dueAt: zonedInstant(addDays(input.dueDate, offsetDays), input.at, input.timeZone),
    }))
    .filter((s) => s.dueAt.getTime() > input.now.getTime());
}
