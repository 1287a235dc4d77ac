// Technicians (with note-writing habits and sloppiness), office staff, customers, locations
// and memberships. Counts scale with the number of jobs so a 100k-job tenant looks like a
// large multi-crew shop rather than eight technicians working around the clock.
import { fromNumber, roundCents } from '@invoicer/core';
import type { Customer, Location, Membership, Technician } from '@invoicer/servicetitan';
import { type BuKey, bu, MEMBERSHIP_TYPES, TAG, TAX_ZONES, type TaxZoneDef, type Trade } from './org.ts';
import type { Rng } from './rng.ts';
import { DAY, stStamp } from './time.ts';
import { MISS_CATEGORIES, type MissCategory, type NoteStyle, type SloppinessProfile } from './types.ts';

export const FIRST = [
  'James',
  'Maria',
  'Robert',
  'Linda',
  'Michael',
  'Patricia',
  'David',
  'Jennifer',
  'William',
  'Elizabeth',
  'Carlos',
  'Susan',
  'Joseph',
  'Jessica',
  'Thomas',
  'Sarah',
  'Daniel',
  'Karen',
  'Matthew',
  'Nancy',
  'Anthony',
  'Lisa',
  'Mark',
  'Betty',
  'Luis',
  'Sandra',
  'Steven',
  'Ashley',
  'Andrew',
  'Dorothy',
  'Kevin',
  'Kimberly',
  'Brian',
  'Emily',
  'George',
  'Donna',
  'Edward',
  'Michelle',
  'Ronald',
  'Carol',
  'Jose',
  'Amanda',
  'Ryan',
  'Melissa',
  'Jacob',
  'Deborah',
  'Gary',
  'Stephanie',
  'Nicholas',
  'Rebecca',
  'Eric',
  'Laura',
  'Jonathan',
  'Sharon',
  'Juan',
  'Cynthia',
  'Tyler',
  'Kathleen',
  'Aaron',
  'Amy',
  'Hector',
  'Angela',
  'Terrence',
  'Priya',
  'Wei',
  'Aisha',
  'Dmitri',
  'Keisha',
  'Tuan',
  'Rosa',
];
export const LAST = [
  'Smith',
  'Johnson',
  'Williams',
  'Brown',
  'Jones',
  'Garcia',
  'Miller',
  'Davis',
  'Rodriguez',
  'Martinez',
  'Hernandez',
  'Lopez',
  'Gonzalez',
  'Wilson',
  'Anderson',
  'Thomas',
  'Taylor',
  'Moore',
  'Jackson',
  'Martin',
  'Lee',
  'Perez',
  'Thompson',
  'White',
  'Harris',
  'Sanchez',
  'Clark',
  'Ramirez',
  'Lewis',
  'Robinson',
  'Walker',
  'Young',
  'Allen',
  'King',
  'Wright',
  'Scott',
  'Torres',
  'Nguyen',
  'Hill',
  'Flores',
  'Green',
  'Adams',
  'Nelson',
  'Baker',
  'Hall',
  'Rivera',
  'Campbell',
  'Mitchell',
  'Carter',
  'Roberts',
  'Gomez',
  'Phillips',
  'Evans',
  'Turner',
  'Diaz',
  'Parker',
  'Cruz',
  'Edwards',
  'Collins',
  'Reyes',
  'Stewart',
  'Morris',
  'Morales',
  'Murphy',
  'Cook',
  'Rogers',
  'Gutierrez',
  'Ortiz',
  'Morgan',
  'Cooper',
  'Peterson',
  'Bailey',
  'Reed',
  'Kelly',
  'Howard',
  'Ramos',
  'Kim',
  'Cox',
  'Ward',
  'Richardson',
  'Watson',
  'Brooks',
  'Chavez',
  'Wood',
  'Bennett',
  'Gray',
  'Mendoza',
  'Ruiz',
  'Hughes',
  'Price',
  'Okafor',
  'Patel',
  'Novak',
  'Lindqvist',
];
const STREETS = [
  'Oak',
  'Maple',
  'Cedar',
  'Pecan',
  'Live Oak',
  'Mesquite',
  'Bluebonnet',
  'Hillcrest',
  'Ridgeview',
  'Sunset',
  'Meadow',
  'Willow',
  'Riverbend',
  'Canyon',
  'Prairie',
  'Magnolia',
  'Cypress',
  'Juniper',
  'Elm',
  'Walnut',
  'Sycamore',
  'Hackberry',
  'Lakeshore',
  'Stonegate',
  'Briarwood',
  'Fox Run',
  'Quail Hollow',
  'Deer Creek',
  'Mockingbird',
  'Cardinal',
  'Sage',
  'Laurel',
  'Chisholm',
  'Ranch',
  'Mill',
  'Falcon',
  'Heritage',
  'Brookside',
  'Timber',
  'Granite',
  'Limestone',
  'Creekside',
  'Wildflower',
  'Red Bud',
  'Dove',
  'Arbor',
  'Painted Sky',
  'Shady',
  'Old Mill',
  'Spanish Oak',
];
const SUFFIX = ['St', 'Dr', 'Ln', 'Ct', 'Trl', 'Way', 'Blvd', 'Cv', 'Rd', 'Pass', 'Loop', 'Pl'];

