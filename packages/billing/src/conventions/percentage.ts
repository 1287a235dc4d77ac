// Percentage fees and discounts: what they are a percentage of. The price book says "10 %" but
// not of what; shops mean the subtotal, or the Material lines, or the labor, less some kind of
// line (fees, permits, refrigerant), sometimes capped. The base that reproduces the SKU's past
// amounts to the cent is learned here, and the same function prices it in the draft.
//
// Amounts are integer cents (BigInt) inside the search: exact, and fast enough to try every
// candidate base over hundreds of past invoices.
import { Decimal, fromAmountString, type PercentageBaseRule, toMoneyString } from '@invoicer/core';
import type { CatalogSku, ItemType } from '../types.ts';
import type { LearnedPercentage, PastInvoice } from './types.ts';

export interface PercentageSpec {
  /** Item types in the base; undefined = every line (the subtotal). */
  itemTypes?: readonly ItemType[];
  laborOnly: boolean;
  excludeCategoryIds: readonly number[];
  rate: Decimal;
  /** Cap on the amount; null = none. */
  limit: Decimal | null;
}

export interface BaseLine {
  skuId: number | null;
  itemType: ItemType;
  total: Decimal;
}

export function isPercentageSku(sku: CatalogSku | undefined): boolean {
  return (
    sku !== undefined && (sku.kind === 'fee' || sku.kind === 'discount') && sku.amountType === 'Percentage'
  );
}

/** The price book's own reading, refined by a rule (pinned or learned) when there is one. */
export function specFor(sku: CatalogSku, rule?: PercentageBaseRule): PercentageSpec {
  const book = new Decimal(sku.amount ?? '0');
  const bookLimit =
    sku.limit !== null && fromAmountString(sku.limit).gt(0) ? fromAmountString(sku.limit) : null;
  return {
    itemTypes: rule?.itemTypes,
    laborOnly: rule?.laborOnly ?? false,
    excludeCategoryIds: rule?.excludeCategoryIds ?? [],
    rate: rule?.rate !== undefined ? new Decimal(rule.rate) : book,
    limit:
      rule?.limit === undefined
        ? bookLimit
        : rule.limit === null || fromAmountString(rule.limit).lte(0)
          ? null
          : fromAmountString(rule.limit),
  };
}

export function inPercentageBase(spec: PercentageSpec, line: BaseLine, sku: CatalogSku | undefined): boolean {
  if (spec.itemTypes && !spec.itemTypes.includes(line.itemType)) return false;
  if (spec.laborOnly && sku?.isLabor !== true) return false;
  if (spec.excludeCategoryIds.length && sku?.categoryIds?.some((c) => spec.excludeCategoryIds.includes(c)))
    return false;
  return true;
}

const cents = (d: Decimal): bigint =>
  BigInt(d.times(100).toDecimalPlaces(0, Decimal.ROUND_HALF_UP).toFixed(0));
const fromCents = (c: bigint): Decimal => new Decimal(c.toString()).div(100);

/** A non-negative decimal fraction as an exact ratio of integers. */
function ratio(rate: Decimal): [bigint, bigint] {
  const places = Math.max(0, rate.decimalPlaces());
  const den = 10n ** BigInt(places);
  return [BigInt(rate.times(den.toString()).toFixed(0)), den];
}

/** round-half-up(max(0, base) × num / den), at most cap. */
function amountCents(base: bigint, num: bigint, den: bigint, cap: bigint | null): bigint {
  const b = base > 0n ? base : 0n;
  const a = (2n * b * num + den) / (2n * den);
  return cap !== null && a > cap ? cap : a;
}

/**
 * The base (lines in it, summed) and the amount (a positive magnitude; the caller negates a
 * discount): round-half-up(max(0, base) × rate) to cents, at most the limit.
 */
export function percentageOf(
  spec: PercentageSpec,
  lines: readonly BaseLine[],
  catalog: Map<number, CatalogSku>,
): { base: Decimal; amount: Decimal; capped: boolean } {
  let base = 0n;
  for (const l of lines) {
    const sku = l.skuId !== null ? catalog.get(l.skuId) : undefined;
    if (isPercentageSku(sku)) continue;
    if (inPercentageBase(spec, l, sku)) base += cents(l.total);
  }
  const [num, den] = ratio(spec.rate);
  const cap = spec.limit ? cents(spec.limit) : null;
  const uncapped = amountCents(base, num, den, null);
  const amount = amountCents(base, num, den, cap);
  return { base: fromCents(base), amount: fromCents(amount), capped: amount < uncapped };
}

