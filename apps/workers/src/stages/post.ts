// invoice.post: write an approved draft revision to the ServiceTitan invoice. Only a run the state
// machine has approved at exactly that revision is posted, and only by the one posting job that
// holds its claim (a lease renewed as it writes). Every write has a ledger row keyed by run,
// revision and line. The line writes and the Reviewed status go in one PATCH of the invoice, our
// marker beside it, and one read-back confirms them all. A retry skips completed writes; a write
// that was sent but never confirmed (a crash between the two) is resolved by reading the invoice
// back and claiming the new item that matches it, so nothing is appended twice. The read-back is
// compared with the draft: any difference takes our status and marker off again and reopens the
// review item with the difference shown, instead of marking the run posted.
import type { PricedLine } from '@invoicer/billing';
import { fromAmountString, InvalidInputError, type PayloadOf } from '@invoicer/core';
import {
  appendAuditTx,
  claimPosting,
  getDraft,
  invoiceSubjectKey,
  openReviewItem,
  renewPostingLease,
  transitionRun,
} from '@invoicer/db';
import { type ExtractOutput, runSteps, type StepSpec, stageValue } from '@invoicer/pipeline';
import { countPosted } from '@invoicer/platform';
import type { Invoice, InvoiceItem, InvoiceItemUpdateRequest, StClient } from '@invoicer/servicetitan';
import type { WorkerServices } from '../services.ts';

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

/** Our marker on the ServiceTitan invoice: which draft revision was posted. */
const STATUS_FIELD = 'AI Draft Status';

/** How long a posting job holds its run before another may take over (renewed as it writes). */
const POSTING_LEASE_MS = 120_000;

type AddResult = { itemId: number };

