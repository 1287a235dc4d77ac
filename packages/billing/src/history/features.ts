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
  /** Residential, Commercial, … (ServiceTitan customer type), when known. */
  customerType: string | null;
  /** Technicians who worked the job (timesheets / gross pay). */
  technicianIds?: number[];
  /** A callback for earlier work. */
  recall?: boolean;
  mentions: Mention[];
}

/** Local hour and weekday of the first appointment's start, as learnable features. */
export function startFeatures(starts: string[], timezone: string): string[] {
  const first = [...starts].sort()[0];
  const local = first ? localParts(first, timezone) : null;
  if (!local) return [];
  return [
    `h:${Math.floor(local.minutes / 60)}`,
    local.weekday === 0 || local.weekday === 6 ? 'day:weekend' : 'day:weekday',
  ];
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

/**
 * "Jobs like this one" at decreasing precision: job type with membership, customer type and
 * whether work was declined, then dropping one dimension at a time. Pricing rules (trip charges
 * waived for members, dispatch fees for commercial accounts, diagnostic fees when the repair is
 * declined) live in these combinations; rules use the most precise key with enough history.
 */
export function contextKeys(
  jobTypeId: number,
  member: boolean,
  customerType: string | null,
  declined: boolean,
): string[] {
  const jt = `jt:${jobTypeId}`;
  const m = `m:${member ? 1 : 0}`;
  const ct = `ct:${customerType ?? 'na'}`;
  const d = `d:${declined ? 1 : 0}`;
  return [`${jt}&${m}&${ct}&${d}`, `${jt}&${m}&${ct}`, `${jt}&${m}&${d}`, `${jt}&${m}`, `${jt}&${ct}`];
}

export function jobFeatures(input: FeatureInput, hours: WorkingHours): string[] {
  const features = new Set<string>();
  const declined = input.mentions.some((m) => m.polarity === 'declined' || m.polarity === 'proposed');
  if (input.jobTypeId !== null) {
    features.add(`jt:${input.jobTypeId}`);
    for (const key of contextKeys(input.jobTypeId, input.membershipActive, input.customerType, declined))
      features.add(key);
  }
  if (input.customerType) features.add(`ct:${input.customerType}`);
  for (const id of input.technicianIds ?? []) features.add(`tech:${id}`);
  for (const f of startFeatures(input.appointmentStarts, hours.timezone)) features.add(f);
  if (input.businessUnitId !== null) features.add(`bu:${input.businessUnitId}`);
  const timing = afterHours(input.appointmentStarts, hours);
  if (timing.afterHours) features.add('ah');
  if (timing.weekend) features.add('we');
  if (input.membershipActive) features.add('mem');
  if (input.recall) features.add('recall');
  // Work was proposed or declined: often a diagnosis-only visit, billed differently.
  if (declined) features.add('declined');
  for (const id of input.technicianSkuIds) features.add(`s:${id}`);
  for (const type of input.technicianItemTypes) features.add(`k:${type}`);
  for (const m of input.mentions) {
    const prefix = m.billable ? 'w' : 'd';
    for (const word of m.words) features.add(`${prefix}:${word}`);
  }
  return [...features];
}