export interface Tech {
  id: number;
  userId: number;
  name: string;
  first: string;
  trade: Trade;
  commercial: boolean;
  apprentice: boolean;
  bu: BuKey;
  hourlyRate: number;
  burdenRate: number;
  profile: SloppinessProfile;
  missMultiplier: number;
  blindSpots: MissCategory[];
  style: NoteStyle;
  altStyle: NoteStyle;
  typoRate: number;
  numberWords: number;
  /** Chance the technician splits the job write-up over several notes. */
  splitNotes: number;
  createdOn: number;
}

export interface OfficeUser {
  id: number;
  name: string;
}

export interface Loc {
  id: number;
  customerId: number;
  name: string;
  street: string;
  unit: string | null;
  city: string;
  zip: string;
  lat: number;
  lng: number;
  zone: TaxZoneDef;
  taxExempt: boolean;
  tags: number[];
}

export type Segment = 'residential' | 'business' | 'exempt' | 'pm';

export interface Cust {
  id: number;
  name: string;
  segment: Segment;
  tags: number[];
  locations: Loc[];
  memberships: Mem[];
  email: string;
  createdOn: number;
}

export interface Mem {
  id: number;
  customerId: number;
  locationId: number;
  typeId: number;
  from: number;
  to: number;
  canceledOn: number | null;
  billing: 'Annual' | 'Monthly';
}

export function memberActiveAt(m: Mem, t: number): boolean {
  return t >= m.from && t < (m.canceledOn ?? m.to);
}

const PROFILES: readonly (readonly [SloppinessProfile, number])[] = [
  ['meticulous', 15],
  ['solid', 30],
  ['average', 30],
  ['sloppy', 15],
  ['rookie', 10],
];
const MULTIPLIER: Record<SloppinessProfile, number> = {
  meticulous: 0.3,
  solid: 0.6,
  average: 1,
  sloppy: 1.7,
  rookie: 1.35,
};
const STYLES: readonly (readonly [NoteStyle, number])[] = [
  ['terse', 32],
  ['sentences', 25],
  ['caps', 12],
  ['bullets', 16],
  ['narrative', 15],
];

export function makeTechnicians(rng: Rng, jobs: number, months: number, start: number): Tech[] {
  // About 70 jobs per technician-month, never fewer than a small shop's crew.
  const count = Math.max(12, Math.round(jobs / Math.max(1, months) / 70));
  const mix: readonly (readonly [[Trade, boolean], number])[] = [
    [['hvac', false], 40],
    [['plumbing', false], 26],
    [['electrical', false], 16],
    [['hvac', true], 11],
    [['plumbing', true], 7],
  ];
  const techs: Tech[] = [];
  const used = new Set<string>();
  for (let i = 0; i < count; i++) {
    // Guarantee every trade has a lead and an apprentice before drawing at random.
    const [trade, commercial] = i < mix.length ? mix[i]![0] : rng.weighted(mix);
    const apprentice = i >= mix.length && i < mix.length + 3 ? true : i >= mix.length + 3 && rng.chance(0.2);
    let first = rng.pick(FIRST);
    let last = rng.pick(LAST);
    for (let k = 0; k < 20 && used.has(`${first} ${last}`); k++) {
      first = rng.pick(FIRST);
      last = rng.pick(LAST);
    }
    used.add(`${first} ${last}`);
    const profile = apprentice ? 'rookie' : rng.weighted(PROFILES);
    const blindCount = profile === 'sloppy' ? rng.int(1, 2) : profile === 'meticulous' ? 0 : rng.int(0, 1);
    const style = rng.weighted(STYLES);
    const hourly = apprentice ? rng.int(18, 24) : rng.int(26, 46) + (commercial ? 4 : 0);
    techs.push({
      id: 4001 + i * 7,
      userId: 9001 + i * 3,
      name: `${first} ${last}`,
      first,
      trade,
      commercial,
      apprentice,
      bu: commercial ? 'commercial' : trade === 'hvac' ? 'hvac_service' : trade,
      hourlyRate: hourly,
      burdenRate: roundCents(fromNumber(hourly).times(fromNumber(rng.int(28, 40)).dividedBy(100))).toNumber(),
      profile,
      missMultiplier: MULTIPLIER[profile],
      blindSpots: rng.sample(MISS_CATEGORIES, blindCount),
      style,
      altStyle: rng.weighted(STYLES.filter(([s]) => s !== style)),
      typoRate: rng.chance(0.3) ? Math.round(rng.float(0.02, 0.09) * 1000) / 1000 : 0,
      numberWords: rng.chance(0.35) ? Math.round(rng.float(0.15, 0.6) * 100) / 100 : 0.03,
      splitNotes: Math.round(rng.float(0, 0.5) * 100) / 100,
      createdOn: start - rng.int(60, 2400) * DAY,
    });
  }
  return techs;
}

