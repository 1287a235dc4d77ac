// What billing staff do to a review item. Each action: claim (or renew) the item under a row
// lock, check who may do it, change Postgres and append the audit event in one transaction,
// and only then touch Redis (enqueue) — so a lost enqueue never loses a decision: an approved
// run is re-enqueued by `npm run runs:resume`.
import { type DraftEdit, DraftEditError, reviseDraft } from '@invoicer/billing';
import { errorMessage, IllegalTransitionError, type RunEvent } from '@invoicer/core';
import {
  getTenantSettings,
  lockClaimedItem,
  type PipelineRun,
  type ReviewItem,
  RunMovedError,
  type RunPatch,
  saveDraft,
  type Tx,
  transitionRun,
} from '@invoicer/db';
import { auditUser } from '../audit/record.ts';
import { isManager } from '../auth/roles.ts';
import type { SessionUser } from '../auth/session.ts';
import { HttpError } from '../http/errors.ts';
import type { ConsoleServices } from '../services.ts';
import { recordCorrections } from './corrections.ts';
import { type ActionResult, claimTtl, itemRefs, snapshot, undoWindowMs } from './decision.ts';
import { schedulePost } from './enqueue.ts';
import { currentDraft, managerRule, stageValue } from './load.ts';
import { setInvoiceReviewStatus } from './st-review-status.ts';

const runRef = (run: PipelineRun) => ({ tenantId: run.tenantId, stJobId: run.stJobId, runId: run.id });

async function requireRun(tx: Tx, item: ReviewItem): Promise<PipelineRun> {
  if (item.kind !== 'invoice')
    throw new HttpError(400, 'This is a payment item: choose a candidate instead.');
  const run = item.runId ? await tx.pipelineRun.findUnique({ where: { id: item.runId } }) : null;
  if (!run) throw new HttpError(409, 'This item has no pipeline run.');
  return run;
}

/** Move the run by the state machine; a run that has moved on is a conflict, not a crash. */
export async function moveRun(
  tx: Tx,
  run: { id: string; status: string; stage: string },
  event: RunEvent,
  patch: RunPatch = {},
): Promise<void> {
  try {
    await transitionRun(tx, run, event, patch);
  } catch (error) {
    if (error instanceof IllegalTransitionError || error instanceof RunMovedError)
      throw new HttpError(
        409,
        `This invoice has moved on (it is ${run.status.replace('_', ' ')}); reload it.`,
      );
    throw error;
  }
}

export async function approveItem(
  services: ConsoleServices,
  user: SessionUser,
  itemId: string,
  input: { revision: number },
): Promise<ActionResult> {
  const { db } = services;
  const result = await db.$transaction(async (tx) => {
    const item = await lockClaimedItem(tx, itemId, user.id, claimTtl(services));
    const run = await requireRun(tx, item);
    const draft = await currentDraft(tx, run);
    if (!draft)
      throw new HttpError(409, 'There is no draft to approve: the pipeline stopped before drafting.');
    if (draft.revision !== input.revision)
      throw new HttpError(409, `The draft is now revision ${draft.revision}. Review it before approving.`);
    const settings = await getTenantSettings(tx, item.tenantId);
    const manager = managerRule(item, settings.policy);
    if (manager.required && !isManager(user.role))
      throw new HttpError(403, `A billing manager must approve this item: ${manager.why.join('; ')}.`);
    const now = new Date();
    const undoUntil = new Date(now.getTime() + undoWindowMs(services));
    await moveRun(tx, run, 'approved', { stage: 'post' });
    const after = await tx.reviewItem.update({
      where: { id: item.id },
      data: {
        status: 'approved',
        resolvedAt: now,
        resolvedBy: user.id,
        resolution: {
          action: 'approve',
          revision: draft.revision,
          by: user.id,
          // Posting waits until then; until then the approver may undo (undo.ts).
          ...(undoWindowMs(services) > 0 ? { undoUntil: undoUntil.toISOString() } : {}),
        },
        claimedBy: null,
        claimExpiresAt: null,
      },
    });
    await auditUser(tx, user, {
      ...itemRefs(item),
      action: 'review.approved',
      data: {
        revision: draft.revision,
        total: draft.document.total,
        before: { ...snapshot(item), runStatus: run.status },
        after: { ...snapshot(after), runStatus: 'approved' },
        managerRule: manager.why,
      },
    });
    return { tenantId: item.tenantId, runId: run.id, revision: draft.revision };
  });
  services.metrics.actions.inc({ action: 'approve' });
  try {
    await schedulePost(services.queues, result, undoWindowMs(services));
    return { itemId, status: 'approved' };
  } catch (error) {
    services.log.error(
      { itemId, err: errorMessage(error) },
      'approved, but invoice.post could not be enqueued',
    );
    return {
      itemId,
      status: 'approved',
      warning:
        'Approved and saved, but the posting queue is unreachable; posting resumes with `npm run runs:resume`.',
    };
  }
}

