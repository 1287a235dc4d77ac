// Parsers for public sales-tax rate tables (/work/shared/data/sales_tax/SOURCES.md). Pure: they
// take file contents as strings, so an import command and the tests share them.
import { Decimal, fromAmountString, fromNumber, sum } from '@invoicer/core';
import { parse } from 'csv-parse/sync';
import type { TaxRateInput, TaxZoneInput } from './types.ts';

function readCsv(text: string): string[][] {
  return parse(text.replace(/^\uFEFF/, ''), {
    relax_column_count: true,
    skip_empty_lines: true,
    trim: true,
  }) as string[][];
}

function parseRate(value: string, where: string): Decimal {
  try {
    return fromAmountString(value);
  } catch {
    throw new TypeError(`${where}: not a rate: "${value}"`);
  }
}

// ---------------------------------------------------------------------------------------------
// Avalara TAXRATES_ZIP5. Columns are read by header name: the December 2025 vintage puts
// EstimatedCombinedRate 4th, older vintages 5th, and positional parsing would swap two rates.

export type Zip5Component = 'state' | 'county' | 'city' | 'special';

export interface Zip5Row {
  state: string;
  zip5: string;
  region: string;
  combinedRate: Decimal;
  stateRate: Decimal;
  countyRate: Decimal;
  cityRate: Decimal;
  specialRate: Decimal;
  riskLevel: number;
  /** Components read back from a truncated float (0.043499 → 0.0435); see repairTruncation. */
  repaired: Zip5Component[];
}

const ZIP5_COLUMNS = [
  'State',
  'ZipCode',
  'TaxRegionName',
  'EstimatedCombinedRate',
  'StateRate',
  'EstimatedCountyRate',
  'EstimatedCityRate',
  'EstimatedSpecialRate',
  'RiskLevel',
] as const;
type Zip5Column = (typeof ZIP5_COLUMNS)[number];

const COMPONENT_COLUMNS: [Zip5Component, Zip5Column][] = [
  ['state', 'StateRate'],
  ['county', 'EstimatedCountyRate'],
  ['city', 'EstimatedCityRate'],
  ['special', 'EstimatedSpecialRate'],
];

const MICRO = new Decimal('0.000001');

/**
 * Some component rates were printed by truncating a double to six places, so 0.0435 (stored as
 * 0.04349999…) reads 0.043499 and the components fall 0.000001 short of the combined rate (474
 * rows in the December 2025 tables, never the combined column). A component whose sixth place is
 * 9 is read as the five-place rate above it; the repaired components must then add up exactly,
 * or the row is refused.
 */
function repairTruncation(
  combined: Decimal,
  parts: [Zip5Component, Decimal][],
  where: string,
): { parts: [Zip5Component, Decimal][]; repaired: Zip5Component[] } {
  if (sum(parts.map(([, r]) => r)).eq(combined)) return { parts, repaired: [] };
  const repaired: Zip5Component[] = [];
  const fixed = parts.map(([name, r]): [Zip5Component, Decimal] => {
    const up = r.plus(MICRO);
    if (r.decimalPlaces() !== 6 || up.decimalPlaces() > 5) return [name, r];
    repaired.push(name);
    return [name, up];
  });
  if (!sum(fixed.map(([, r]) => r)).eq(combined)) {
    throw new RangeError(`${where}: components do not add up to the combined rate ${combined}`);
  }
  return { parts: fixed, repaired };
}

export function parseAvalaraZip5(text: string): Zip5Row[] {
  const [header, ...rows] = readCsv(text);
  if (!header) return [];
  const col = Object.fromEntries(
    ZIP5_COLUMNS.map((name) => {
      const i = header.indexOf(name);
      if (i < 0) throw new TypeError(`Avalara ZIP5 file: missing column ${name}`);
      return [name, i];
    }),
  ) as Record<Zip5Column, number>;
  return rows.map((r, n) => {
    const where = `Avalara ZIP5 row ${n + 2}`;
    const get = (name: Zip5Column) => r[col[name]] ?? '';
    const zip5 = get('ZipCode');
    if (!/^\d{5}$/.test(zip5)) throw new TypeError(`${where}: bad ZIP "${zip5}"`);
    const combinedRate = parseRate(get('EstimatedCombinedRate'), where);
    const raw = COMPONENT_COLUMNS.map(([name, column]): [Zip5Component, Decimal] => [
      name,
      parseRate(get(column), where),
    ]);
    const { parts, repaired } = repairTruncation(combinedRate, raw, `${where} (${zip5})`);
    const rate = Object.fromEntries(parts) as Record<Zip5Component, Decimal>;
    return {
      state: get('State'),
      zip5,
      region: get('TaxRegionName'),
      combinedRate,
      stateRate: rate.state,
      countyRate: rate.county,
      cityRate: rate.city,
      specialRate: rate.special,
      riskLevel: Number(get('RiskLevel')),
      repaired,
    };
  });
}

