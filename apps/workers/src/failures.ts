// What happens when a job will not be retried again: the run is marked failed and a review
// item with reason stage_failed is opened, so a failure is never silent. Invalid payloads are
// recorded in rejected_events for inspection.
import {
  errorMessage,
  eventsFrom,
  type InvalidInputError,
  type PayloadOf,
  type QueueName,
  type RunStatus,
  TenantSettings,
} from '@invoicer/core';
import type { Db } from '@invoicer/db';
import {
  appendAuditTx,
  getRun,
  invoiceSubjectKey,
  openReviewItem,
  recordRejected,
  transitionRun,
} from '@invoicer/db';
import { stageValue } from '@invoicer/pipeline';
import type { WorkerHooks } from '@invoicer/platform';
import type { TenantRuntime } from '@invoicer/tenant';
import type { Job } from 'bullmq';
import { recordReconcileFailure } from './reconcile/failure.ts';

const DEFAULT_SLA_HOURS = TenantSettings.parse({}).policy.reviewSlaHours;

export function failureHooks(
  db: Db,
  runtime: TenantRuntime,
  metrics: Partial<Pick<WorkerHooks, 'onCompleted' | 'onFailedAttempt'>>,
): WorkerHooks {
  return {
    async onRejected(queue: QueueName, job: Job, error: InvalidInputError) {
      await recordRejected(db, `queue:${queue}`, error.message, {
        jobId: job.id,
        name: job.name,
        data: job.data,
      });
    },
    async onFinalFailure(queue: QueueName, payload: unknown, error: unknown) {
      if (queue === 'payment.reconcile') {
        await recordReconcileFailure(db, runtime, payload as PayloadOf<'payment.reconcile'>, error);
        return;
      }
      const p = payload as { tenantId?: string; runId?: string };
      if (!p.runId || !p.tenantId) return;
      const run = await getRun(db, p.runId);
      if (!run) return;
      // A damaged extract output must not stop the failure from being recorded.
      const context = (await stageValue(db, run.id, 'extract').catch(() => null))?.context;
      // Stored settings that no longer validate must not stop the failure from being recorded.
      const slaHours = await runtime
        .settings(run.tenantId)
        .then((settings) => settings.policy.reviewSlaHours)
        .catch(() => DEFAULT_SLA_HOURS);
      await db.$transaction(async (tx) => {
        // A run that reached a person or a final state meanwhile keeps it; the item still opens.
        const current = await tx.pipelineRun.findUniqueOrThrow({ where: { id: run.id } });
        if (eventsFrom(current.status as RunStatus).includes('failed'))
          await transitionRun(tx, current, 'failed', {
            error: { queue, message: errorMessage(error).slice(0, 2000), ...codeOf(error) },
          });
        const { item } = await openReviewItem(tx, {
          tenantId: run.tenantId,
          kind: 'invoice',
          subjectKey: invoiceSubjectKey(run.id),
          runId: run.id,
          reasons: ['stage_failed'],
          amount: context?.invoice?.total ?? '0.00',
          stJobId: Number(run.stJobId),
          businessUnitId: context?.job?.businessUnitId ?? null,
          jobTypeId: context?.job?.jobTypeId ?? null,
          customerName: context?.customer?.name ?? null,
          summary: `${queue} failed: ${errorMessage(error).slice(0, 200)}`,
          details: { queue, error: errorMessage(error).slice(0, 2000) },
          slaHours,
        });
        await appendAuditTx(tx, {
          tenantId: run.tenantId,
          actorType: 'system',
          actor: 'worker',
          action: 'run.failed',
          stJobId: Number(run.stJobId),
          runId: run.id,
          reviewItemId: item.id,
          data: { queue, error: errorMessage(error).slice(0, 2000) },
        });
      });
    },
    ...metrics,
  };
}

/** A machine-readable cause kept on the failed run (e.g. job_not_completed), when the error has one. */
function codeOf(error: unknown): { code?: string } {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[a-z_]+$/.test(code) ? { code } : {};
}