// ---- inference -------------------------------------------------------------------------------

interface Scope {
  itemTypes?: ItemType[];
  laborOnly: boolean;
  /** Conditions it adds to "the subtotal", for preferring the simplest of equals. */
  complexity: number;
}

const ITEM_TYPES: ItemType[] = ['Service', 'Material', 'Equipment'];

// The subtotal is the price book's own reading; any other base is one condition more ("labor
// lines", "Service + Material lines"). Excluding a category is a condition fitted to the data,
// so it costs more than a structural one: of two bases reproducing as much, the one that says
// less about this shop's categories wins.
const SCOPES: Scope[] = [
  { laborOnly: false, complexity: 0 },
  { laborOnly: true, complexity: 1 },
  ...[1, 2, 4, 3, 5, 6, 7].map((mask) => ({
    itemTypes: ITEM_TYPES.filter((_, i) => mask & (1 << i)),
    laborOnly: false,
    complexity: 1,
  })),
];
const EXCLUSION_COST = 2;

/** One past invoice's lines in a scope, grouped by their SKU's categories. */
interface Group {
  cats: number[];
  cents: bigint;
}
interface Observation {
  target: bigint;
  /** Every base line (scopes filter them). */
  lines: { cents: bigint; itemType: ItemType; isLabor: boolean; cats: number[] }[];
}

function groupsFor(o: Observation, scope: Scope): Group[] {
  const byKey = new Map<string, Group>();
  for (const l of o.lines) {
    if (scope.itemTypes && !scope.itemTypes.includes(l.itemType)) continue;
    if (scope.laborOnly && !l.isLabor) continue;
    const key = l.cats.join(',');
    const g = byKey.get(key);
    if (g) g.cents += l.cents;
    else byKey.set(key, { cats: l.cats, cents: l.cents });
  }
  return [...byKey.values()];
}

interface Trial {
  num: bigint;
  den: bigint;
  cap: bigint | null;
}

function evaluate(obs: Observation[], groups: Group[][], t: Trial, excl: ReadonlySet<number>): Uint8Array {
  const out = new Uint8Array(obs.length);
  for (let i = 0; i < obs.length; i++) {
    let base = 0n;
    for (const g of groups[i]!) if (!g.cats.some((c) => excl.has(c))) base += g.cents;
    out[i] = amountCents(base, t.num, t.den, t.cap) === obs[i]!.target ? 1 : 0;
  }
  return out;
}

const count = (m: Uint8Array) => m.reduce((a, b) => a + b, 0);

/** Two past invoices confirming a category exclusion is the least that counts as evidence. */
const MIN_GAIN = 2;
const MAX_EXCLUDED = 4;

/**
 * Grow the excluded categories one (or, when no single one helps, two) at a time while that
 * reproduces more past amounts than it breaks.
 */
function excludeGreedily(
  obs: Observation[],
  groups: Group[][],
  t: Trial,
): { excl: number[]; matches: Uint8Array } {
  const excl = new Set<number>();
  let matches = evaluate(obs, groups, t, excl);
  while (excl.size < MAX_EXCLUDED) {
    const candidates = new Set<number>();
    for (let i = 0; i < obs.length; i++) {
      if (matches[i]) continue;
      for (const g of groups[i]!) for (const c of g.cats) if (!excl.has(c)) candidates.add(c);
    }
    if (!candidates.size) break;
    const tryAdd = (cats: number[]) => {
      const m = evaluate(obs, groups, t, new Set([...excl, ...cats]));
      let gains = 0;
      let losses = 0;
      for (let i = 0; i < m.length; i++) {
        if (m[i] && !matches[i]) gains++;
        else if (!m[i] && matches[i]) losses++;
      }
      return { cats, m, gains, net: gains - losses };
    };
    const sorted = [...candidates].sort((a, b) => a - b);
    const singles = sorted.map((c) => tryAdd([c]));
    const better = (a: ReturnType<typeof tryAdd>, b: ReturnType<typeof tryAdd> | null) =>
      !b || a.net > b.net || (a.net === b.net && a.gains > b.gains);
    let best: ReturnType<typeof tryAdd> | null = null;
    for (const s of singles) if (s.gains >= MIN_GAIN && s.net > 0 && better(s, best)) best = s;
    if (!best && excl.size + 2 <= MAX_EXCLUDED) {
      const top = [...singles]
        .sort((a, b) => b.gains - a.gains || a.cats[0]! - b.cats[0]!)
        .slice(0, 12)
        .map((s) => s.cats[0]!);
      for (let i = 0; i < top.length; i++)
        for (let j = i + 1; j < top.length; j++) {
          const p = tryAdd([top[i]!, top[j]!]);
          if (p.gains >= MIN_GAIN && p.net > 0 && better(p, best)) best = p;
        }
    }
    if (!best) break;
    for (const c of best.cats) excl.add(c);
    matches = best.m;
  }
  return { excl: [...excl].sort((a, b) => a - b), matches };
}

