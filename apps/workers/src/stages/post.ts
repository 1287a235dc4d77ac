// invoice.post: write an approved draft revision to the ServiceTitan invoice. Every write has a
// ledger row keyed by run, revision and line. A retry skips completed writes; a write that was
// sent but never confirmed (a crash between the two) is resolved by reading the invoice back
// and claiming the new item that matches it, so nothing is appended twice. After the writes,
// the invoice is read back and compared with the draft; any difference reopens the review
// item with the difference shown instead of being marked posted.
import type { PricedLine } from '@invoicer/billing';
import { fromAmountString, type PayloadOf } from '@invoicer/core';
import {
  appendAuditTx,
  beginWrite,
  completeWrite,
  getDraft,
  getWrite,
  invoiceSubjectKey,
  listWrites,
  openReviewItem,
  setRunStatus,
} from '@invoicer/db';
import type { Invoice, InvoiceItem, StClient } from '@invoicer/servicetitan';
import type { WorkerServices } from '../services.ts';
import type { ExtractOutput } from './extract.ts';
import { loadRun, requireOutput } from './runner.ts';

export interface PostDifference {
  line: string;
  expected: string;
  actual: string;
}

function sameQuantity(item: InvoiceItem, line: PricedLine): boolean {
  return fromAmountString(item.quantity).eq(fromAmountString(line.quantity));
}

/** Compare the invoice as ServiceTitan now has it with the draft. */
export function compareWithDraft(
  invoice: Invoice,
  lines: PricedLine[],
  claimed: Map<string, number>,
  draft: { subTotal: string; salesTax: string; total: string },
): PostDifference[] {
  const diffs: PostDifference[] = [];
  const items = new Map((invoice.items ?? []).filter((i) => i.active !== false).map((i) => [i.id, i]));
  for (const line of lines) {
    const itemId = line.origin === 'added' ? claimed.get(line.key) : line.existingItemId;
    const item = itemId !== undefined && itemId !== null ? items.get(itemId) : undefined;
    if (!item) {
      diffs.push({
        line: `${line.skuCode} (${line.key})`,
        expected: `${line.quantity} × ${line.unitPrice}`,
        actual: 'missing on the invoice',
      });
      continue;
    }
    if (!sameQuantity(item, line))
      diffs.push({
        line: line.skuCode,
        expected: `quantity ${line.quantity}`,
        actual: `quantity ${item.quantity}`,
      });
    if (!fromAmountString(item.total).eq(fromAmountString(line.total)))
      diffs.push({ line: line.skuCode, expected: `total ${line.total}`, actual: `total ${item.total}` });
    items.delete(item.id);
  }
  for (const extra of items.values())
    diffs.push({
      line: extra.skuName ?? String(extra.id),
      expected: 'not on the draft',
      actual: `on the invoice (${extra.quantity} × ${extra.price})`,
    });
  for (const field of ['subTotal', 'salesTax', 'total'] as const) {
    if (!fromAmountString(invoice[field]).eq(fromAmountString(draft[field])))
      diffs.push({ line: field, expected: draft[field], actual: invoice[field] });
  }
  return diffs;
}

async function readInvoice(client: StClient, invoiceId: number): Promise<Invoice> {
  const invoice = await client.getInvoice(invoiceId);
  if (!invoice) throw new Error(`invoice ${invoiceId} is not in ServiceTitan`);
  return invoice;
}

