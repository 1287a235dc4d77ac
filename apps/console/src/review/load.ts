// Everything the item page shows, read from Postgres: the item, its run, the persisted stage
// outputs (each stored as { value, next }), the current draft revision and the audit history.
import type {
  DraftDocument,
  JobContext,
  Mention,
  MentionDecision,
  PricedLine,
  RouteDecision,
} from '@invoicer/billing';
import { fromAmountString, type TenantSettings } from '@invoicer/core';
import type { AuditEvent, Db, PipelineRun, ReviewItem, Tx } from '@invoicer/db';
import { getDraft, getStageOutput, userNames } from '@invoicer/db';
import type { ConsoleServices } from '../services.ts';

/** The parts of the extract stage's output the console reads. */
export interface ExtractView {
  context: JobContext;
  mentions: Mention[];
  decisions: MentionDecision[];
  candidates: Record<string, { skuId: number; code: string; name: string; score: number }[]>;
  provider: {
    name: string;
    model: string;
    promptVersion: string;
    inputDigest: string;
    durationMs: number;
    fallback: { from: string; error: string } | null;
  };
}

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

/** A stage's persisted value (stage outputs are saved as { value, next }). */
export async function stageValue<T>(db: Db | Tx, runId: string, stage: string): Promise<T | null> {
  const saved = await getStageOutput<{ value?: T }>(db, runId, stage);
  return saved?.value ?? null;
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
    run ? stageValue<ExtractView>(db, run.id, 'extract') : null,
    run ? stageValue<RouteDecision>(db, run.id, 'route') : null,
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