export async function editDraft(
  services: ConsoleServices,
  user: SessionUser,
  itemId: string,
  input: { revision: number; edits: DraftEdit[] },
): Promise<{ revision: number; total: string }> {
  const { db, runtime } = services;
  if (input.edits.some((e) => e.op === 'price') && !isManager(user.role))
    throw new HttpError(403, 'Only billing managers can set a price by hand.');
  const item = await db.reviewItem.findUnique({ where: { id: itemId } });
  if (!item) throw new HttpError(404, 'No such review item.');
  const run = item.runId ? await db.pipelineRun.findUnique({ where: { id: item.runId } }) : null;
  const extract = run ? await stageValue(db, run.id, 'extract') : null;
  if (!run || !extract) throw new HttpError(409, 'This item has no job context to edit against.');
  // Loading knowledge can take a while (catalogue, history model): do it before taking the lock.
  const knowledge = await runtime.knowledge(item.tenantId, new Date(extract.context.job.completedOn));
  const saved = await db.$transaction(async (tx) => {
    const locked = await lockClaimedItem(tx, itemId, user.id, claimTtl(services));
    const lockedRun = await requireRun(tx, locked);
    const draft = await currentDraft(tx, lockedRun);
    if (!draft) throw new HttpError(409, 'There is no draft to edit.');
    if (draft.revision !== input.revision)
      throw new HttpError(
        409,
        `The draft is now revision ${draft.revision}; reload to see it before editing.`,
      );
    let revised: ReturnType<typeof reviseDraft>;
    try {
      revised = reviseDraft(
        extract.context,
        knowledge,
        draft.lines,
        draft.document.removals ?? [],
        input.edits,
        user.email,
      );
    } catch (error) {
      if (error instanceof DraftEditError) throw new HttpError(400, error.message);
      throw error;
    }
    const doc = revised.document;
    const last = await tx.draft.findFirst({ where: { runId: run.id }, orderBy: { revision: 'desc' } });
    const revision = (last?.revision ?? 0) + 1;
    await saveDraft(tx, {
      runId: run.id,
      revision,
      lines: doc.lines,
      subTotal: doc.subTotal,
      salesTax: doc.salesTax,
      total: doc.total,
      document: doc as unknown as Record<string, unknown>,
      createdBy: user.email,
    });
    // What the reviewer changed, line by line, for the history learner.
    await recordCorrections(
      tx,
      { ...runRef(run), fromRevision: draft.revision, toRevision: revision, createdBy: user.email },
      draft.lines,
      doc.lines,
    );
    await moveRun(tx, lockedRun, 'edited', { draftRevision: revision });
    const after = await tx.reviewItem.update({ where: { id: itemId }, data: { amount: doc.total } });
    await auditUser(tx, user, {
      ...itemRefs(locked),
      action: 'review.draft_edited',
      data: {
        edits: input.edits,
        before: { revision: draft.revision, total: draft.document.total, lines: draft.lines.length },
        after: { revision, total: doc.total, lines: doc.lines.length, flags: doc.flags.map((f) => f.code) },
        item: { before: snapshot(locked), after: snapshot(after) },
      },
    });
    return { revision, total: doc.total };
  });
  services.metrics.actions.inc({ action: 'edit' });
  return saved;
}

