// Parser unit tests on inline samples (always run) and checks against the real public rate data
// in /work/shared/data/sales_tax (skipped, with the reason in the suite name, when absent).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Decimal, fromAmountString, sum } from '@invoicer/core';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeTax } from './engine.ts';
import {
  indexZip5,
  parseAvalaraZip5,
  parseCdtfaCleaned,
  parseCdtfaRaw,
  parseSstRates,
  rateFromFloatText,
  type SstRate,
  sstRateInForce,
  type Zip5Row,
  zoneFromZip5,
} from './rate-tables.ts';
import { opts } from './test-helpers.ts';
import { zoneCombinedRate } from './zone.ts';

const DATA = path.resolve(import.meta.dirname, '../../../../../shared/data/sales_tax');
const HAVE_DATA = existsSync(DATA);
const REAL = HAVE_DATA ? `real rate data in ${DATA}` : `real rate data: SKIPPED, ${DATA} not found`;
const read = (...parts: string[]) => readFileSync(path.join(DATA, ...parts), 'utf8');

describe('parseAvalaraZip5 and zoneFromZip5 (inline samples)', () => {
  const current = [
    'State,ZipCode,TaxRegionName,EstimatedCombinedRate,StateRate,EstimatedCountyRate,EstimatedCityRate,EstimatedSpecialRate,RiskLevel',
    'CA,90001,HUNTINGTON PARK,0.105000,0.060000,0.002500,0.007500,0.035000,0',
  ].join('\n');
  const older = [
    'State,ZipCode,TaxRegionName,StateRate,EstimatedCombinedRate,EstimatedCountyRate,EstimatedCityRate,EstimatedSpecialRate,RiskLevel',
    'CA,90001,HUNTINGTON PARK,0.060000,0.105000,0.002500,0.007500,0.035000,0',
  ].join('\n');

  it('reads columns by name, so both column orders give the same row', () => {
    const [a] = parseAvalaraZip5(current);
    const [b] = parseAvalaraZip5(older);
    expect(a?.combinedRate.toString()).toBe('0.105');
    expect(a?.stateRate.toString()).toBe('0.06');
    expect(b).toEqual(a);
  });

  it('repairs a component printed from a truncated float, and refuses rows that still do not add up', () => {
    const truncated = current.replace(
      '0.105000,0.060000,0.002500,0.007500,0.035000',
      '0.080500,0.029000,0.008000,0.043499,0.000000',
    );
    const [row] = parseAvalaraZip5(truncated);
    expect(row?.cityRate.toString()).toBe('0.0435');
    expect(row?.repaired).toEqual(['city']);
    expect(parseAvalaraZip5(current)[0]?.repaired).toEqual([]);
    expect(() => parseAvalaraZip5(current.replace('0.105000', '0.105100'))).toThrow(/do not add up/);
  });

  it('refuses a file without the expected columns or with a bad ZIP', () => {
    expect(() => parseAvalaraZip5('State,ZipCode\nCA,90001')).toThrow(/missing column/);
    expect(() => parseAvalaraZip5(current.replace('90001', '9001'))).toThrow(/bad ZIP/);
  });

  it('builds one Subtotal rate per non-zero jurisdiction', () => {
    const z = zoneFromZip5(parseAvalaraZip5(current)[0]!);
    expect(z.rates?.map((r) => [r.taxName, r.taxRate, r.taxBaseType])).toEqual([
      ['CA State', 0.06, ['Subtotal']],
      ['CA County', 0.0025, ['Subtotal']],
      ['CA City', 0.0075, ['Subtotal']],
      ['CA Special', 0.035, ['Subtotal']],
    ]);
    expect(z.isMultipleTaxZone).toBe(true);
    expect(zoneCombinedRate(z).toString()).toBe('0.105');
  });
});