/** The most common value occurring at least twice (ties: the first seen), or null. */
function mode<T>(values: T[], key: (v: T) => string): T | null {
  const counts = new Map<string, { v: T; n: number }>();
  for (const v of values) {
    const k = key(v);
    const c = counts.get(k);
    if (c) c.n++;
    else counts.set(k, { v, n: 1 });
  }
  let best: { v: T; n: number } | null = null;
  for (const c of counts.values()) if (c.n >= 2 && (!best || c.n > best.n)) best = c;
  return best?.v ?? null;
}

function observationsOf(
  sku: CatalogSku,
  invoices: readonly PastInvoice[],
  catalog: Map<number, CatalogSku>,
): Observation[] {
  const out: Observation[] = [];
  for (const inv of invoices) {
    const mine = inv.lines.find((l) => l.skuId === sku.id);
    if (!mine) continue;
    out.push({
      target: cents(mine.unitPrice.abs()),
      lines: inv.lines
        .filter(
          (l) => l.skuId !== sku.id && !isPercentageSku(l.skuId !== null ? catalog.get(l.skuId) : undefined),
        )
        .map((l) => {
          const s = l.skuId !== null ? catalog.get(l.skuId) : undefined;
          return {
            cents: cents(l.total),
            itemType: l.itemType,
            isLabor: s?.isLabor === true,
            cats: [...new Set(s?.categoryIds ?? [])].sort((a, b) => a - b),
          };
        }),
    });
  }
  return out;
}

interface Found {
  scope: Scope;
  rate: Decimal;
  cap: bigint | null;
  excl: number[];
  matched: number;
  complexity: number;
}

export interface PercentageInferenceOptions {
  /** Most recent invoices per SKU to learn from (newest first); older ones add little. */
  maxObservations?: number;
}

/**
 * For each percentage SKU on past invoices, the base that reproduces the most of its amounts
 * (ties: the fewest conditions). The price book's reading, a percentage of the subtotal at its
 * rate and limit, stays unless something reproduces more.
 */
export function inferPercentageBases(
  invoices: readonly PastInvoice[],
  catalog: Map<number, CatalogSku>,
  options: PercentageInferenceOptions = {},
): LearnedPercentage[] {
  const newestFirst = [...invoices].sort((a, b) => (a.completedOn < b.completedOn ? 1 : -1));
  const out: LearnedPercentage[] = [];
  const used = new Set(invoices.flatMap((i) => i.lines.map((l) => l.skuId)));
  for (const sku of [...catalog.values()].sort((a, b) => a.id - b.id)) {
    if (!isPercentageSku(sku) || !used.has(sku.id)) continue;
    const obs = observationsOf(sku, newestFirst, catalog).slice(0, options.maxObservations ?? 400);
    if (!obs.length) continue;
    out.push(inferOne(sku, obs, catalog));
  }
  return out;
}

