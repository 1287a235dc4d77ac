// Everything the item page shows, read from Postgres: the item, its run, the persisted stage
// outputs (each stored as { value, next }), the current draft revision and the audit history.
import type { DraftDocument, PricedLine, RouteDecision } from '@invoicer/billing';
import { fromAmountString, type PipelineStage, type TenantSettings } from '@invoicer/core';
import type { AuditEvent, Db, PipelineRun, ReviewItem, Tx } from '@invoicer/db';
import { getDraft, userNames } from '@invoicer/db';
import {
  type ExtractOutput,
  StageOutputError,
  type StageOutputs,
  stageValue as savedStageValue,
} from '@invoicer/pipeline';
import type { ConsoleServices } from '../services.ts';

/** The extract stage's output, as the pipeline defines it. */
export type ExtractView = ExtractOutput;

export type DraftWithRemovals = DraftDocument & { removals?: { itemId: number; skuCode: string }[] };

export interface DraftView {
  revision: number;
  lines: PricedLine[];
  document: DraftWithRemovals;
  createdBy: string;
  createdAt: Date;
}

export interface Holder {
  userId: string;
  name: string;
  expiresAt: Date;
  mine: boolean;
}

export interface ItemView {
  item: ReviewItem;
  run: PipelineRun | null;
  extract: ExtractView | null;
  draft: DraftView | null;
  revisions: { revision: number; total: string; createdBy: string; createdAt: Date }[];
  route: RouteDecision | null;
  audit: AuditEvent[];
  holder: Holder | null;
  manager: { required: boolean; why: string[] };
  policy: TenantSettings['policy'];
}

/**
 * A stage's saved value, checked against the pipeline's schema. A damaged or outdated output
 * shows as absent (the page says there is no context) rather than breaking the page.
 */
export async function stageValue<S extends PipelineStage>(
  db: Db | Tx,
  runId: string,
  stage: S,
): Promise<StageOutputs[S] | null> {
  try {
    return await savedStageValue(db, runId, stage);
  } catch (error) {
    if (error instanceof StageOutputError) return null;
    throw error;
  }
}

export function managerRule(
  item: Pick<ReviewItem, 'needsManager' | 'amount'>,
  policy: TenantSettings['policy'],
): { required: boolean; why: string[] } {
  const why: string[] = [];
  if (item.needsManager) why.push('marked as needing a manager');
  if (fromAmountString(item.amount.toString()).gt(fromAmountString(policy.managerThreshold)))
    why.push(`the total is over the manager threshold of $${policy.managerThreshold}`);
  return { required: why.length > 0, why };
}

export async function currentDraft(db: Db | Tx, run: PipelineRun): Promise<DraftView | null> {
  if (run.draftRevision < 1) return null;
  const draft = await getDraft(db, run.id, run.draftRevision);
  if (!draft) return null;
  return {
    revision: draft.revision,
    lines: draft.lines as unknown as PricedLine[],
    document: draft.document as unknown as DraftWithRemovals,
    createdBy: draft.createdBy,
    createdAt: draft.createdAt,
  };
}

export async function loadItemView(
  services: ConsoleServices,
  id: string,
  viewerId: string,
): Promise<ItemView | null> {
  const { db } = services;
  const item = await db.reviewItem.findUnique({ where: { id } });
  if (!item) return null;
  const run = item.runId ? await db.pipelineRun.findUnique({ where: { id: item.runId } }) : null;
  const [extract, route, draft, revisions, audit, settings] = await Promise.all([
    run ? stageValue(db, run.id, 'extract') : null,
    run ? stageValue(db, run.id, 'route') : null,
    run ? currentDraft(db, run) : null,
    run
      ? db.draft.findMany({
          where: { runId: run.id },
          orderBy: { revision: 'asc' },
          select: { revision: true, total: true, createdBy: true, createdAt: true },
        })
      : [],
    db.auditEvent.findMany({
      where: { OR: [...(run ? [{ runId: run.id }] : []), { reviewItemId: item.id }] },
      orderBy: { id: 'asc' },
    }),
    services.runtime.settings(item.tenantId),
  ]);
  const live = item.claimedBy && item.claimExpiresAt && item.claimExpiresAt > new Date();
  const names = await userNames(db, live ? [item.claimedBy!] : []);
  return {
    item,
    run,
    extract,
    draft,
    revisions: revisions.map((r) => ({ ...r, total: r.total.toString() })),
    route,
    audit,
    holder: live
      ? {
          userId: item.claimedBy!,
          name: names.get(item.claimedBy!) ?? item.claimedBy!,
          expiresAt: item.claimExpiresAt!,
          mine: item.claimedBy === viewerId,
        }
      : null,
    manager: managerRule(item, settings.policy),
    policy: settings.policy,
  };
}
