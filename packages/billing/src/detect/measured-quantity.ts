// A line the shop's history adds (oil on a generator service, wire on a circuit) comes with the
// quantity the office usually bills. When the notes measure that very item in the unit the SKU
// is sold by ("OIL & FILTER (5 QT)", "ran 46 ft of 6/3"), the notes' figure is this job's.
import { poundsFromOunces, skuSoldBy } from '../extract/match.ts';
import type { Mention } from '../text/mentions.ts';
import { contentWords } from '../text/vocabulary.ts';
import type { CatalogSku, ProposedLine } from '../types.ts';

/** Measured units a SKU may be sold by; counts ("each") are not measurements. */
const MEASURED = new Set<Mention['unit']>(['lb', 'oz', 'foot', 'gallon', 'quart']);

/**
 * The quantity the notes measure for a history-added line, or null when they measure none of
 * it or disagree (two different figures): then the usual quantity stands.
 */
export function measuredQuantity(sku: CatalogSku, mentions: readonly Mention[]): number | null {
  const name = new Set(contentWords(sku.name));
  const figures = new Set<number>();
  for (const m of mentions) {
    if (!m.billable || m.quantity === null || m.quantity <= 0 || !MEASURED.has(m.unit)) continue;
    if (m.unit === 'oz' ? !skuSoldBy('oz', sku) && !skuSoldBy('lb', sku) : !skuSoldBy(m.unit, sku)) continue;
    if (!m.words.some((w) => name.has(w))) continue;
    // Ounces of a per-pound SKU are billed in pounds.
    figures.add(m.unit === 'oz' && !skuSoldBy('oz', sku) ? poundsFromOunces(m.quantity) : m.quantity);
  }
  return figures.size === 1 ? [...figures][0]! : null;
}

/** History-pattern lines take the quantity the notes measure for them (see measuredQuantity). */
export function withMeasuredQuantities(
  lines: ProposedLine[],
  catalog: Map<number, CatalogSku>,
  mentions: readonly Mention[],
): ProposedLine[] {
  return lines.map((line) => {
    if (line.origin !== 'added' || line.provenance.kind !== 'history_pattern') return line;
    const sku = catalog.get(line.skuId);
    if (sku?.kind !== 'material') return line;
    const measured = measuredQuantity(sku, mentions);
    if (measured === null || measured === Number(line.quantity)) return line;
    return {
      ...line,
      quantity: String(measured),
      evidence: [...line.evidence, { kind: 'note_span', detail: `the notes measure ${measured} for it` }],
      reason: `${line.reason} The notes measure ${measured}.`,
    };
  });
}