function inferOne(sku: CatalogSku, obs: Observation[], catalog: Map<number, CatalogSku>): LearnedPercentage {
  const book = specFor(sku);
  const bookCap = book.limit ? cents(book.limit) : null;
  const found: Found[] = [];
  let fallbackMatched = 0;
  for (const scope of SCOPES) {
    const groups = obs.map((o) => groupsFor(o, scope));
    // Rates: the book's, and the one the amounts imply when most agree on another (a stale book).
    const rates: Decimal[] = book.rate.gt(0) ? [book.rate] : [];
    const implied = obs.flatMap((o, i) => {
      const base = groups[i]!.reduce((a, g) => a + g.cents, 0n);
      return base > 0n && o.target > 0n
        ? [new Decimal(o.target.toString()).div(base.toString()).toDecimalPlaces(4)]
        : [];
    });
    const other = mode(implied, (r) => r.toString());
    if (other?.gt(0) && !other.eq(book.rate)) rates.push(other);
    for (const rate of rates) {
      const [num, den] = ratio(rate);
      // Caps: the book's, none, and the amount the largest bases all stop at.
      const uncapped = evaluateUncapped(obs, groups, num, den);
      const caps: (bigint | null)[] = [bookCap];
      if (bookCap !== null) caps.push(null);
      const stops = mode(
        obs.filter((o, i) => uncapped[i]! > o.target).map((o) => o.target),
        (c) => c.toString(),
      );
      if (stops !== null && stops > 0n && stops !== bookCap) caps.push(stops);
      for (const cap of caps) {
        const t = { num, den, cap };
        if (scope.complexity === 0 && rate === book.rate && cap === bookCap)
          fallbackMatched = count(evaluate(obs, groups, t, new Set()));
        const { excl, matches } = excludeGreedily(obs, groups, t);
        found.push({
          scope,
          rate,
          cap,
          excl,
          matched: count(matches),
          complexity:
            scope.complexity +
            EXCLUSION_COST * excl.length +
            (rate === book.rate ? 0 : 1) +
            (cap === bookCap ? 0 : 1),
        });
      }
    }
  }
  // Most reproduced; then the simplest; then the fewest item types (the narrowest base).
  found.sort(
    (a, b) =>
      b.matched - a.matched ||
      a.complexity - b.complexity ||
      (a.scope.itemTypes?.length ?? 0) - (b.scope.itemTypes?.length ?? 0),
  );
  if (process.env.CONVENTIONS_DEBUG)
    for (const f of found.slice(0, 6))
      console.error(
        sku.code,
        f.matched,
        f.complexity,
        f.scope.itemTypes ?? (f.scope.laborOnly ? 'labor' : 'subtotal'),
        f.excl,
        f.rate.toString(),
        f.cap,
      );
  const best = found[0];
  const support = obs.length;
  const base = {
    skuId: sku.id,
    skuCode: sku.code,
    skuName: sku.name,
    support,
    fallbackMatched,
  };
  if (!best || best.matched <= fallbackMatched) {
    return {
      ...base,
      rule: null,
      matched: fallbackMatched,
      agreement: fallbackMatched / support,
      description: describeSpec(book, catalog),
    };
  }
  const rule: PercentageBaseRule = {
    skuId: sku.id,
    ...(best.scope.itemTypes ? { itemTypes: best.scope.itemTypes } : {}),
    laborOnly: best.scope.laborOnly,
    excludeCategoryIds: best.excl,
    ...(best.rate === book.rate ? {} : { rate: best.rate.toString() }),
    ...(best.cap === bookCap ? {} : { limit: best.cap === null ? null : toMoneyString(fromCents(best.cap)) }),
    source: 'learned',
    agreement: best.matched / support,
    support,
  };
  return {
    ...base,
    rule,
    matched: best.matched,
    agreement: best.matched / support,
    description: describeSpec(specFor(sku, rule), catalog),
  };
}

function evaluateUncapped(obs: Observation[], groups: Group[][], num: bigint, den: bigint): bigint[] {
  return obs.map((_, i) =>
    amountCents(
      groups[i]!.reduce((a, g) => a + g.cents, 0n),
      num,
      den,
      null,
    ),
  );
}

// ---- words -----------------------------------------------------------------------------------

/** A category's name where the price book gives one, else its id and a few of its SKUs. */
export function categoryLabel(id: number, catalog: Map<number, CatalogSku>): string {
  const members = [...catalog.values()].filter((s) => s.categoryIds?.includes(id));
  for (const s of members) {
    const ids = s.categoryIds ?? [];
    if (ids.length === s.categoryNames.length) {
      const name = s.categoryNames[ids.indexOf(id)];
      if (name) return name;
    }
  }
  const examples = members.slice(0, 2).map((s) => s.code);
  return `category ${id}${examples.length ? ` (${examples.join(', ')}${members.length > 2 ? ', …' : ''})` : ''}`;
}

const percent = (rate: Decimal) => `${rate.times(100).toString()}%`;

export function describeSpec(spec: PercentageSpec, catalog: Map<number, CatalogSku>): string {
  const what = spec.laborOnly
    ? 'labor lines'
    : spec.itemTypes
      ? `${spec.itemTypes.join(' + ')} lines`
      : 'the subtotal';
  const except = spec.excludeCategoryIds.length
    ? ` except ${spec.excludeCategoryIds.map((c) => categoryLabel(c, catalog)).join(', ')}`
    : '';
  const cap = spec.limit ? `, at most ${toMoneyString(spec.limit)}` : '';
  return `${percent(spec.rate)} of ${what}${except}${cap}`;
}
