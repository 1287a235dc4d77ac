// The shop's fixed setup: business units, job types, tags, tax zones, payment and membership
// types. Tax zones use synthetic place names and plausible (not real) rates.
import type { BusinessUnit, JobType, PaymentType, TaxZone } from '@invoicer/servicetitan';

export type Trade = 'hvac' | 'plumbing' | 'electrical';
export type BuKey = 'hvac_service' | 'hvac_install' | 'plumbing' | 'electrical' | 'commercial';
/** How the job is priced and which billing rules apply to it. */
export type JobClass = 'repair' | 'diagnostic' | 'maintenance' | 'install' | 'emergency' | 'tm' | 'pm';
/** Monthly demand shape: cooling peaks in summer, heating in winter, maintenance in spring/fall. */
export type Season = 'cooling' | 'heating' | 'shoulder' | 'flat';

export type JobTypeKey =
  | 'hvac_repair'
  | 'hvac_diag'
  | 'hvac_maint'
  | 'hvac_emergency'
  | 'hvac_replace'
  | 'furnace_replace'
  | 'minisplit_install'
  | 'plb_repair'
  | 'drain'
  | 'wh_replace'
  | 'wh_repair'
  | 'plb_emergency'
  | 'elec_repair'
  | 'panel_upgrade'
  | 'ev_charger'
  | 'com_hvac_tm'
  | 'com_plb_tm'
  | 'com_rtu_pm';

export interface BusinessUnitDef {
  id: number;
  key: BuKey;
  name: string;
  officialName: string;
}

export const BUSINESS_UNITS: readonly BusinessUnitDef[] = [
  {
    id: 1301,
    key: 'hvac_service',
    name: 'HVAC Service',
    officialName: 'Brightwave Home Services – HVAC Service',
  },
  {
    id: 1302,
    key: 'hvac_install',
    name: 'HVAC Install',
    officialName: 'Brightwave Home Services – HVAC Install',
  },
  { id: 1303, key: 'plumbing', name: 'Plumbing', officialName: 'Brightwave Home Services – Plumbing' },
  { id: 1304, key: 'electrical', name: 'Electrical', officialName: 'Brightwave Home Services – Electrical' },
  {
    id: 1305,
    key: 'commercial',
    name: 'Commercial Service',
    officialName: 'Brightwave Commercial Mechanical',
  },
];

export function bu(key: BuKey): BusinessUnitDef {
  return BUSINESS_UNITS.find((b) => b.key === key)!;
}

export interface JobTypeDef {
  id: number;
  key: JobTypeKey;
  name: string;
  bu: BuKey;
  trade: Trade;
  cls: JobClass;
  commercial: boolean;
  /** Share of annual volume before seasonality. */
  weight: number;
  season: Season;
  /** Median on-site hours per visit and its log-normal spread. */
  hours: [number, number];
  priority: 'Normal' | 'High' | 'Urgent';
}