export async function post(services: WorkerServices, payload: PayloadOf<'invoice.post'>): Promise<void> {
  const { db } = services;
  const run = await loadRun(services, payload.tenantId, payload.runId);
  if (run.status === 'posted' && run.draftRevision === payload.revision) return;
  const draft = await getDraft(db, run.id, payload.revision);
  if (!draft) throw new Error(`run ${run.id} has no draft revision ${payload.revision}`);
  const extracted = await requireOutput<ExtractOutput>(services, run.id, 'extract');
  const invoiceId = extracted.context.invoice.id;
  const client = await services.runtime.client(run.tenantId);
  const log = services.log.child({
    tenant: run.tenantId,
    stJobId: Number(run.stJobId),
    runId: run.id,
    stage: 'post',
    revision: payload.revision,
  });
  const lines = draft.lines as unknown as PricedLine[];
  const prefix = `post:${run.id}:r${payload.revision}`;
  await setRunStatus(db, run.id, 'posting');

  let invoice = await readInvoice(client, invoiceId);
  if (invoice.syncStatus && invoice.syncStatus !== 'Pending') {
    await reopen(
      services,
      run,
      draft.total.toString(),
      [{ line: 'invoice', expected: 'Pending', actual: invoice.syncStatus }],
      extracted,
      payload.revision,
    );
    return;
  }
  const baseline = new Set(extracted.context.invoice.items.map((i) => i.id));
  const claimed = new Map<string, number>();
  for (const w of await listWrites(db, run.id)) {
    const itemId = (w.response as { itemId?: number } | null)?.itemId;
    const addPrefix = `${prefix}:add:`;
    if (w.key.startsWith(addPrefix) && w.status === 'completed' && typeof itemId === 'number')
      claimed.set(w.key.slice(addPrefix.length), itemId);
  }
  const claimedIds = () => new Set(claimed.values());
  const findNew = (line: PricedLine) =>
    (invoice.items ?? []).find(
      (i) =>
        !baseline.has(i.id) && !claimedIds().has(i.id) && i.skuId === line.skuId && sameQuantity(i, line),
    );

  // 1. Appends, one item per call.
  const added = lines.filter((l) => l.origin === 'added');
  let sent = 0;
  for (const line of added) {
    const key = `${prefix}:add:${line.key}`;
    if (claimed.has(line.key)) continue;
    const existing = await getWrite(db, key);
    const recovered = existing ? findNew(line) : undefined;
    if (recovered) {
      // Sent before a crash and applied by ServiceTitan: claim it, do not send again.
      await completeWrite(db, key, { itemId: recovered.id, recovered: true });
      claimed.set(line.key, recovered.id);
      continue;
    }
    const request = {
      skuId: line.skuId,
      description: line.description,
      quantity: Number(line.quantity),
      unitPrice: Number(line.unitPrice),
    };
    await beginWrite(db, {
      key,
      tenantId: run.tenantId,
      runId: run.id,
      operation: 'invoice.item.append',
      request,
    });
    await client.patchInvoiceItem(invoiceId, request);
    sent += 1;
  }
  if (sent) invoice = await readInvoice(client, invoiceId);
  for (const line of added) {
    if (claimed.has(line.key)) continue;
    const match = findNew(line);
    if (!match)
      throw new Error(
        `appended ${line.skuCode} × ${line.quantity} is not on invoice ${invoiceId} after writing`,
      );
    await completeWrite(db, `${prefix}:add:${line.key}`, { itemId: match.id });
    claimed.set(line.key, match.id);
  }

  // 2. Changes to existing items (idempotent: PATCH by id).
  const changed = lines.filter((l) => l.origin === 'changed' && l.existingItemId !== null);
  for (const line of changed) {
    const key = `${prefix}:change:${line.key}`;
    if ((await getWrite(db, key))?.status === 'completed') continue;
    const request = {
      id: line.existingItemId!,
      description: line.description,
      quantity: Number(line.quantity),
      unitPrice: Number(line.unitPrice),
    };
    await beginWrite(db, {
      key,
      tenantId: run.tenantId,
      runId: run.id,
      operation: 'invoice.item.update',
      request,
    });
    await client.patchInvoiceItem(invoiceId, request);
    await completeWrite(db, key, { itemId: line.existingItemId });
  }
  // 3. Removals a reviewer made (DELETE is idempotent: an item already gone is fine).
  const removals = (draft.document as { removals?: { itemId: number; skuCode: string }[] }).removals ?? [];
  for (const removal of removals) {
    const key = `${prefix}:remove:${removal.itemId}`;
    if ((await getWrite(db, key))?.status === 'completed') continue;
    await beginWrite(db, {
      key,
      tenantId: run.tenantId,
      runId: run.id,
      operation: 'invoice.item.delete',
      request: removal,
    });
    await client.deleteInvoiceItem(invoiceId, removal.itemId).catch((error: { status?: number }) => {
      if (error.status !== 404) throw error;
    });
    await completeWrite(db, key, { itemId: removal.itemId });
  }
  if (changed.length || removals.length) invoice = await readInvoice(client, invoiceId);

  // 4. Read back and compare.
  const diffs = compareWithDraft(invoice, lines, claimed, {
    subTotal: draft.subTotal.toString(),
    salesTax: draft.salesTax.toString(),
    total: draft.total.toString(),
  });
  if (diffs.length) {
    log.warn({ diffs }, 'posted invoice differs from the draft');
    await reopen(services, run, draft.total.toString(), diffs, extracted, payload.revision);
    return;
  }

  // 5. Keep reviewStatus and our custom field in step, then record the posting.
  const statusKey = `${prefix}:review-status`;
  if ((await getWrite(db, statusKey))?.status !== 'completed') {
    await beginWrite(db, {
      key: statusKey,
      tenantId: run.tenantId,
      runId: run.id,
      operation: 'invoice.reviewStatus',
      request: { reviewStatus: 'Reviewed' },
    });
    await client.patchInvoice(invoiceId, { reviewStatus: 'Reviewed' });
    await client.setInvoiceCustomFields({
      operations: [
        {
          objectId: invoiceId,
          customFields: [{ name: 'AI Draft Status', value: `posted r${payload.revision}` }],
        },
      ],
    });
    const check = await readInvoice(client, invoiceId);
    if (check.reviewStatus !== 'Reviewed')
      throw new Error(`invoice ${invoiceId} reviewStatus is ${check.reviewStatus} after setting Reviewed`);
    await completeWrite(db, statusKey, { reviewStatus: check.reviewStatus });
  }
  await db.$transaction(async (tx) => {
    await tx.pipelineRun.update({
      where: { id: run.id },
      data: { status: 'posted', stage: 'post', finishedAt: new Date(), draftRevision: payload.revision },
    });
    await tx.reviewItem.updateMany({
      where: { subjectKey: invoiceSubjectKey(run.id) },
      data: { status: 'posted', resolvedAt: new Date() },
    });
    await appendAuditTx(tx, {
      tenantId: run.tenantId,
      actorType: 'system',
      actor: 'poster',
      action: 'invoice.posted',
      stJobId: Number(run.stJobId),
      runId: run.id,
      data: {
        invoiceId,
        revision: payload.revision,
        added: added.length,
        changed: changed.length,
        total: invoice.total,
      },
    });
  });
  log.info(
    { added: added.length, changed: changed.length, total: invoice.total },
    'invoice posted and verified',
  );
}

