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
  /** How many appointments (visits) the job had. */
  appointmentCount?: number;
  /** Price-book tags of the technician's SKUs (categories, labor), from skuTags(). */
  technicianSkuTags?: string[];
  /** Sum of the technician's Service lines, for "waived above $X" kinds of policy. */
  technicianServiceTotal?: number;
  /** Sum of everything the technician entered. */
  technicianTotal?: number;
  /** Tax zone of the job's location (permits and travel fees by city or zone). */
  taxZoneId?: number | null;
  /** City of the job's location: a permit goes by jurisdiction, and one city can span tax zones. */
  city?: string | null;
  /** Completed jobs at the same location before this one. */
  priorJobsAtLocation?: number;
  /** Days since the job this one recalls was completed (warranty windows). */
  recallDays?: number | null;
  /** The customer's tags and custom fields ("Discount Eligibility: Senior 65+"). */
  customerTagIds?: number[];
  customerFields?: { name: string; value: string }[];
  /** SKUs on the job's sold estimates, known at completion (evidence, issue 18). */
  soldEstimateSkuIds?: number[];
}

const slug = (text: string) => text.trim().toLowerCase().replace(/\s+/g, '_').slice(0, 40);

/** Learnable tags of a SKU: its price-book categories and whether it is hourly labor. */
export function skuTags(sku: { categoryNames: string[]; isLabor: boolean; kind: string }): string[] {
  return [
    ...sku.categoryNames.map((c) => `cat:${c.toLowerCase().replace(/\s+/g, '_')}`),
    ...(sku.isLabor ? ['labor'] : []),
    `kind:${sku.kind}`,
  ];
}

/** The technician's items as feature inputs: tags of their SKUs and their totals. */
export function technicianItemInputs(
  items: { skuId?: number | null; type: string; total: string | number }[],
  tagsOf: (skuId: number) => string[],
): Pick<FeatureInput, 'technicianSkuTags' | 'technicianServiceTotal' | 'technicianTotal'> {
  const amount = (x: string | number) => (typeof x === 'number' ? x : Number(x)) || 0;
  return {
    technicianSkuTags: [...new Set(items.flatMap((i) => (i.skuId != null ? tagsOf(i.skuId) : [])))],
    technicianServiceTotal: items
      .filter((i) => i.type === 'Service')
      .reduce((s, i) => s + amount(i.total), 0),
    technicianTotal: items.reduce((s, i) => s + amount(i.total), 0),
  };
}

// Ordinal encodings let a shallow tree learn a window ("before 8 or from 17 on") or a
// threshold ("repairs over $750") with one split per edge. The cut points are generic.
const HOUR_CUTS = [6, 7, 8, 9, 10, 15, 16, 17, 18, 19, 20];
const AMOUNT_CUTS = [100, 250, 500, 750, 1000, 1500, 2500, 5000];
const DAY_CUTS = [7, 14, 30, 60, 90, 180, 365];

