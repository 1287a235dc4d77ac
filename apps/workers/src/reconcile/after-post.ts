// A payment that overpaid an invoice by exactly a line of our draft still in review waits in
// review (nothing can be applied to a line ServiceTitan does not have yet). Once that draft is
// posted, the invoice carries the line: each such payment is decided again, and now matches.
import type { WorkerServices } from '../services.ts';

export async function recheckPaymentsAfterPost(
  services: Pick<WorkerServices, 'db' | 'queues'>,
  payload: { tenantId: string; runId: string; revision: number },
): Promise<number> {
  const waiting = await services.db.$queryRaw<
    { subject_kind: string; subject_id: string; version: string }[]
  >`
    SELECT subject_kind, subject_id, version FROM reconciliations
     WHERE tenant_id = ${payload.tenantId} AND status = 'review'
       AND subject_kind IN ('st_payment', 'bank_line')
       AND decision->'pendingDraft'->>'runId' = ${payload.runId}`;
  for (const row of waiting)
    await services.queues.enqueue('payment.reconcile', {
      tenantId: payload.tenantId,
      subject: row.subject_kind as 'st_payment' | 'bank_line',
      subjectId: row.subject_id,
      version: row.version,
      recheck: `posted-${payload.runId}-r${payload.revision}`,
    });
  return waiting.length;
}
