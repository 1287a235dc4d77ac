// The shop's tax convention, learned from its own invoices: how tax is rounded (per line, per
// rate, once per invoice), how taxable fees and discounts enter the bases, and which item types
// the Material base holds. Each candidate recomputes every past taxed invoice with the real
// engine; the one reproducing the most to the cent wins, provided it beats the fallback (the
// tenant's stored settings) by more than chance would.
import { type TaxSettings, ZERO } from '@invoicer/core';
import type { z } from 'zod';
import { computeTax } from '../tax/engine.ts';
import type { LearnedTax, PastInvoice, TaxConvention, TaxDimension } from './types.ts';

type Tax = z.infer<typeof TaxSettings>;

const ROUNDINGS: TaxConvention['rounding'][] = ['rate', 'invoice', 'line'];
const MODIFIER_BASES: TaxConvention['modifierBase'][] = ['subtotal', 'spread'];
const MATERIAL_TYPES: TaxConvention['materialItemTypes'][] = [['Material', 'Equipment'], ['Material']];
const DIMENSIONS: TaxDimension[] = ['rounding', 'modifierBase', 'laborItemTypes', 'materialItemTypes'];

const norm = (r: TaxConvention['rounding']) => (r === 'document' ? 'rate' : r);
const keyOf = (c: TaxConvention) =>
  `${norm(c.rounding)}|${c.modifierBase}|${[...c.laborItemTypes].sort().join('+')}|${[...c.materialItemTypes].sort().join('+')}`;
const dimKey = (c: TaxConvention, d: TaxDimension) => {
  const v = c[d];
  return Array.isArray(v)
    ? [...v].sort().join('+')
    : d === 'rounding'
      ? norm(v as TaxConvention['rounding'])
      : String(v);
};

export function conventionOf(tax: Tax): TaxConvention {
  return {
    rounding: norm(tax.rounding),
    modifierBase: tax.modifierBase,
    laborItemTypes: tax.laborItemTypes,
    materialItemTypes: tax.materialItemTypes,
  };
}

const ROUNDING_WORDS: Record<string, string> = {
  line: 'per line',
  rate: 'per rate',
  invoice: 'once per invoice',
};

export function describeTaxConvention(c: TaxConvention): string {
  return [
    `rounded ${ROUNDING_WORDS[norm(c.rounding)]}`,
    `taxable fees and discounts ${c.modifierBase === 'spread' ? 'spread over the taxed lines' : 'in the Subtotal base only'}`,
    `Labor base = ${c.laborItemTypes.join(' + ')}`,
    `Material base = ${c.materialItemTypes.join(' + ')}`,
  ].join('; ');
}

/** The candidates: every rounding × modifier base × Material base, plus the fallback itself. */
export function taxCandidates(fallback: TaxConvention): TaxConvention[] {
  const out = new Map<string, TaxConvention>();
  out.set(keyOf(fallback), fallback);
  for (const rounding of ROUNDINGS)
    for (const modifierBase of MODIFIER_BASES)
      for (const materialItemTypes of MATERIAL_TYPES) {
        const c: TaxConvention = {
          rounding,
          modifierBase,
          laborItemTypes: fallback.laborItemTypes,
          materialItemTypes,
        };
        if (!out.has(keyOf(c))) out.set(keyOf(c), c);
      }
  return [...out.values()];
}

/** P(X ≥ wins) for X ~ Binomial(wins + losses, 1/2): how likely a lead this big is by chance. */
export function signTestP(wins: number, losses: number): number {
  const n = wins + losses;
  if (n === 0) return 1;
  let p = 0;
  let term = 0.5 ** n; // C(n, 0) / 2^n
  for (let k = 0; k <= n; k++) {
    if (k >= wins) p += term;
    term = (term * (n - k)) / (k + 1);
  }
  return Math.min(1, p);
}

/** A convention replaces the fallback only when its lead would arise by chance less than this often. */
export const SIGNIFICANCE = 0.05;

export interface TaxInferenceOptions {
  /** Memo of (candidate, invoice) → reproduced, kept by the caller across calls. */
  cache?: Map<string, boolean>;
}

/** The candidate as far as this invoice can tell it apart from the fallback. */
function canonical(c: TaxConvention, inv: PastInvoice, fallback: TaxConvention): TaxConvention {
  const modifiers = inv.lines.some((l) => l.taxable && l.itemType === 'PriceModifier' && !l.total.isZero());
  const differing = new Set(
    [...c.materialItemTypes, ...fallback.materialItemTypes].filter(
      (t) => c.materialItemTypes.includes(t) !== fallback.materialItemTypes.includes(t),
    ),
  );
  const material = inv.lines.some((l) => l.taxable && differing.has(l.itemType));
  return {
    ...c,
    modifierBase: modifiers ? c.modifierBase : fallback.modifierBase,
    materialItemTypes: material ? c.materialItemTypes : fallback.materialItemTypes,
  };
}