/** A JSON number that fromNumber turns back into exactly `rate` (ServiceTitan sends rates as numbers). */
export function toRateNumber(rate: Decimal): number {
  const n = Number(rate.toString());
  if (!fromNumber(n).eq(rate)) throw new RangeError(`rate ${rate} does not survive a float round trip`);
  return n;
}

/**
 * A ServiceTitan-shaped zone for one ZIP5 row: one Subtotal rate per non-zero component
 * (state, county, city, special), so the breakdown shows each jurisdiction's share.
 */
export function zoneFromZip5(row: Zip5Row): TaxZoneInput {
  const parts: [string, Decimal][] = [
    ['State', row.stateRate],
    ['County', row.countyRate],
    ['City', row.cityRate],
    ['Special', row.specialRate],
  ];
  const rates: TaxRateInput[] = parts
    .filter(([, rate]) => !rate.isZero())
    .map(([name, rate]) => ({
      taxName: `${row.state} ${name}`,
      taxBaseType: ['Subtotal'],
      taxRate: toRateNumber(rate),
      salesTaxItem: null,
    }));
  return {
    id: Number(row.zip5),
    name: `${row.region} (${row.state} ${row.zip5})`,
    isTaxRateSeparated: false,
    isMultipleTaxZone: rates.length > 1,
    rates,
  };
}

/** Rows keyed by state and ZIP: 84 ZIP5s appear in two states' files (03579 is in ME and NH). */
export function indexZip5(rows: readonly Zip5Row[]): Map<string, Zip5Row> {
  return new Map(rows.map((r) => [`${r.state}:${r.zip5}`, r]));
}

// ---------------------------------------------------------------------------------------------
// Streamlined Sales Tax rate files: headerless, one row per jurisdiction and effective range.
// Columns 4-7 are general and food/drug rates, intrastate and interstate (SOURCES.md). Georgia's
// state row (0.04, 0.04, 0, 0) confirms it: GA exempts food from state tax. sst-file-format.md
// calls them general, food, drug and utility, which that row contradicts.

export interface SstRate {
  stateFips: string;
  /** 45 state, 00 county, 01 city, others special districts (meaning varies by state). */
  jurisdictionType: string;
  jurisdictionCode: string;
  generalIntrastate: Decimal;
  generalInterstate: Decimal;
  foodIntrastate: Decimal;
  foodInterstate: Decimal;
  /** YYYY-MM-DD, inclusive. */
  effectiveFrom: string;
  /** YYYY-MM-DD, inclusive; null when open-ended (29991231 or 99991231). */
  effectiveTo: string | null;
  /** 1-based record number in the file. */
  line: number;
}

export interface SstParse {
  rates: SstRate[];
  rejected: { line: number; reason: string }[];
}

const OPEN_ENDED = new Set(['29991231', '99991231']);
const isoDate = (yyyymmdd: string) =>
  `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}`;

/**
 * Rows with a blank or malformed rate or date are rejected, not read as zero: a blank read as
 * zero once added phantom districts (sst-file-format.md, "Blank rate columns are a trap").
 */