export function technicianRecords(techs: readonly Tech[]): Technician[] {
  return techs.map((t) => ({
    id: t.id,
    userId: t.userId,
    name: t.name,
    businessUnitId: bu(t.bu).id,
    email: `${t.name.toLowerCase().replace(/[^a-z]+/g, '.')}@brightwave.example.com`,
    phoneNumber: `512555${String(1000 + (t.id % 9000)).slice(-4)}`,
    burdenRate: t.burdenRate,
    hourlyRate: t.hourlyRate,
    positions: [t.apprentice ? 'Apprentice' : 'Technician'],
    skills: [t.trade === 'hvac' ? 'HVAC' : t.trade === 'plumbing' ? 'Plumbing' : 'Electrical'],
    active: true,
    createdOn: stStamp(t.createdOn),
    modifiedOn: stStamp(t.createdOn + 30 * DAY),
  }));
}

export const OFFICE: readonly OfficeUser[] = [
  { id: 26, name: 'Dana Whitfield' },
  { id: 31, name: 'Marcus Bell' },
  { id: 45, name: 'Tina Alvarez' },
  { id: 52, name: 'Office Admin' },
];

function address(rng: Rng, zone: TaxZoneDef) {
  const c = rng.pick(zone.cities);
  return {
    street: `${rng.int(100, 9899)} ${rng.pick(STREETS)} ${rng.pick(SUFFIX)}`,
    city: c.city,
    zip: c.zip,
    lat: Math.round((c.lat + rng.float(-0.06, 0.06)) * 1e6) / 1e6,
    lng: Math.round((c.lng + rng.float(-0.06, 0.06)) * 1e6) / 1e6,
  };
}

const BUSINESS_NAMES = [
  (r: Rng) => `${r.pick(LAST)} Family Dentistry`,
  (r: Rng) =>
    `${r.pick(['Lakeside', 'Hill Country', 'Riverbend', 'Oak Park', 'Summit'])} ${r.pick(['Veterinary Clinic', 'Pediatrics', 'Chiropractic', 'Physical Therapy'])}`,
  (r: Rng) =>
    `${r.pick(['Blue Agave', 'Smokehouse', 'Golden Wok', 'Casa', 'Hometown'])} ${r.pick(['Grill', 'Cafe', 'Kitchen', 'BBQ', 'Taqueria'])}`,
  (r: Rng) => `${r.pick(LAST)} & ${r.pick(LAST)} CPAs`,
  (r: Rng) => `${r.pick(['Iron', 'Peak', 'Anytime', 'CrossTown'])} Fitness`,
  (r: Rng) => `${r.pick(['Riverton', 'Cedar Bluff', 'Lakeview'])} Auto Care`,
  (r: Rng) => `${r.pick(['Fresh', 'Corner', 'Valley', 'Sunrise'])} Market #${r.int(2, 40)}`,
  (r: Rng) => `${r.pick(LAST)} Law Office`,
  (r: Rng) => `${r.pick(['Bright Start', 'Little Sprouts', 'Kiddie Academy'])} Daycare`,
  (r: Rng) => `${r.pick(['Oakwood', 'Stonegate', 'Parkside'])} Office Suites`,
];
const EXEMPT_NAMES = [
  (_r: Rng, city: string) => `First Baptist Church of ${city}`,
  (r: Rng) => `St. ${r.pick(['Mark', 'Joseph', 'Anne', 'Paul', 'Theresa'])} Catholic Church`,
  (r: Rng) => `${r.pick(['Grace', 'Hope', 'New Life', 'Cornerstone'])} Community Church`,
  (r: Rng, city: string) => `${city} ISD – ${r.pick(LAST)} Elementary`,
  (r: Rng, city: string) =>
    `City of ${city} – ${r.pick(['Public Works', 'Fire Station ' + r.int(1, 9), 'Library', 'Parks & Rec'])}`,
  (r: Rng) =>
    `${r.pick(['Habitat', 'Meals on Wheels', 'Boys & Girls Club'])} – ${r.pick(['Riverton', 'Cedar Bluff'])} Chapter`,
];
const PM_NAMES = [
  (r: Rng) => `${r.pick(['Summit', 'Keystone', 'Bluebonnet', 'Lone Star', 'Capstone'])} Property Management`,
  (r: Rng) => `${r.pick(LAST)} Realty & Property Mgmt`,
  (r: Rng) => `${r.pick(['Oak Hollow', 'Harbor', 'Westside'])} Residential Management LLC`,
];

