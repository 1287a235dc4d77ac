// Confidence, line and invoice. A line's confidence comes from its sources (match score and
// lead, rule, learned support, technician entry) and is adjusted for agreement between the
// structured invoice and the notes. The invoice's confidence is the chance that nothing on it
// is wrong and nothing is missing: the product of its added and changed lines' confidences,
// times the chance (from the shop's history) that nothing else needed adding, lowered for every
// flag and for every used item the notes mention that we could not place.
import type { Flag, PricedLine, ProposedLine } from '../types.ts';

/** Combine independent sources for one SKU: the best one, nudged up by each confirmation. */
export function combineConfidence(values: number[]): number {
  const sorted = [...values].sort((a, b) => b - a);
  let c = sorted[0] ?? 0;
  for (const v of sorted.slice(1)) c += (1 - c) * v * 0.35;
  return Math.min(0.99, c);
}

/** Merge lines proposing the same SKU (from notes, rules and history) into one. */
export function mergeProposals(lines: ProposedLine[]): ProposedLine[] {
  const bySku = new Map<string, ProposedLine[]>();
  for (const line of lines) {
    const key = line.origin === 'added' ? `add:${line.skuId}` : line.key;
    bySku.set(key, [...(bySku.get(key) ?? []), line]);
  }
  return [...bySku.values()].map((group) => {
    if (group.length === 1) return group[0]!;
    // Prefer the note span (most specific provenance), then rule, then history.
    const order = ['note_span', 'labor', 'rule', 'history_pattern'];
    const primary = [...group].sort(
      (a, b) => order.indexOf(a.provenance.kind) - order.indexOf(b.provenance.kind),
    )[0]!;
    const measured = group.find((l) => l.provenance.kind === 'note_span' || l.provenance.kind === 'rule');
    return {
      ...primary,
      quantity: measured?.quantity ?? primary.quantity,
      evidence: group.flatMap((l) => l.evidence),
      confidence: combineConfidence(group.map((l) => l.confidence)),
      reason: primary.reason,
    };
  });
}

export const TECHNICIAN_ITEM_CONFIDENCE = 0.95;

/**
 * residualRisk: the chance, from the shop's history, that jobs like this one needed the office
 * to add something afterwards. Our own additions answer part of it; what is left lowers the
 * confidence that nothing is missing.
 */
export function invoiceConfidence(
  lines: PricedLine[],
  flags: Flag[],
  unmatchedBillableMentions: number,
  residualRisk = 0,
): number {
  // Every added or changed line must be right (independent chances), and nothing else missing.
  const changed = lines.filter((l) => l.origin !== 'technician');
  let c = changed.reduce((p, l) => p * l.confidence, 1);
  c *= 1 - Math.min(0.9, residualRisk);
  for (const flag of flags) c *= flag.severity === 'error' ? 0.3 : flag.severity === 'warning' ? 0.75 : 0.95;
  c *= 0.85 ** Math.min(unmatchedBillableMentions, 4);
  return Math.max(0, Math.min(0.99, c));
}
