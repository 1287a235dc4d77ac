// invoice.route: apply the tenant's policy. Shadow records only; review opens (or refreshes) a
// review item with its reasons; auto-approved drafts go to invoice.post.
import { routeStage } from '@invoicer/billing';
import type { PayloadOf } from '@invoicer/core';
import { type AuditInput, appendAuditTx, invoiceSubjectKey, openReviewItem } from '@invoicer/db';
import { withEvidence } from '../evidence/route-reasons.ts';
import type { WorkerServices } from '../services.ts';
import { runStage } from './runner.ts';

export async function route(services: WorkerServices, payload: PayloadOf<'invoice.route'>): Promise<void> {
  await runStage(services, payload, 'route', async (run, { extract, draft: document, optional }) => {
    const settings = await services.runtime.settings(run.tenantId);
    // Evidence reasons (sold estimate, photos); a run drafted before that stage existed has none.
    const decision = withEvidence(routeStage(extract.context, document, settings), optional.evidence ?? null);
    const context = extract.context;
    const audit = (action: string, extra: Record<string, unknown> = {}): AuditInput => ({
      tenantId: run.tenantId,
      actorType: 'system',
      actor: 'policy',
      action,
      stJobId: context.job.id,
      runId: run.id,
      data: {
        route: decision.route,
        reasons: decision.reasons,
        mode: decision.mode,
        confidence: document.confidence,
        total: document.total,
        ...extra,
      },
    });
    if (decision.route === 'shadow') {
      return {
        output: decision,
        event: 'routed_shadow',
        next: null,
        patch: { mode: decision.mode },
        audit: audit('run.shadow'),
      };
    }
    if (decision.route === 'auto_post') {
      return {
        output: decision,
        event: 'routed_auto',
        next: 'invoice.post',
        nextPayload: { revision: 1 },
        patch: { mode: decision.mode },
        audit: audit('run.auto_approved'),
      };
    }
    return {
      output: decision,
      event: 'routed_review',
      next: null,
      patch: { mode: decision.mode },
      also: async (tx) => {
        const { item } = await openReviewItem(tx, {
          tenantId: run.tenantId,
          kind: 'invoice',
          subjectKey: invoiceSubjectKey(run.id),
          runId: run.id,
          reasons: decision.reasons,
          amount: document.total,
          stJobId: context.job.id,
          businessUnitId: context.job.businessUnitId,
          jobTypeId: context.job.jobTypeId,
          customerName: context.customer.name,
          summary: `${context.job.jobTypeName} · job ${context.job.number ?? context.job.id} · ${document.diff.added.length} added, ${document.flags.length} flag(s)`,
          details: { confidence: document.confidence, explanation: decision.explanation },
          needsManager: decision.needsManager,
          slaHours: settings.policy.reviewSlaHours,
        });
        await appendAuditTx(tx, audit('review.opened', { reviewItemId: item.id }));
      },
    };
  });
}