export function parseSstRates(text: string): SstParse {
  const out: SstParse = { rates: [], rejected: [] };
  for (const [i, r] of readCsv(text).entries()) {
    const line = i + 1;
    if (r.length < 9) {
      out.rejected.push({ line, reason: `expected 9 columns, got ${r.length}` });
      continue;
    }
    const [stateFips = '', type = '', code = '', gi = '', ge = '', fi = '', fe = '', from = '', to = ''] = r;
    const texts = [gi, ge, fi, fe];
    if (!texts.every((v) => /^\d*\.?\d+$/.test(v))) {
      out.rejected.push({ line, reason: 'blank or malformed rate' });
      continue;
    }
    if (!/^\d{8}$/.test(from) || !/^\d{8}$/.test(to) || from > to) {
      out.rejected.push({ line, reason: 'malformed effective dates' });
      continue;
    }
    const [a, b, c, d] = texts.map(fromAmountString) as [Decimal, Decimal, Decimal, Decimal];
    out.rates.push({
      stateFips,
      jurisdictionType: type,
      jurisdictionCode: code,
      generalIntrastate: a,
      generalInterstate: b,
      foodIntrastate: c,
      foodInterstate: d,
      effectiveFrom: isoDate(from),
      effectiveTo: OPEN_ENDED.has(to) ? null : isoDate(to),
      line,
    });
  }
  return out;
}

export interface SstJurisdiction {
  stateFips: string;
  jurisdictionType: string;
  jurisdictionCode: string;
}

/**
 * The row in force on `date` (YYYY-MM-DD) for one jurisdiction. Ranges are inclusive at both
 * ends; where two ranges share a day (a new rate filed to start on the old one's last day), the
 * later-starting row wins because it supersedes the earlier filing.
 */
export function sstRateInForce(
  rates: readonly SstRate[],
  j: SstJurisdiction,
  date: string,
): SstRate | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new TypeError(`not a YYYY-MM-DD date: "${date}"`);
  let best: SstRate | undefined;
  for (const r of rates) {
    if (r.stateFips !== j.stateFips || r.jurisdictionType !== j.jurisdictionType) continue;
    if (r.jurisdictionCode !== j.jurisdictionCode) continue;
    if (date < r.effectiveFrom || (r.effectiveTo !== null && date > r.effectiveTo)) continue;
    if (!best || r.effectiveFrom > best.effectiveFrom) best = r;
  }
  return best;
}

// ---------------------------------------------------------------------------------------------
// California CDTFA city and county rates.

export interface CdtfaRate {
  location: string;
  /** null for the "refer to the unincorporated area and cities" county rows, which carry no rate. */
  rate: Decimal | null;
  county: string;
  type: string;
  notes: string;
}

/**
 * CDTFA's spreadsheet stores rates as binary doubles and the CSV export prints 17 significant
 * digits (7.7499999999999999E-2). The shortest decimal that reads back as the same double is the
 * rate CDTFA typed (0.0775); reading the digits literally would be off by 1e-18.
 */
export function rateFromFloatText(text: string): Decimal {
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text.trim()))
    throw new TypeError(`not a number: "${text}"`);
  return fromNumber(Number(text));
}

const isNumberText = (s: string) => /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s);

/** The raw export: two title lines, then Location,Rate,County,Type,Notes. */
export function parseCdtfaRaw(text: string): CdtfaRate[] {
  const rows = readCsv(text);
  const start = rows.findIndex((r) => r[0] === 'Location' && r[1] === 'Rate');
  if (start < 0) throw new TypeError('CDTFA file: no Location,Rate header');
  return rows.slice(start + 1).map(([location = '', b = '', c = '', d = '', e = '']) =>
    isNumberText(b)
      ? { location, rate: rateFromFloatText(b), county: c, type: d, notes: e }
      : // A row without a rate lost its empty cell in the export, so every later column shifts left.
        { location, rate: null, county: b, type: c, notes: d },
  );
}

/**
 * The cleaned export (Location,Rate,Rate_Percent,County,Type,Notes). Its five no-rate county
 * rows were shifted and filled with 0 (County = "County", Type = the note); they are read back as
 * rate null rather than as a 0 % rate.
 */
export function parseCdtfaCleaned(text: string): CdtfaRate[] {
  const [header, ...rows] = readCsv(text);
  if (header?.join(',') !== 'Location,Rate,Rate_Percent,County,Type,Notes') {
    throw new TypeError('CDTFA cleaned file: unexpected header');
  }
  // Rate_Percent is ignored: it was computed in floats (Alpine County: 7.249999999999999).
  return rows.map(([location = '', rate = '', , county = '', type = '', notes = '']) => {
    if (type !== 'City' && type !== 'County') {
      return { location, rate: null, county: location.replace(/ County$/, ''), type: 'County', notes: type };
    }
    return { location, rate: rateFromFloatText(rate), county, type, notes };
  });
}