function ordinal(prefix: string, value: number, cuts: number[]): string[] {
  return cuts.map((c) => (value < c ? `${prefix}<${c}` : `${prefix}>=${c}`));
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

/** One formatter per time zone and style: building an Intl.DateTimeFormat costs far more than using it. */
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(key: string, make: () => Intl.DateTimeFormat): Intl.DateTimeFormat {
  let f = formatters.get(key);
  if (!f) {
    f = make();
    formatters.set(key, f);
  }
  return f;
}

function localParts(iso: string, timezone: string): { minutes: number; weekday: number } | null {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return null;
  const parts = formatter(
    `parts|${timezone}`,
    () =>
      new Intl.DateTimeFormat('en-US', {
        timeZone: timezone,
        hour: 'numeric',
        minute: 'numeric',
        weekday: 'short',
        hourCycle: 'h23',
      }),
  ).formatToParts(date);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const weekday = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(get('weekday'));
  return { minutes: Number(get('hour')) * 60 + Number(get('minute')), weekday };
}

function firstStartLocal(
  starts: string[],
  timezone: string,
): { minutes: number; weekday: number; holiday: string | null; shifted: boolean } | null {
  const first = [...starts].sort()[0];
  if (!first) return null;
  const local = localParts(first, timezone);
  if (!local) return null;
  const date = formatter(
    `date|${timezone}`,
    () => new Intl.DateTimeFormat('en-CA', { timeZone: timezone }),
  ).format(new Date(first));
  const holiday = usFederalHolidays(Number(date.slice(0, 4))).has(date)
    ? holidayName(Number(date.slice(5, 7)), Number(date.slice(8, 10)))
    : null;
  const fixed = holiday === null ? undefined : FIXED_DATES[holiday];
  return { ...local, holiday, shifted: fixed !== undefined && fixed !== date.slice(5) };
}

/** Holidays on a fixed date, observed on the Friday or Monday beside it when it falls on a weekend. */
const FIXED_DATES: Record<string, string> = {
  'new-year': '01-01',
  juneteenth: '06-19',
  independence: '07-04',
  veterans: '11-11',
  christmas: '12-25',
};

/** Holidays most shops close on (billed as holidays unless a shop's history says otherwise). */
export const USUALLY_OBSERVED: ReadonlySet<string> = new Set([
  'new-year',
  'memorial',
  'independence',
  'labor',
  'thanksgiving',
  'christmas',
]);

/** Which federal holiday a date of usFederalHolidays is (observed dates stay in their month). */
export function holidayName(month: number, day: number): string {
  if ((month === 1 && day <= 2) || (month === 12 && day >= 31)) return 'new-year';
  if (month === 12) return 'christmas';
  if (month === 11) return day <= 14 ? 'veterans' : 'thanksgiving';
  return (
    {
      1: 'mlk',
      2: 'presidents',
      5: 'memorial',
      6: 'juneteenth',
      7: 'independence',
      9: 'labor',
      10: 'columbus',
    }[month] ?? `m${month}`
  );
}

/** US federal holidays (observed dates) of a year, as YYYY-MM-DD. */
export function usFederalHolidays(year: number): Set<string> {
  const iso = (m: number, d: number) => `${year}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  const weekday = (m: number, d: number) => new Date(Date.UTC(year, m - 1, d)).getUTCDay();
  const nth = (m: number, dow: number, n: number) => 1 + ((dow - weekday(m, 1) + 7) % 7) + 7 * (n - 1);
  const last = (m: number, dow: number) => {
    const days = new Date(Date.UTC(year, m, 0)).getUTCDate();
    return days - ((weekday(m, days) - dow + 7) % 7);
  };
  const observed = (m: number, d: number) => {
    const w = weekday(m, d);
    const date = new Date(Date.UTC(year, m - 1, d + (w === 6 ? -1 : w === 0 ? 1 : 0)));
    return date.toISOString().slice(0, 10);
  };
  return new Set([
    observed(1, 1),
    iso(1, nth(1, 1, 3)),
    iso(2, nth(2, 1, 3)),
    iso(5, last(5, 1)),
    observed(6, 19),
    observed(7, 4),
    iso(9, nth(9, 1, 1)),
    iso(10, nth(10, 1, 2)),
    observed(11, 11),
    iso(11, nth(11, 4, 4)),
    observed(12, 25),
  ]);
}

/** Minutes after midnight of an "HH:MM" time of day. */
export function toMinutes(hhmm: string): number {
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
  const local = firstStartLocal(input.appointmentStarts, hours.timezone);
  if (local) {
    for (const f of ordinal('h', local.minutes / 60, HOUR_CUTS)) features.add(f);
    features.add(`dow:${local.weekday}`);
    // Shops keep different holidays: the name lets a shop's history say which it bills as one,
    // and "hol:major" (one most shops close on) decides a holiday its history has not seen yet.
    // Whether a shop keeps the Friday or Monday a weekend holiday is observed on varies more:
    // "hol:shifted", and no prior.
    if (local.holiday) {
      features.add('holiday');
      features.add(`hol:${local.holiday}`);
      if (local.shifted) features.add('hol:shifted');
      else if (USUALLY_OBSERVED.has(local.holiday)) features.add('hol:major');
    }
  }
  if (input.appointmentCount !== undefined) {
    features.add(`appts:${Math.min(input.appointmentCount, 4)}`);
    if (input.appointmentCount >= 2) features.add('appts>=2');
  }
  if ((input.technicianIds?.length ?? 0) >= 2) features.add('techs>=2');
  for (const tag of input.technicianSkuTags ?? []) features.add(`t:${tag}`);
  if (input.technicianServiceTotal !== undefined)
    for (const f of ordinal('svc', input.technicianServiceTotal, AMOUNT_CUTS)) features.add(f);
  if (input.technicianTotal !== undefined)
    for (const f of ordinal('sub', input.technicianTotal, AMOUNT_CUTS)) features.add(f);
  if (input.taxZoneId !== undefined && input.taxZoneId !== null) features.add(`zone:${input.taxZoneId}`);
  if (input.city?.trim()) features.add(`city:${slug(input.city)}`);
  if (input.recall && input.recallDays !== undefined && input.recallDays !== null)
    for (const f of ordinal('recall', input.recallDays, DAY_CUTS)) features.add(f);
  if (!input.technicianItemTypes.length) features.add('items:none');
  for (const id of input.customerTagIds ?? []) features.add(`ctag:${id}`);
  for (const f of input.customerFields ?? []) {
    if (!f.value.trim()) continue;
    features.add(`cf:${slug(f.name)}`);
    features.add(`cf:${slug(f.name)}=${slug(f.value)}`);
  }
  if (input.priorJobsAtLocation !== undefined)
    features.add(input.priorJobsAtLocation > 0 ? 'prior:yes' : 'prior:no');
  if (input.businessUnitId !== null) features.add(`bu:${input.businessUnitId}`);
  const timing = afterHours(input.appointmentStarts, hours);
  if (timing.afterHours) features.add('ah');
  if (timing.weekend) features.add('we');
  if (input.membershipActive) features.add('mem');
  if (input.recall) features.add('recall');
  // Work was proposed or declined: often a diagnosis-only visit, billed differently.
  if (declined) features.add('declined');
  for (const id of input.technicianSkuIds) features.add(`s:${id}`);
  for (const id of input.soldEstimateSkuIds ?? []) features.add(`est:${id}`);
  for (const type of input.technicianItemTypes) features.add(`k:${type}`);
  for (const m of input.mentions) {
    const prefix = m.billable ? 'w' : 'd';
    for (const word of m.words) features.add(`${prefix}:${word}`);
  }
  return [...features];
}