export async function post(
  services: WorkerServices,
  payload: PayloadOf<'invoice.post'>,
  owner: string = `post-${payload.runId}.r${payload.revision}`,
): Promise<void> {
  const { db } = services;
  const log = services.log.child({
    tenant: payload.tenantId,
    runId: payload.runId,
    stage: 'post',
    revision: payload.revision,
  });
  const claim = await claimPosting(db, payload.runId, payload.revision, owner, POSTING_LEASE_MS);
  if (claim.outcome === 'posted') return;
  if (claim.outcome === 'busy') {
    // The holder finishes (or, if it died, its retry or the sweeper takes over after the lease).
    log.warn({ holder: claim.holder }, 'another posting job holds this run; leaving it to them');
    return;
  }
  if (claim.outcome === 'refused') {
    await refuse(services, payload, claim.status, claim.revision);
    log.error({ status: claim.status, revision: claim.revision }, 'refused to post an unapproved draft');
    return;
  }
  const run = claim.run;
  if (run.tenantId !== payload.tenantId)
    throw new InvalidInputError(`run ${run.id} belongs to another tenant`);
  const [draft, extracted] = await Promise.all([
    getDraft(db, run.id, payload.revision),
    stageValue(db, run.id, 'extract'),
  ]);
  if (!draft) throw new Error(`run ${run.id} has no draft revision ${payload.revision}`);
  if (!extracted) throw new Error(`run ${run.id} has no extract output`);
  const invoiceId = extracted.context.invoice.id;
  const client = await services.runtime.client(run.tenantId);
  const lines = draft.lines as unknown as PricedLine[];
  const prefix = `post:${run.id}:r${payload.revision}`;
  const owned = { tenantId: run.tenantId, runId: run.id };

  const baseline = new Set(extracted.context.invoice.items.map((i) => i.id));
  const itemsOf = (invoice: Invoice) => (invoice.items ?? []).filter((i) => i.active !== false);
  const added = lines.filter((l) => l.origin === 'added');
  const changed = lines.filter((l) => l.origin === 'changed' && l.existingItemId !== null);
  const removals = (draft.document as { removals?: { itemId: number; skuCode: string }[] }).removals ?? [];
  const marker = `posted r${payload.revision}`;

  // The invoice must still be ours to change; reading it first also means a ServiceTitan that
  // answers wrongly is found before anything is written.
  const before = await readInvoice(client, invoiceId);
  if (before.syncStatus && before.syncStatus !== 'Pending') {
    await reopen(
      services,
      run,
      draft.total.toString(),
      [{ line: 'invoice', expected: 'Pending', actual: before.syncStatus }],
      extracted,
      payload.revision,
    );
    return;
  }

  // 1. One batch: the line writes, the review status and our marker. Appends and changes go in one
  // PATCH of the invoice with the status (a reviewer's removals are DELETEs); the marker is its
  // own endpoint. One read-back confirms every step and is what the draft is compared with.
  const lineSpecs: StepSpec<AddResult | Record<string, string>>[] = [
    ...added.map((line) => {
      const request = {
        skuId: line.skuId,
        description: line.description,
        quantity: Number(line.quantity),
        unitPrice: Number(line.unitPrice),
      };
      return {
        key: `${prefix}:add:${line.key}`,
        operation: 'invoice.item.append',
        request,
        send: () => client.patchInvoiceItem(invoiceId, request).then(() => undefined),
        find: (snapshot: unknown, taken: Set<unknown>) => {
          const item = itemsOf(snapshot as Invoice).find(
            (i) => !baseline.has(i.id) && !taken.has(i.id) && i.skuId === line.skuId && sameQuantity(i, line),
          );
          if (!item) return null;
          taken.add(item.id);
          return { itemId: item.id };
        },
      };
    }),
    ...changed.map((line) => {
      const request = {
        id: line.existingItemId!,
        description: line.description,
        quantity: Number(line.quantity),
        unitPrice: Number(line.unitPrice),
      };
      return {
        key: `${prefix}:change:${line.key}`,
        operation: 'invoice.item.update',
        request,
        send: () => client.patchInvoiceItem(invoiceId, request).then(() => undefined),
        find: (snapshot: unknown) => {
          // Quantity is what we set and ServiceTitan keeps; prices are compared with the draft below.
          const item = itemsOf(snapshot as Invoice).find((i) => i.id === line.existingItemId);
          return item && sameQuantity(item, line) ? { itemId: item.id } : null;
        },
      };
    }),
  ];
  const removalSpecs: StepSpec<AddResult | Record<string, string>>[] = removals.map((removal) => ({
    key: `${prefix}:remove:${removal.itemId}`,
    operation: 'invoice.item.delete',
    request: removal,
    // DELETE is idempotent: an item already gone is fine.
    send: () =>
      client.deleteInvoiceItem(invoiceId, removal.itemId).then(
        () => undefined,
        (error: { status?: number }) => {
          if (error.status !== 404) throw error;
        },
      ),
    find: (snapshot: unknown) =>
      itemsOf(snapshot as Invoice).some((i) => i.id === removal.itemId) ? null : { itemId: removal.itemId },
  }));
  const statusSpec = reviewStatusStep(client, invoiceId, `${prefix}:review-status`, 'Reviewed');
  const markerSpec = markerStep(client, invoiceId, `${prefix}:status-field`, marker);
  const specs = [...removalSpecs, ...lineSpecs, statusSpec, markerSpec];
  const sendTogether = async (toSend: StepSpec<AddResult | Record<string, string>>[]) => {
    const sending = new Set(toSend);
    for (const spec of removalSpecs) if (sending.has(spec)) await spec.send();
    const items = lineSpecs
      .filter((spec) => sending.has(spec))
      .map((spec) => spec.request as InvoiceItemUpdateRequest);
    if (items.length || sending.has(statusSpec))
      await client.patchInvoice(invoiceId, {
        ...(items.length ? { items } : {}),
        ...(sending.has(statusSpec) ? { reviewStatus: 'Reviewed' as const } : {}),
      });
    if (sending.has(markerSpec)) await markerSpec.send();
  };
  if (!(await renewPostingLease(db, run.id, owner, POSTING_LEASE_MS)))
    throw new Error(`lost the posting claim on run ${run.id}`);
  const written = await runSteps(
    db,
    owned,
    specs,
    before,
    () => readInvoice(client, invoiceId),
    new Set(),
    sendTogether,
  );
  const invoice = written.snapshot;
  const outcomes = new Map(written.outcomes.map((o) => [o.key, o.result]));
  const claimed = new Map<string, number>(
    added.map((line) => [line.key, (outcomes.get(`${prefix}:add:${line.key}`) as AddResult).itemId]),
  );

  // 2. Compare what ServiceTitan now has with the draft. A difference reopens the review and takes
  // our status and marker back off the invoice.
  const diffs = compareWithDraft(invoice, lines, claimed, {
    subTotal: draft.subTotal.toString(),
    salesTax: draft.salesTax.toString(),
    total: draft.total.toString(),
  });
  if (invoice.syncStatus && invoice.syncStatus !== 'Pending')
    diffs.unshift({ line: 'invoice', expected: 'Pending', actual: invoice.syncStatus });
  if (diffs.length) {
    log.warn({ diffs }, 'posted invoice differs from the draft');
    await runSteps(
      db,
      owned,
      [
        reviewStatusStep(client, invoiceId, `${prefix}:review-status-undo`, 'NeedsReview'),
        markerStep(client, invoiceId, `${prefix}:status-field-undo`, `did not verify r${payload.revision}`),
      ],
      invoice,
      () => readInvoice(client, invoiceId),
    );
    await reopen(services, run, draft.total.toString(), diffs, extracted, payload.revision);
    return;
  }

  await db.$transaction(async (tx) => {
    await transitionRun(tx, { id: run.id, status: 'posting' }, 'posted', { stage: 'post' });
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
  countPosted(run.tenantId, invoice.total);
  log.info(
    { added: added.length, changed: changed.length, total: invoice.total },
    'invoice posted and verified',
  );
}

function reviewStatusStep(
  client: StClient,
  invoiceId: number,
  key: string,
  reviewStatus: 'Reviewed' | 'NeedsReview',
): StepSpec<Record<string, string>> {
  return {
    key,
    operation: 'invoice.reviewStatus',
    request: { reviewStatus },
    send: () => client.patchInvoice(invoiceId, { reviewStatus }).then(() => undefined),
    find: (snapshot: unknown) =>
      (snapshot as Invoice).reviewStatus === reviewStatus ? { reviewStatus } : null,
  };
}

/** Our marker, a step of its own: a crash between two writes must not leave it unsent. */
function markerStep(
  client: StClient,
  invoiceId: number,
  key: string,
  value: string,
): StepSpec<Record<string, string>> {
  return {
    key,
    operation: 'invoice.customFields',
    request: { name: STATUS_FIELD, value },
    send: () => client.setInvoiceCustomField(invoiceId, STATUS_FIELD, value),
    find: (snapshot: unknown) => {
      const field = ((snapshot as Invoice).customFields ?? []).find((f) => f.name === STATUS_FIELD);
      return field?.value === value ? { [STATUS_FIELD]: String(field.value) } : null;
    },
  };
}

/** A posting job for a run that is not approved at that revision: nothing is written, it is audited. */
async function refuse(
  services: WorkerServices,
  payload: PayloadOf<'invoice.post'>,
  status: string,
  revision: number,
): Promise<void> {
  const run = await services.db.pipelineRun.findUnique({ where: { id: payload.runId } });
  if (!run) return;
  await services.db.$transaction((tx) =>
    appendAuditTx(tx, {
      tenantId: run.tenantId,
      actorType: 'system',
      actor: 'poster',
      action: 'invoice.post_refused',
      stJobId: Number(run.stJobId),
      runId: run.id,
      data: { requestedRevision: payload.revision, status, revision },
    }),
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
    await transitionRun(tx, { id: run.id, status: 'posting' }, 'post_mismatch');
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