export interface Roster {
  customers: Cust[];
  residential: Cust[];
  commercial: Cust[];
  pm: Cust[];
  members: Cust[];
}

export function makeCustomers(
  rng: Rng,
  jobs: number,
  start: number,
  asOf: number,
  ids: { crm: () => number; membership: () => number },
): Roster {
  const zonePick = () => rng.weighted(TAX_ZONES.map((z) => [z, z.weight] as const));
  const customers: Cust[] = [];
  const mkLoc = (c: Cust, name: string, exempt: boolean, tags: number[], unit: string | null = null): Loc => {
    const zone = zonePick();
    const a = address(rng, zone);
    const loc: Loc = { id: ids.crm(), customerId: c.id, name, ...a, unit, zone, taxExempt: exempt, tags };
    c.locations.push(loc);
    return loc;
  };
  const mkCust = (name: string, segment: Segment, tags: number[]): Cust => {
    const c: Cust = {
      id: ids.crm(),
      name,
      segment,
      tags,
      locations: [],
      memberships: [],
      email: '',
      createdOn: 0,
    };
    c.email = `${name
      .toLowerCase()
      .replace(/[^a-z]+/g, '.')
      .replace(/^\.|\.$/g, '')}@example.com`;
    customers.push(c);
    return c;
  };

  const residential: Cust[] = [];
  const nRes = Math.max(60, Math.round(jobs * 0.42));
  for (let i = 0; i < nRes; i++) {
    const last = rng.pick(LAST);
    const name = rng.chance(0.12)
      ? `${rng.pick(FIRST)} & ${rng.pick(FIRST)} ${last}`
      : `${rng.pick(FIRST)} ${last}`;
    const c = mkCust(name, 'residential', rng.chance(0.03) ? [TAG.vip] : []);
    mkLoc(c, name, false, []);
    if (rng.chance(0.05)) mkLoc(c, `${name} – Rental`, false, []);
    residential.push(c);
  }
  const commercial: Cust[] = [];
  const nCom = Math.max(16, Math.round(jobs * 0.03));
  for (let i = 0; i < nCom; i++) {
    const exempt = rng.chance(0.3);
    const zone = zonePick();
    const city = zone.cities[0]!.city;
    const name = exempt ? rng.pick(EXEMPT_NAMES)(rng, city) : rng.pick(BUSINESS_NAMES)(rng);
    const tags: number[] = [TAG.commercial, TAG.net30, ...(exempt ? [TAG.taxExempt] : [])];
    const c = mkCust(name, exempt ? 'exempt' : 'business', tags);
    const sites = rng.weighted([
      [1, 70],
      [2, 20],
      [3, 10],
    ] as const);
    for (let s = 0; s < sites; s++) mkLoc(c, sites === 1 ? name : `${name} – Site ${s + 1}`, exempt, []);
    commercial.push(c);
  }
  const pm: Cust[] = [];
  const nPm = Math.max(2, Math.round(jobs / 700));
  for (let i = 0; i < nPm; i++) {
    const name = rng.pick(PM_NAMES)(rng);
    const c = mkCust(name, 'pm', [TAG.propertyManagement, TAG.net30]);
    const units = rng.int(6, 30);
    for (let u = 0; u < units; u++) {
      const unit = rng.chance(0.5) ? `Unit ${rng.int(1, 24)}${rng.pick(['', 'A', 'B'])}` : null;
      mkLoc(c, `${name} – Rental ${u + 1}`, false, [TAG.propertyManagement], unit);
    }
    pm.push(c);
  }

  // Memberships: a quarter of homeowners, some canceled or lapsed, some renewed.
  const members: Cust[] = [];
  const yearMs = 365 * DAY;
  for (const c of residential) {
    if (!rng.chance(0.26)) continue;
    const loc = c.locations[0]!;
    let from = start + Math.round(rng.float(-330, (asOf - start) / DAY - 20)) * DAY;
    const typeId = rng.chance(0.7) ? MEMBERSHIP_TYPES[0].id : MEMBERSHIP_TYPES[1].id;
    const billing = rng.chance(0.6) ? 'Annual' : 'Monthly';
    for (let k = 0; k < 2; k++) {
      const to = from + yearMs;
      const cancelAt = rng.chance(0.1) ? from + rng.int(60, 300) * DAY : null;
      const canceledOn = cancelAt !== null && cancelAt < asOf ? cancelAt : null;
      c.memberships.push({
        id: ids.membership(),
        customerId: c.id,
        locationId: loc.id,
        typeId,
        from,
        to,
        canceledOn,
        billing,
      });
      if (canceledOn !== null || to >= asOf || !rng.chance(0.55)) break;
      from = to;
    }
    if (c.memberships.length) {
      c.tags.push(TAG.member);
      members.push(c);
    }
  }
  return { customers, residential, commercial, pm, members };
}