describe('parseSstRates and sstRateInForce (inline samples)', () => {
  const sample = [
    '27,45,27,0.06875,0.06875,0.06875,0.06875,20090701,29991231',
    '55,00,078,0.0,0.0,0.0,0.0,19800101,20200331',
    '55,00,078,0.005,0.005,0.005,0.005,20200331,99991231',
    '20,01,12345,0.01,,0.01,0.01,20100101,99991231',
    '20,01,12346,0.01,0.01,0.01',
  ].join('\r\n');
  const { rates, rejected } = parseSstRates(`\uFEFF${sample}`);
  const menominee = { stateFips: '55', jurisdictionType: '00', jurisdictionCode: '078' };

  it('reads both open-ended sentinels and rejects blank rates and short rows instead of reading zero', () => {
    expect(rates.map((r) => r.effectiveTo)).toEqual([null, '2020-03-31', null]);
    expect(rates[0]?.stateFips).toBe('27'); // the byte-order mark is stripped
    expect(rejected).toEqual([
      { line: 4, reason: 'blank or malformed rate' },
      { line: 5, reason: 'expected 9 columns, got 6' },
    ]);
  });

  it('finds the rate in force, inclusive at both ends; a shared day goes to the later filing', () => {
    const rate = (date: string) => sstRateInForce(rates, menominee, date)?.generalIntrastate.toString();
    expect(rate('1979-12-31')).toBeUndefined();
    expect(rate('1980-01-01')).toBe('0');
    expect(rate('2020-03-30')).toBe('0');
    expect(rate('2020-03-31')).toBe('0.005');
    expect(rate('2999-12-31')).toBe('0.005');
    expect(() => sstRateInForce(rates, menominee, '20200331')).toThrow(/YYYY-MM-DD/);
  });
});

describe('CDTFA parsers (inline samples)', () => {
  it('reads float artefacts as the rate CDTFA typed', () => {
    expect(rateFromFloatText('7.7499999999999999E-2').toString()).toBe('0.0775');
    expect(rateFromFloatText('9.1249999999999998E-2').toString()).toBe('0.09125');
    expect(rateFromFloatText('9.375E-2').toString()).toBe('0.09375');
    // Read literally, the same text is not the rate.
    expect(new Decimal('7.7499999999999999E-2').eq('0.0775')).toBe(false);
    expect(() => rateFromFloatText('Yuba')).toThrow(/not a number/);
  });

  it('reads a no-rate county row as rate null in both exports', () => {
    const note =
      'Please refer to the applicable tax rates for the unincorporated area and incorporated cities within Yuba County.';
    const raw = `"Use the arrows, to navigate"\nEffective Sales and Use Tax Rates\nLocation,Rate,County,Type,Notes\nYuba City,7.2499999999999995E-2,Sutter,City\nYuba County,Yuba,County,${note}\n`;
    const cleaned = `Location,Rate,Rate_Percent,County,Type,Notes\nYuba City,0.0725,7.25,Sutter,City,\nYuba County,0,0,County,${note},\n`;
    const expected = [
      { location: 'Yuba City', rate: '0.0725', county: 'Sutter', type: 'City', notes: '' },
      { location: 'Yuba County', rate: null, county: 'Yuba', type: 'County', notes: note },
    ];
    for (const rows of [parseCdtfaRaw(raw), parseCdtfaCleaned(cleaned)]) {
      expect(rows.map((r) => ({ ...r, rate: r.rate?.toString() ?? null }))).toEqual(expected);
    }
  });
});

