// Lines for parts that go with a billed task (history/companions.ts) and that the technician
// left off. The learned policy's decision stands where its office tree found a condition for the
// part; where it found none (too few office additions to split on), the task's record decides.
import { shopCompanions } from '../history/companions.ts';
import type { HistoryModel } from '../history/model.ts';
import type { PolicyPrediction } from '../history/policy.ts';
import type { CatalogSku, ProposedLine } from '../types.ts';
import { isPartOf } from './policy-lines.ts';

export interface CompanionInput {
  model: HistoryModel;
  catalog: Map<number, CatalogSku>;
  /** The draft's lines so far (technician items and note lines), for the tasks and their quantities. */
  billed: readonly ProposedLine[];
  /** SKUs already decided: billed, waived, forbidden or added by the policy. */
  excluded: Set<number>;
  predictions: readonly PolicyPrediction[];
}

export function companionLines(input: CompanionInput): ProposedLine[] {
  const isPart = isPartOf(input.catalog);
  const companions = shopCompanions(input.model, isPart);
  // A condition of the office tree; the office's record in the job's situation is no finer than
  // the task's own record, which knows the quantity too.
  const conditioned = new Set(
    input.predictions.filter((p) => p.path.length > 0 && p.source === 'office').map((p) => p.skuId),
  );
  const out = new Map<number, ProposedLine>();
  for (const line of input.billed) {
    const task = input.catalog.get(line.skuId);
    for (const c of companions.get(line.skuId) ?? []) {
      const part = input.catalog.get(c.part);
      if (!task || !part?.active || input.excluded.has(c.part) || conditioned.has(c.part)) continue;
      const quantity = Number(line.quantity);
      if (!(quantity > 0)) continue;
      const previous = out.get(c.part);
      if (previous && Number(previous.quantity) >= quantity) continue;
      const office =
        c.opportunities > 0
          ? `; the office added it on ${c.adds} of ${c.opportunities} the technician left it off`
          : '';
      const detail = `${part.code} was billed with ${task.code} on ${c.together} of ${c.jobs} past jobs, at its quantity on ${c.sameQuantity}${office}`;
      out.set(c.part, {
        key: `companion:${part.id}`,
        skuId: part.id,
        quantity: String(quantity),
        origin: 'added',
        existingItemId: null,
        provenance: {
          kind: 'history_pattern',
          pattern: `s:${task.id} → ${part.code} × quantity`,
          support: c.together,
          confidence: c.p,
        },
        evidence: [{ kind: 'history_pattern', detail, support: c.jobs, confidence: c.p }],
        confidence: Math.min(0.95, c.p),
        reason: `Added ${part.name}: it goes with ${task.name} (${detail}).`,
      });
    }
  }
  return [...out.values()];
}
