// Tenant rules, Odoo-style: ordered, the first whose requirements the evidence meets decides
// whether the match may auto-apply or only be suggested. A rule never fires on its own
// confidence: the caller also checks minConfidence, autoApplyConfidence and ambiguity.
import type { Evidence, EvidenceKind, ReconcileRule } from './types.ts';

type Requirement = ReconcileRule['requires'][number];

/** Evidence kinds that satisfy each requirement. A short pay within tolerance counts as the amount. */
const SATISFIED_BY: Record<Requirement, EvidenceKind[]> = {
  reference: ['reference'],
  exact_amount: ['exact_amount', 'amount_within_tolerance'],
  customer: ['customer'],
  date_window: ['date_window'],
};

export function firstMatchingRule(rules: ReconcileRule[], evidence: Evidence[]): ReconcileRule | undefined {
  const present = new Set(evidence.filter((e) => e.weight > 0).map((e) => e.kind));
  return rules.find((rule) => rule.requires.every((r) => SATISFIED_BY[r].some((kind) => present.has(kind))));
}