export const JOB_TYPES: readonly JobTypeDef[] = [
  {
    id: 70301,
    key: 'hvac_repair',
    name: 'HVAC Repair',
    bu: 'hvac_service',
    trade: 'hvac',
    cls: 'repair',
    commercial: false,
    weight: 17,
    season: 'cooling',
    hours: [1.4, 0.35],
    priority: 'Normal',
  },
  {
    id: 70302,
    key: 'hvac_diag',
    name: 'No Cool / No Heat Diagnostic',
    bu: 'hvac_service',
    trade: 'hvac',
    cls: 'diagnostic',
    commercial: false,
    weight: 8,
    season: 'cooling',
    hours: [1.0, 0.3],
    priority: 'High',
  },
  {
    id: 70303,
    key: 'hvac_maint',
    name: 'HVAC Tune-Up / Maintenance',
    bu: 'hvac_service',
    trade: 'hvac',
    cls: 'maintenance',
    commercial: false,
    weight: 15,
    season: 'shoulder',
    hours: [1.1, 0.25],
    priority: 'Normal',
  },
  {
    id: 70304,
    key: 'hvac_emergency',
    name: 'HVAC Emergency (After Hours)',
    bu: 'hvac_service',
    trade: 'hvac',
    cls: 'emergency',
    commercial: false,
    weight: 3,
    season: 'cooling',
    hours: [1.5, 0.35],
    priority: 'Urgent',
  },
  {
    id: 70305,
    key: 'hvac_replace',
    name: 'HVAC System Replacement',
    bu: 'hvac_install',
    trade: 'hvac',
    cls: 'install',
    commercial: false,
    weight: 3.5,
    season: 'cooling',
    hours: [7.5, 0.15],
    priority: 'Normal',
  },
  {
    id: 70306,
    key: 'furnace_replace',
    name: 'Furnace Replacement',
    bu: 'hvac_install',
    trade: 'hvac',
    cls: 'install',
    commercial: false,
    weight: 1.5,
    season: 'heating',
    hours: [5.5, 0.15],
    priority: 'Normal',
  },
  {
    id: 70307,
    key: 'minisplit_install',
    name: 'Ductless Mini-Split Install',
    bu: 'hvac_install',
    trade: 'hvac',
    cls: 'install',
    commercial: false,
    weight: 1,
    season: 'flat',
    hours: [6.5, 0.15],
    priority: 'Normal',
  },
  {
    id: 70308,
    key: 'plb_repair',
    name: 'Plumbing Repair',
    bu: 'plumbing',
    trade: 'plumbing',
    cls: 'repair',
    commercial: false,
    weight: 12,
    season: 'flat',
    hours: [1.3, 0.35],
    priority: 'Normal',
  },
  {
    id: 70309,
    key: 'drain',
    name: 'Drain Cleaning',
    bu: 'plumbing',
    trade: 'plumbing',
    cls: 'repair',
    commercial: false,
    weight: 9,
    season: 'flat',
    hours: [1.2, 0.3],
    priority: 'High',
  },
  {
    id: 70310,
    key: 'wh_replace',
    name: 'Water Heater Replacement',
    bu: 'plumbing',
    trade: 'plumbing',
    cls: 'install',
    commercial: false,
    weight: 3.5,
    season: 'heating',
    hours: [3.5, 0.2],
    priority: 'High',
  },
  {
    id: 70311,
    key: 'wh_repair',
    name: 'Water Heater Repair',
    bu: 'plumbing',
    trade: 'plumbing',
    cls: 'repair',
    commercial: false,
    weight: 3,
    season: 'heating',
    hours: [1.1, 0.3],
    priority: 'Normal',
  },
  {
    id: 70312,
    key: 'plb_emergency',
    name: 'Plumbing Emergency (After Hours)',
    bu: 'plumbing',
    trade: 'plumbing',
    cls: 'emergency',
    commercial: false,
    weight: 2,
    season: 'flat',
    hours: [1.6, 0.35],
    priority: 'Urgent',
  },
  {
    id: 70313,
    key: 'elec_repair',
    name: 'Electrical Troubleshoot & Repair',
    bu: 'electrical',
    trade: 'electrical',
    cls: 'repair',
    commercial: false,
    weight: 8,
    season: 'flat',
    hours: [1.3, 0.35],
    priority: 'Normal',
  },
  {
    id: 70314,
    key: 'panel_upgrade',
    name: 'Electrical Panel Upgrade',
    bu: 'electrical',
    trade: 'electrical',
    cls: 'install',
    commercial: false,
    weight: 1.5,
    season: 'flat',
    hours: [7, 0.15],
    priority: 'Normal',
  },
  {
    id: 70315,
    key: 'ev_charger',
    name: 'EV Charger / 240V Circuit Install',
    bu: 'electrical',
    trade: 'electrical',
    cls: 'install',
    commercial: false,
    weight: 1.5,
    season: 'flat',
    hours: [3.5, 0.2],
    priority: 'Normal',
  },
  {
    id: 70316,
    key: 'com_hvac_tm',
    name: 'Commercial HVAC Service (T&M)',
    bu: 'commercial',
    trade: 'hvac',
    cls: 'tm',
    commercial: true,
    weight: 4,
    season: 'cooling',
    hours: [2.5, 0.45],
    priority: 'High',
  },
  {
    id: 70317,
    key: 'com_plb_tm',
    name: 'Commercial Plumbing Service (T&M)',
    bu: 'commercial',
    trade: 'plumbing',
    cls: 'tm',
    commercial: true,
    weight: 2.5,
    season: 'flat',
    hours: [2.2, 0.45],
    priority: 'High',
  },
  {
    id: 70318,
    key: 'com_rtu_pm',
    name: 'Commercial Preventive Maintenance',
    bu: 'commercial',
    trade: 'hvac',
    cls: 'pm',
    commercial: true,
    weight: 2,
    season: 'shoulder',
    hours: [3, 0.3],
    priority: 'Normal',
  },
];