/** An invoice's identity for the memo: anything that changes its tax changes the key. */
function invoiceKey(inv: PastInvoice): string {
  const rates = (inv.zone?.rates ?? [])
    .map((r) => `${r.taxRate}:${(r.taxBaseType ?? []).join('+')}`)
    .join(',');
  const lines = inv.lines
    .map((l) => `${l.itemType[0]}${l.taxable ? 't' : 'n'}${l.total.toString()}`)
    .join(',');
  return `${inv.invoiceId}|${inv.salesTax.toString()}|${rates}|${lines}`;
}

function reproduces(inv: PastInvoice, c: TaxConvention, fallback: Tax): boolean {
  try {
    const result = computeTax(
      inv.lines.map((l, i) => ({
        key: String(i).padStart(4, '0'),
        itemType: l.itemType,
        amount: l.total,
        taxable: l.taxable,
      })),
      inv.zone,
      { ...fallback, ...c, exempt: false },
    );
    return result.salesTax.eq(inv.salesTax);
  } catch {
    return false;
  }
}

/**
 * Invoices that can tell conventions apart: taxed (a zero tax may be an exempt location, which
 * the invoice does not say) and with a known zone.
 */
export function taxEvidence(invoices: readonly PastInvoice[]): PastInvoice[] {
  return invoices.filter((i) => i.zone !== null && !i.salesTax.eq(ZERO));
}

export function inferTaxConvention(
  invoices: readonly PastInvoice[],
  fallbackSettings: Tax,
  options: TaxInferenceOptions = {},
): LearnedTax {
  const fallback = conventionOf(fallbackSettings);
  const evidence = taxEvidence(invoices);
  const candidates = taxCandidates(fallback);
  const label = (c: TaxConvention) => describeTaxConvention(c);
  if (!evidence.length) {
    return {
      status: 'no_history',
      convention: fallback,
      support: 0,
      matched: 0,
      agreement: 0,
      fallbackMatched: 0,
      tied: [...DIMENSIONS],
      candidates: candidates.map((c) => ({ convention: c, label: label(c), matched: 0 })),
    };
  }
  const cache = options.cache ?? new Map<string, boolean>();
  const keys = evidence.map(invoiceKey);
  const matrix = candidates.map((c) =>
    evidence.map((inv, j) => {
      // Candidates that differ only where this invoice has nothing to differ on (no taxable
      // fee or discount, no taxable equipment) tax it alike: computed once.
      const k = `${keyOf(canonical(c, inv, fallback))}#${keys[j]}`;
      let hit = cache.get(k);
      if (hit === undefined) {
        hit = reproduces(inv, c, fallbackSettings);
        cache.set(k, hit);
      }
      return hit;
    }),
  );
  const counts = matrix.map((row) => row.filter(Boolean).length);
  const top = Math.max(...counts);
  const bestIdx = counts.flatMap((n, i) => (n === top ? [i] : []));
  const fallbackIdx = 0; // taxCandidates puts the fallback first
  const differs = (c: TaxConvention) => DIMENSIONS.filter((d) => dimKey(c, d) !== dimKey(fallback, d)).length;
  // Among the best, the one closest to the fallback (then the candidate order).
  const chosenIdx = [...bestIdx].sort(
    (a, b) => differs(candidates[a]!) - differs(candidates[b]!) || a - b,
  )[0]!;
  const tied = DIMENSIONS.filter((d) => new Set(bestIdx.map((i) => dimKey(candidates[i]!, d))).size > 1);
  const ranked = candidates
    .map((c, i) => ({ convention: c, label: label(c), matched: counts[i]! }))
    .sort((a, b) => b.matched - a.matched);
  const common = { support: evidence.length, fallbackMatched: counts[fallbackIdx]!, candidates: ranked };
  // The settings stay: the history cannot tell the candidates apart, or not beyond chance.
  const keepSettings = (status: 'tie' | 'insufficient') => ({
    ...common,
    status,
    convention: fallback,
    matched: counts[fallbackIdx]!,
    agreement: counts[fallbackIdx]! / evidence.length,
    tied,
  });
  // Every candidate reproduces as many invoices: the history cannot tell them apart.
  if (bestIdx.length === candidates.length) return keepSettings('tie');
  if (chosenIdx !== fallbackIdx) {
    let wins = 0;
    let losses = 0;
    matrix[chosenIdx]!.forEach((v, j) => {
      const f = matrix[fallbackIdx]![j]!;
      if (v && !f) wins++;
      else if (!v && f) losses++;
    });
    if (signTestP(wins, losses) > SIGNIFICANCE) return keepSettings('insufficient');
  }
  const chosen = candidates[chosenIdx]!;
  return {
    ...common,
    status: 'learned',
    convention: chosen,
    matched: counts[chosenIdx]!,
    agreement: counts[chosenIdx]! / evidence.length,
    tied,
  };
}
