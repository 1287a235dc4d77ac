// Keep ServiceTitan's invoice reviewStatus in step with a hold: write it, read it back, and
// record the write in the ledger (every write to ServiceTitan has a ledger row).
import { errorMessage } from '@invoicer/core';
import { beginWrite, completeWrite, failWrite, type ReviewItem } from '@invoicer/db';
import { HttpError } from '../http/errors.ts';
import type { ConsoleServices } from '../services.ts';
import { stageValue } from './load.ts';

export type StReviewStatus = 'NeedsReview' | 'OnHold' | 'Reviewed';

export async function setInvoiceReviewStatus(
  services: ConsoleServices,
  item: ReviewItem,
  reviewStatus: StReviewStatus,
): Promise<{ invoiceId: number; reviewStatus: string } | null> {
  const { db } = services;
  const run = item.runId ? await db.pipelineRun.findUnique({ where: { id: item.runId } }) : null;
  const extract = run && !run.stInvoiceId ? await stageValue(db, run.id, 'extract') : null;
  const invoiceId = run?.stInvoiceId ? Number(run.stInvoiceId) : extract?.context.invoice.id;
  if (!invoiceId) return null;
  const key = `console:${item.id}:review-status:${reviewStatus}:${Date.now()}`;
  await beginWrite(db, {
    key,
    tenantId: item.tenantId,
    runId: item.runId,
    operation: 'invoice.reviewStatus',
    request: { invoiceId, reviewStatus },
  });
  try {
    const client = await services.runtime.client(item.tenantId);
    await client.patchInvoice(invoiceId, { reviewStatus });
    const check = await client.getInvoice(invoiceId);
    if (check?.reviewStatus !== reviewStatus)
      throw new Error(`invoice ${invoiceId} reads back reviewStatus ${check?.reviewStatus ?? '(missing)'}`);
    await completeWrite(db, key, { reviewStatus: check.reviewStatus });
    return { invoiceId, reviewStatus: check.reviewStatus };
  } catch (error) {
    await failWrite(db, key, errorMessage(error));
    services.log.warn({ itemId: item.id, invoiceId, err: errorMessage(error) }, 'reviewStatus write failed');
    throw new HttpError(
      502,
      `ServiceTitan did not take the change (${errorMessage(error)}). Nothing was changed here; try again.`,
    );
  }
}
