// Routing: the tenant's policy decides whether a draft may be posted without a person.
// Shadow mode records only; suggest mode always asks; auto mode posts only when every check
// passes. Anything uncertain, large, flagged or chosen for review goes to the queue.
import { effectivePolicy, fromAmountString, type InvoiceReason, type TenantSettings } from '@invoicer/core';
import type { DraftDocument } from '../draft/draft.ts';
import type { JobContext } from '../types.ts';

export type Route = 'auto_post' | 'review' | 'shadow';

export interface RouteDecision {
  route: Route;
  reasons: InvoiceReason[];
  mode: 'shadow' | 'suggest' | 'auto';
  needsManager: boolean;
  threshold: number;
  amountThreshold: string;
  explanation: string;
}

export function routeDraft(
  context: JobContext,
  draft: DraftDocument,
  policySettings: TenantSettings['policy'],
): RouteDecision {
  const policy = effectivePolicy(policySettings, context.job.businessUnitId, context.job.jobTypeId);
  const total = fromAmountString(draft.total);
  const reasons: InvoiceReason[] = [];
  if (policy.mode === 'suggest') reasons.push('suggest_mode');
  if (draft.confidence < policy.autoApproveConfidence) reasons.push('low_confidence');
  if (total.gt(fromAmountString(policy.amountThreshold))) reasons.push('amount_over_threshold');
  const tags = new Set([...context.customer.tagTypeIds, ...context.job.tagTypeIds]);
  if (
    policySettings.alwaysReviewCustomerIds.includes(context.customer.id) ||
    policySettings.alwaysReviewCustomerTagIds.some((t) => tags.has(t))
  ) {
    reasons.push('always_review_customer');
  }
  if (policySettings.alwaysReviewJobTypeIds.includes(context.job.jobTypeId))
    reasons.push('always_review_job_type');
  if (draft.flags.some((f) => f.severity !== 'info')) reasons.push('validation_flag');
  const needsManager = total.gt(fromAmountString(policySettings.managerThreshold));

  const route: Route = policy.mode === 'shadow' ? 'shadow' : reasons.length ? 'review' : 'auto_post';
  const explanation =
    route === 'shadow'
      ? 'Shadow mode: recorded only, nothing is posted.'
      : route === 'auto_post'
        ? `Auto-approved: confidence ${draft.confidence.toFixed(2)} ≥ ${policy.autoApproveConfidence}, total ${draft.total} ≤ ${policy.amountThreshold}, no flags.`
        : `Needs review: ${reasons.join(', ')}.`;
  return {
    route,
    reasons,
    mode: policy.mode,
    needsManager,
    threshold: policy.autoApproveConfidence,
    amountThreshold: policy.amountThreshold,
    explanation,
  };
}