export function jobType(key: JobTypeKey): JobTypeDef {
  return JOB_TYPES.find((j) => j.key === key)!;
}

/** Relative demand by month (index 0 = January). */
export const SEASONALITY: Record<Season, readonly number[]> = {
  cooling: [0.6, 0.6, 0.8, 1.0, 1.3, 1.7, 1.9, 1.8, 1.3, 0.9, 0.7, 0.6],
  heating: [1.7, 1.5, 1.0, 0.7, 0.5, 0.4, 0.4, 0.4, 0.6, 1.0, 1.5, 1.8],
  shoulder: [0.7, 0.8, 1.4, 1.6, 1.2, 0.8, 0.7, 0.7, 1.1, 1.5, 1.3, 0.8],
  flat: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
};

export const TAG_TYPES = [
  { id: 581, name: 'Property Management', code: 'PM', color: '#6A5ACD' },
  { id: 582, name: 'Commercial Account', code: 'COM', color: '#1E90FF' },
  { id: 583, name: 'Tax Exempt', code: 'TXEX', color: '#2E8B57' },
  { id: 584, name: 'Net 30', code: 'N30', color: '#DAA520' },
  { id: 585, name: 'VIP', code: 'VIP', color: '#DC143C' },
  { id: 586, name: 'Member', code: 'MBR', color: '#FF8C00' },
  { id: 587, name: 'Emergency', code: 'EMRG', color: '#B22222' },
  { id: 588, name: 'Warranty', code: 'WRTY', color: '#708090' },
] as const;
export const TAG = {
  propertyManagement: 581,
  commercial: 582,
  taxExempt: 583,
  net30: 584,
  vip: 585,
  member: 586,
  emergency: 587,
  warranty: 588,
} as const;

export interface TaxZoneDef {
  id: number;
  name: string;
  cities: readonly { city: string; zip: string; lat: number; lng: number }[];
  /** Rates as decimal strings so the data stays exact; written as numbers. */
  rates: readonly { name: string; rate: string; base: 'Subtotal' | 'Labor' | 'Material'; item: string }[];
  separated: boolean;
  /** Share of locations in this zone. */
  weight: number;
}

export const TAX_ZONES: readonly TaxZoneDef[] = [
  {
    id: 801,
    name: 'Riverton City',
    cities: [{ city: 'Riverton', zip: '78640', lat: 30.12, lng: -97.71 }],
    rates: [
      { name: 'State Sales Tax', rate: '0.0625', base: 'Subtotal', item: 'State Tax' },
      { name: 'Travis Bend County', rate: '0.005', base: 'Subtotal', item: 'County Tax' },
      { name: 'Riverton City', rate: '0.015', base: 'Subtotal', item: 'City Tax' },
    ],
    separated: false,
    weight: 34,
  },
  {
    id: 802,
    name: 'Travis Bend County (Unincorporated)',
    cities: [
      { city: 'Millbrook', zip: '78652', lat: 30.05, lng: -97.83 },
      { city: 'Fairview Acres', zip: '78653', lat: 30.21, lng: -97.55 },
    ],
    rates: [
      { name: 'State Sales Tax', rate: '0.0625', base: 'Subtotal', item: 'State Tax' },
      { name: 'Travis Bend County', rate: '0.0075', base: 'Subtotal', item: 'County Tax' },
    ],
    separated: false,
    weight: 18,
  },
  {
    id: 803,
    name: 'Harbor Point (Labor/Material Split)',
    cities: [{ city: 'Harbor Point', zip: '78669', lat: 30.35, lng: -97.92 }],
    rates: [
      { name: 'Harbor Point Labor Tax', rate: '0.03', base: 'Labor', item: 'HP Labor Tax' },
      { name: 'Harbor Point Material Tax', rate: '0.0825', base: 'Material', item: 'HP Material Tax' },
    ],
    separated: true,
    weight: 14,
  },
  {
    id: 804,
    name: 'Cedar Bluff',
    cities: [{ city: 'Cedar Bluff', zip: '78613', lat: 30.5, lng: -97.82 }],
    rates: [
      { name: 'State Sales Tax', rate: '0.0625', base: 'Subtotal', item: 'State Tax' },
      { name: 'Cedar Bluff City', rate: '0.01', base: 'Subtotal', item: 'City Tax' },
      { name: 'Cedar Bluff Transit', rate: '0.0075', base: 'Subtotal', item: 'Transit Tax' },
    ],
    separated: false,
    weight: 18,
  },
  {
    id: 805,
    name: 'Lakeview',
    cities: [{ city: 'Lakeview', zip: '78734', lat: 30.38, lng: -97.99 }],
    rates: [{ name: 'Lakeview Combined', rate: '0.0725', base: 'Subtotal', item: 'Lakeview Tax' }],
    separated: false,
    weight: 12,
  },
  {
    id: 806,
    name: 'Out of Area (No Tax)',
    cities: [{ city: 'Stone Creek', zip: '78955', lat: 29.9, lng: -96.9 }],
    rates: [{ name: 'No Tax', rate: '0', base: 'Subtotal', item: 'Non-Taxable' }],
    separated: false,
    weight: 4,
  },
];