export function membershipStatus(m: Mem, asOf: number): 'Active' | 'Expired' | 'Canceled' {
  if (m.canceledOn !== null) return 'Canceled';
  return m.to <= asOf ? 'Expired' : 'Active';
}

export function customerRecords(customers: readonly Cust[], balances: Map<number, number>): Customer[] {
  return customers.map((c) => {
    const loc = c.locations[0]!;
    return {
      id: c.id,
      active: true,
      name: c.name,
      type: c.segment === 'residential' ? 'Residential' : 'Commercial',
      address: {
        street: loc.street,
        unit: loc.unit,
        city: loc.city,
        state: 'TX',
        zip: loc.zip,
        country: 'USA',
        latitude: loc.lat,
        longitude: loc.lng,
      },
      customFields: [],
      balance: balances.get(c.id) ?? 0,
      tagTypeIds: c.tags,
      doNotMail: false,
      doNotService: false,
      createdOn: stStamp(c.createdOn),
      createdById: 26,
      modifiedOn: stStamp(c.createdOn + DAY),
      mergedToId: null,
      externalData: null,
    };
  });
}

export function locationRecords(customers: readonly Cust[]): Location[] {
  return customers.flatMap((c) =>
    c.locations.map((l) => ({
      id: l.id,
      customerId: c.id,
      active: true,
      name: l.name,
      address: {
        street: l.street,
        unit: l.unit,
        city: l.city,
        state: 'TX',
        zip: l.zip,
        country: 'USA',
        latitude: l.lat,
        longitude: l.lng,
      },
      customFields: [],
      createdOn: stStamp(c.createdOn + 60_000),
      createdById: 26,
      modifiedOn: stStamp(c.createdOn + 120_000),
      mergedToId: null,
      zoneId: 900 + (TAX_ZONES.indexOf(l.zone) % 4) + 1,
      tagTypeIds: l.tags,
      taxZoneId: l.zone.id,
      taxExempt: l.taxExempt,
      externalData: null,
    })),
  );
}

export function membershipRecords(customers: readonly Cust[], asOf: number): Membership[] {
  return customers.flatMap((c) =>
    c.memberships.map((m) => {
      const status = membershipStatus(m, asOf);
      return {
        id: m.id,
        customerId: m.customerId,
        locationId: m.locationId,
        businessUnitId: bu('hvac_service').id,
        membershipTypeId: m.typeId,
        status,
        active: status === 'Active',
        from: stStamp(m.from),
        to: stStamp(m.to),
        cancellationDate: m.canceledOn === null ? null : stStamp(m.canceledOn),
        billingFrequency: m.billing,
        createdOn: stStamp(m.from - 2 * 3_600_000),
        modifiedOn: stStamp(m.canceledOn ?? m.from),
      };
    }),
  );
}
