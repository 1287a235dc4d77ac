// What the evidence stage adds to routing: its review reasons. A draft the policy would post
// goes to review instead; a shadow run stays a shadow record (with the reasons noted).
import type { RouteDecision } from '@invoicer/billing';
import type { EvidenceOutput } from '@invoicer/evidence';

export function withEvidence(decision: RouteDecision, evidence: EvidenceOutput | null): RouteDecision {
  const added = (evidence?.reasons ?? []).filter((r) => !decision.reasons.includes(r));
  if (!added.length) return decision;
  return {
    ...decision,
    route: decision.route === 'auto_post' ? 'review' : decision.route,
    reasons: [...decision.reasons, ...added],
    explanation: `${decision.explanation} Evidence: ${added.join(', ')}.`,
  };
}