describe.skipIf(!HAVE_DATA)(REAL, () => {
  const files = HAVE_DATA
    ? readdirSync(path.join(DATA, 'avalara_zip5_202512')).filter((f) => f.endsWith('.csv'))
    : [];
  files.sort();
  const zipRows: Zip5Row[] = files.flatMap((f) => parseAvalaraZip5(read('avalara_zip5_202512', f)));

  it('Avalara ZIP5: 52 files, 41,001 rows; combined = state + county + city + special in every row', () => {
    expect(files).toHaveLength(52);
    expect(zipRows).toHaveLength(41_001);
    expect(zipRows.filter((r) => r.state === 'CA')).toHaveLength(2572);
    const bad = zipRows.filter(
      (r) => !r.combinedRate.eq(sum([r.stateRate, r.countyRate, r.cityRate, r.specialRate])),
    );
    expect(bad).toEqual([]);
    // As printed, 474 rows fall 0.000001 short, each through one truncated component.
    const repaired = zipRows.filter((r) => r.repaired.length > 0);
    expect(repaired).toHaveLength(474);
    expect(repaired.every((r) => r.repaired.length === 1)).toBe(true);
  });

  it('Avalara ZIP5: every row builds a zone whose rates survive fromNumber and add up to the combined rate', () => {
    for (const r of zipRows) {
      const z = zoneFromZip5(r);
      if (!zoneCombinedRate(z).eq(r.combinedRate)) throw new Error(`${r.state} ${r.zip5}: zone rate differs`);
    }
  });

  // The derived file joined the DOR vectors to Avalara on zip5 alone, loading the state files in
  // name order, so for a ZIP listed under two states the later state's row won.
  const vectors = HAVE_DATA ? csvObjects(read('dor_validated_rate_vectors.csv')) : [];
  const derived = HAVE_DATA ? csvObjects(read('derived_dor_vs_avalara_zip5_comparison.csv')) : [];
  const byZipOnly = new Map(zipRows.map((r) => [r.zip5, r]));
  const byStateZip = indexZip5(zipRows);

  /** Combined percentage for a ZIP row, resolved end to end: ZIP5 zone → engine → tax on $1,000,000. */
  function resolvePct(row: Zip5Row): Decimal {
    const tax = computeTax(
      [{ key: 'probe', itemType: 'Material', amount: new Decimal(1_000_000), taxable: true }],
      zoneFromZip5(row),
      opts({ rounding: 'document' }),
    );
    return tax.salesTax.div(10_000);
  }

  function compare(v: Record<string, string>, row: Zip5Row | undefined) {
    if (!row) return { pct: '', region: '', diff: '', agrees: 'zip_not_in_table' };
    const pct = resolvePct(row);
    const diff = pct.minus(fromAmountString(v.expected_combined_rate_pct!)).abs();
    const agrees = diff.lte(fromAmountString(v.tolerance_pct!)) ? 'yes' : 'no';
    return { pct: pct.toFixed(4), region: row.region, diff: diff.toFixed(4), agrees };
  }

  const tally = (xs: { agrees: string }[]) =>
    Object.fromEntries(
      ['yes', 'no', 'zip_not_in_table'].map((k) => [k, xs.filter((x) => x.agrees === k).length]),
    );

  it('DOR vectors: reproduces the derived comparison row by row (625 agree, 152 disagree, 1 missing)', () => {
    expect(vectors).toHaveLength(778);
    expect(derived).toHaveLength(778);
    const ours = vectors.map((v) => compare(v, byZipOnly.get(v.zip5!)));
    ours.forEach((o, i) => {
      const d = derived[i]!;
      const v = vectors[i]!;
      expect([v.state, v.zip5, v.zip4]).toEqual([d.state, d.zip5, d.zip4]);
      expect([o.pct, o.region, o.diff, o.agrees]).toEqual([
        d.avalara_zip5_combined_pct,
        d.avalara_tax_region,
        d.abs_diff_pct,
        d.agrees,
      ]);
    });
    expect(tally(ours)).toEqual({ yes: 625, no: 152, zip_not_in_table: 1 });
  });

  it('DOR vectors: joining on state and ZIP instead fixes the two cross-state ZIPs (627 / 150 / 1)', () => {
    const ours = vectors.map((v) => compare(v, byStateZip.get(`${v.state}:${v.zip5}`)));
    expect(tally(ours)).toEqual({ yes: 627, no: 150, zip_not_in_table: 1 });
    const flipped = vectors
      .filter((_v, i) => ours[i]!.agrees !== derived[i]!.agrees)
      .map((v) => `${v.state} ${v.zip5}`);
    expect(flipped).toEqual(['MN 56144', 'MN 56164']);
  });

  const sst = HAVE_DATA
    ? ['GAR2026Q2FEB19.csv', 'MNR2026Q2FEB18.csv', 'WIR2026Q2FEB18.csv'].map((f) => ({
        f,
        ...parseSstRates(read('sst_rates_2026Q2', f)),
      }))
    : [];
  const allSst: SstRate[] = sst.flatMap((x) => x.rates);
  const jOf = (r: SstRate) => ({
    stateFips: r.stateFips,
    jurisdictionType: r.jurisdictionType,
    jurisdictionCode: r.jurisdictionCode,
  });

  it('SST: reads every row of the GA, MN and WI rate files', () => {
    expect(sst.map((x) => [x.f, x.rates.length, x.rejected.length])).toEqual([
      ['GAR2026Q2FEB19.csv', 449, 0],
      ['MNR2026Q2FEB18.csv', 148, 0],
      ['WIR2026Q2FEB18.csv', 1941, 0],
    ]);
  });

  it('SST: each row is the one in force on its first day', () => {
    for (const r of allSst) expect(sstRateInForce(allSst, jOf(r), r.effectiveFrom)).toBe(r);
  });

  it('SST: on any date the lookup returns a row whose range contains it, and the latest such row', () => {
    const day = fc
      .integer({ min: Date.UTC(1979, 0, 1), max: Date.UTC(2031, 11, 31) })
      .map((ms) => new Date(ms).toISOString().slice(0, 10));
    fc.assert(
      fc.property(fc.constantFrom(...allSst), day, (probe, date) => {
        const containing = allSst.filter(
          (r) =>
            r.stateFips === probe.stateFips &&
            r.jurisdictionType === probe.jurisdictionType &&
            r.jurisdictionCode === probe.jurisdictionCode &&
            r.effectiveFrom <= date &&
            (r.effectiveTo === null || date <= r.effectiveTo),
        );
        const found = sstRateInForce(allSst, jOf(probe), date);
        if (containing.length === 0) expect(found).toBeUndefined();
        else
          expect(found?.effectiveFrom).toBe(
            containing
              .map((r) => r.effectiveFrom)
              .sort()
              .at(-1),
          );
      }),
      { numRuns: 2000 },
    );
  });

  it('SST: known histories (Georgia local 04000, Wisconsin Menominee County overlap, Minnesota state)', () => {
    const rate = (j: [string, string, string], date: string) =>
      sstRateInForce(
        allSst,
        { stateFips: j[0], jurisdictionType: j[1], jurisdictionCode: j[2] },
        date,
      )?.generalIntrastate.toString();
    const ga: [string, string, string] = ['13', '01', '04000'];
    expect(
      ['2010-12-31', '2017-02-28', '2017-03-15', '2017-04-01', '2022-06-30', '2026-04-01'].map((d) =>
        rate(ga, d),
      ),
    ).toEqual([undefined, '0.01', '0.015', '0.019', '0.015', '0.019']);
    expect(rate(['55', '00', '078'], '2020-03-30')).toBe('0');
    expect(rate(['55', '00', '078'], '2020-03-31')).toBe('0.005');
    expect(rate(['27', '45', '27'], '2026-04-01')).toBe('0.06875');
    // GA's state row taxes food at 0: columns 6-7 are food rates, as SOURCES.md says.
    const gaState = allSst.find((r) => r.stateFips === '13' && r.jurisdictionType === '45');
    expect([gaState?.generalIntrastate.toString(), gaState?.foodIntrastate.toString()]).toEqual([
      '0.04',
      '0',
    ]);
  });

  it('CDTFA: the raw float export reads as the cleaned decimal rates, all multiples of 0.025 %', () => {
    const raw = parseCdtfaRaw(read('ca_cdtfa_2026-01-01', 'SalesTaxRates1-1-26.csv'));
    const cleaned = parseCdtfaCleaned(read('ca_cdtfa_2026-01-01', 'SalesTaxRates1-1-26-cleaned.csv'));
    expect(raw).toHaveLength(546);
    const simplify = (r: (typeof raw)[number]) => ({ ...r, rate: r.rate?.toString() ?? null });
    expect(raw.map(simplify)).toEqual(cleaned.map(simplify));
    const rated = raw.filter((r) => r.rate !== null);
    expect(raw.length - rated.length).toBe(5); // the "refer to the cities" county rows
    for (const r of rated) expect(r.rate!.mod('0.00025').isZero()).toBe(true);
    const places = rated.map((r) => r.rate!.decimalPlaces());
    expect([places.filter((p) => p <= 4).length, places.filter((p) => p === 5).length]).toEqual([466, 75]);
    const adelanto = raw.find((r) => r.location === 'Adelanto');
    expect(adelanto?.rate?.toString()).toBe('0.0775');
  });
});

function csvObjects(text: string): Record<string, string>[] {
  return parse(text, { columns: true, skip_empty_lines: true, trim: true }) as Record<string, string>[];
}
