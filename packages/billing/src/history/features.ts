// Job features for learning: the same function describes a past job when history is loaded
// and the current job when it is judged, using only what was known at completion (notes,
// appointments, the technician's items), never what the office added later.
import type { Mention } from '../text/mentions.ts';

export interface WorkingHours {
  timezone: string;
  start: string;
  end: string;
  weekends: boolean;
}

export interface FeatureInput {
  jobTypeId: number | null;
  businessUnitId: number | null;
  appointmentStarts: string[];
  technicianSkuIds: number[];
  technicianItemTypes: string[];
  membershipActive: boolean;
  mentions: Mention[];
}

function localParts(iso: string, timezone: string): { minutes: number; weekday: number } | null {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return null;
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: timezone,
    hour: 'numeric',
    minute: 'numeric',
    weekday: 'short',
    hourCycle: 'h23',
  }).formatToParts(date);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const weekday = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(get('weekday'));
  return { minutes: Number(get('hour')) * 60 + Number(get('minute')), weekday };
}

function toMinutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

/** Whether an appointment started outside working hours, and whether on a weekend. */
export function afterHours(
  starts: string[],
  hours: WorkingHours,
): { afterHours: boolean; weekend: boolean; evidence: string | null } {
  for (const start of starts) {
    const local = localParts(start, hours.timezone);
    if (!local) continue;
    const weekend = hours.weekends && (local.weekday === 0 || local.weekday === 6);
    const outside = local.minutes < toMinutes(hours.start) || local.minutes >= toMinutes(hours.end);
    if (weekend || outside) {
      const when = new Date(start).toLocaleString('en-US', {
        timeZone: hours.timezone,
        weekday: 'short',
        hour: 'numeric',
        minute: '2-digit',
      });
      return { afterHours: outside, weekend, evidence: `appointment started ${when} (${hours.timezone})` };
    }
  }
  return { afterHours: false, weekend: false, evidence: null };
}

export function jobFeatures(input: FeatureInput, hours: WorkingHours): string[] {
  const features = new Set<string>();
  if (input.jobTypeId !== null) features.add(`jt:${input.jobTypeId}`);
  if (input.businessUnitId !== null) features.add(`bu:${input.businessUnitId}`);
  const timing = afterHours(input.appointmentStarts, hours);
  if (timing.afterHours) features.add('ah');
  if (timing.weekend) features.add('we');
  if (input.membershipActive) features.add('mem');
  for (const id of input.technicianSkuIds) features.add(`s:${id}`);
  for (const type of input.technicianItemTypes) features.add(`k:${type}`);
  for (const m of input.mentions) {
    const prefix = m.billable ? 'w' : 'd';
    for (const word of m.words) features.add(`${prefix}:${word}`);
  }
  return [...features];
}