export async function rejectItem(
  services: ConsoleServices,
  user: SessionUser,
  itemId: string,
  input: { reason: string },
): Promise<ActionResult> {
  await services.db.$transaction(async (tx) => {
    const item = await lockClaimedItem(tx, itemId, user.id, claimTtl(services));
    const run = await requireRun(tx, item);
    await moveRun(tx, run, 'rejected');
    const after = await tx.reviewItem.update({
      where: { id: item.id },
      data: {
        status: 'rejected',
        resolvedAt: new Date(),
        resolvedBy: user.id,
        resolution: { action: 'reject', reason: input.reason, by: user.id },
        claimedBy: null,
        claimExpiresAt: null,
      },
    });
    await auditUser(tx, user, {
      ...itemRefs(item),
      action: 'review.rejected',
      data: {
        reason: input.reason,
        before: { ...snapshot(item), runStatus: run.status },
        after: { ...snapshot(after), runStatus: 'rejected' },
      },
    });
  });
  services.metrics.actions.inc({ action: 'reject' });
  return { itemId, status: 'rejected' };
}

export async function escalateItem(
  services: ConsoleServices,
  user: SessionUser,
  itemId: string,
  input: { note: string },
): Promise<ActionResult> {
  await services.db.$transaction(async (tx) => {
    const item = await lockClaimedItem(tx, itemId, user.id, claimTtl(services));
    if (item.status === 'escalated') throw new HttpError(409, 'This item is already escalated.');
    // Released so a manager can take it.
    const after = await tx.reviewItem.update({
      where: { id: item.id },
      data: { status: 'escalated', needsManager: true, claimedBy: null, claimExpiresAt: null },
    });
    await auditUser(tx, user, {
      ...itemRefs(item),
      action: 'review.escalated',
      data: { note: input.note, before: snapshot(item), after: snapshot(after) },
    });
  });
  services.metrics.actions.inc({ action: 'escalate' });
  return { itemId, status: 'escalated' };
}

/** Hold or resume: ServiceTitan's reviewStatus is changed (and read back) before Postgres. */
async function changeHold(
  services: ConsoleServices,
  user: SessionUser,
  itemId: string,
  input: { note: string },
  to: 'on_hold' | 'open',
): Promise<ActionResult> {
  const { db } = services;
  const reviewStatus = to === 'on_hold' ? 'OnHold' : 'NeedsReview';
  // Claim first (outside the ServiceTitan call) so nobody else acts while we write.
  const pre = await db.$transaction((tx) => lockClaimedItem(tx, itemId, user.id, claimTtl(services)));
  if (to === 'on_hold' && pre.status === 'on_hold') throw new HttpError(409, 'This item is already on hold.');
  if (to === 'open' && pre.status !== 'on_hold') throw new HttpError(409, 'This item is not on hold.');
  const st = pre.kind === 'invoice' ? await setInvoiceReviewStatus(services, pre, reviewStatus) : null;
  await db.$transaction(async (tx) => {
    const item = await lockClaimedItem(tx, itemId, user.id, claimTtl(services));
    const after = await tx.reviewItem.update({
      where: { id: item.id },
      data: { status: to, ...(to === 'on_hold' ? { claimedBy: null, claimExpiresAt: null } : {}) },
    });
    await auditUser(tx, user, {
      ...itemRefs(item),
      action: to === 'on_hold' ? 'review.on_hold' : 'review.resumed',
      data: {
        note: input.note,
        before: snapshot(item),
        after: snapshot(after),
        servicetitan: st ?? { skipped: 'no ServiceTitan invoice for this item' },
      },
    });
  });
  services.metrics.actions.inc({ action: to === 'on_hold' ? 'hold' : 'resume' });
  return { itemId, status: to };
}

export function holdItem(
  services: ConsoleServices,
  user: SessionUser,
  itemId: string,
  input: { note: string },
) {
  return changeHold(services, user, itemId, input, 'on_hold');
}

export function resumeItem(
  services: ConsoleServices,
  user: SessionUser,
  itemId: string,
  input: { note: string },
) {
  return changeHold(services, user, itemId, input, 'open');
}