async function reopen(
  services: WorkerServices,
  run: { id: string; tenantId: string; stJobId: bigint },
  amount: string,
  diffs: PostDifference[],
  extracted: ExtractOutput,
  revision: number,
): Promise<void> {
  const settings = await services.runtime.settings(run.tenantId);
  const context = extracted.context;
  await services.db.$transaction(async (tx) => {
    const { item } = await openReviewItem(tx, {
      tenantId: run.tenantId,
      kind: 'invoice',
      subjectKey: invoiceSubjectKey(run.id),
      runId: run.id,
      reasons: ['post_mismatch'],
      amount,
      stJobId: context.job.id,
      businessUnitId: context.job.businessUnitId,
      jobTypeId: context.job.jobTypeId,
      customerName: context.customer.name,
      summary: `Posting revision ${revision} did not verify: ${diffs.length} difference(s)`,
      details: { postDifferences: diffs, revision },
      slaHours: settings.policy.reviewSlaHours,
    });
    await tx.pipelineRun.update({ where: { id: run.id }, data: { status: 'awaiting_review' } });
    await appendAuditTx(tx, {
      tenantId: run.tenantId,
      actorType: 'system',
      actor: 'poster',
      action: 'invoice.post_mismatch',
      stJobId: Number(run.stJobId),
      runId: run.id,
      reviewItemId: item.id,
      data: { revision, differences: diffs },
    });
  });
}