export function taxZoneRecords(createdOn: string): TaxZone[] {
  return TAX_ZONES.map((z, i) => ({
    id: z.id,
    name: z.name,
    color: [3381759, 16737894, 6737151, 10079232, 16764108, 13421772][i] ?? 0,
    isTaxRateSeparated: z.separated,
    isMultipleTaxZone: z.rates.length > 1,
    rates: z.rates.map((r, j) => ({
      id: z.id * 10 + j + 1,
      taxName: r.name,
      taxBaseType: [r.base],
      taxRate: Number(r.rate),
      salesTaxItem: r.item,
    })),
    createdOn,
    modifiedOn: createdOn,
    active: true,
  }));
}

export function businessUnitRecords(modifiedOn: string): BusinessUnit[] {
  return BUSINESS_UNITS.map((b) => ({
    id: b.id,
    active: true,
    name: b.name,
    officialName: b.officialName,
    email: `${b.key.replace('_', '')}@brightwave.example.com`,
    currency: 'USD',
    phoneNumber: '512-555-0140',
    invoiceHeader: b.officialName,
    invoiceMessage:
      'Thank you for choosing Brightwave! Payment is due upon receipt unless other terms apply.',
    defaultTaxRate: 0.0825,
    modifiedOn,
  }));
}

export function jobTypeRecords(modifiedOn: string): JobType[] {
  return JOB_TYPES.map((j) => ({
    id: j.id,
    name: j.name,
    businessUnitIds: [bu(j.bu).id],
    skills: [j.trade === 'hvac' ? 'HVAC' : j.trade === 'plumbing' ? 'Plumbing' : 'Electrical'],
    tagTypeIds: j.cls === 'emergency' ? [TAG.emergency] : [],
    priority: j.priority,
    duration: Math.round(j.hours[0] * 3600),
    soldThreshold: j.cls === 'install' ? 2500 : 0,
    class: j.cls === 'tm' ? 'Time and Materials' : j.cls === 'install' ? 'Install' : 'Service',
    summary: `<p>${j.name}</p>`,
    noCharge: false,
    active: true,
    modifiedOn,
  }));
}

export const PAYMENT_TYPES = [
  { id: 61, name: 'Cash' },
  { id: 62, name: 'Check' },
  { id: 63, name: 'Credit Card' },
  { id: 64, name: 'ACH/EFT' },
  { id: 65, name: 'Financing' },
  { id: 66, name: 'Money Order' },
] as const;
export type PaymentTypeName = (typeof PAYMENT_TYPES)[number]['name'];

export function paymentTypeRecords(createdOn: string): PaymentType[] {
  return PAYMENT_TYPES.map((p) => ({ id: p.id, name: p.name, createdOn, modifiedOn: createdOn }));
}

export const MEMBERSHIP_TYPES = [
  { id: 3101, name: 'Comfort Club – HVAC', price: 179, visitsPerYear: 2 },
  { id: 3102, name: 'Total Home Club', price: 299, visitsPerYear: 2 },
] as const;
