// What must hold after the storm, read from Postgres and from the simulator's own store:
// - every completed job has a run, and every run is final (posted/rejected/shadow) or waiting on
//   a person (awaiting_review or failed, with an open review item); the rest are stuck;
// - every item the simulator's invoices gained is claimed by exactly one completed ledger row
//   (st_writes) of its run; an item no row claims is a duplicate write (or one the ledger never
//   knew about), a completed row whose item is not on the invoice is a lost one;
// - every invoice that changed in the simulator belongs to a run that was approved (by policy or
//   by a person), and every posted run has its invoice.posted audit event;
// - no process died that the suite did not kill.
import type { Invoice, InvoiceItem } from '@invoicer/servicetitan';
import type { RunningSim } from '@invoicer/st-sim';
import type pg from 'pg';

const FINAL = ['posted', 'rejected', 'shadow'];
const WAITING_ON_PERSON = ['awaiting_review', 'failed'];
const APPROVALS = ['run.auto_approved', 'review.approved'];

/** The invoices as they were before any job was played (what "changed" is measured against). */
export interface InvoiceSnapshot {
  items: Map<number, { quantity: string; price: string; description: string; active: boolean }>;
  reviewStatus: string | null;
  customFields: string;
}

export function snapshotInvoices(sim: RunningSim): Map<number, InvoiceSnapshot> {
  const out = new Map<number, InvoiceSnapshot>();
  for (const invoice of sim.tenant.invoices.values()) out.set(invoice.id, snapshotOf(invoice));
  return out;
}

function snapshotOf(invoice: Invoice): InvoiceSnapshot {
  return {
    items: new Map(
      (invoice.items ?? []).map((i: InvoiceItem) => [
        i.id,
        {
          quantity: String(i.quantity),
          price: String(i.price),
          description: String(i.description ?? ''),
          active: i.active !== false,
        },
      ]),
    ),
    reviewStatus: invoice.reviewStatus ?? null,
    customFields: JSON.stringify(invoice.customFields ?? []),
  };
}

export interface StuckRun {
  stJobId: number;
  runId: string | null;
  status: string | null;
  stage: string | null;
  redrives: number | null;
  updatedAt: string | null;
  error: unknown;
  why: string;
  openReviewReasons: string[] | null;
  lastAudit: string[];
  writes: { key: string; status: string; attempts: number }[];
  /** The BullMQ job the run waits on (filled in by the caller while Redis is up). */
  job?: unknown;
}

export interface DuplicateWrite {
  stJobId: number;
  runId: string | null;
  invoiceId: number;
  itemId: number;
  skuId: number | null;
  quantity: string;
  why: string;
}

export interface UnapprovedPost {
  stJobId: number;
  runId: string | null;
  invoiceId: number;
  runStatus: string | null;
  changes: string[];
  why: string;
}

export interface Invariants {
  jobs: number;
  runs: number;
  final: number;
  inReview: number;
  stuck: number;
  stuckRuns: StuckRun[];
  statuses: Record<string, number>;
  reviewReasons: Record<string, number>;
  duplicateWrites: number;
  duplicates: DuplicateWrite[];
  /** Completed ledger rows whose item is not on the invoice. */
  lostWrites: { runId: string; key: string; itemId: unknown }[];
  /** Ledger rows still `started` (sent or not, never confirmed) on runs that settled. */
  unconfirmedWrites: number;
  unapprovedPosts: number;
  unapproved: UnapprovedPost[];
  postedWithoutAudit: string[];
  /**
   * Posted runs whose invoice is not marked as ours (reviewStatus Reviewed and the "AI Draft
   * Status" custom field `posted r<revision>`): not one of the invariants, reported.
   */
  postedUnmarked: {
    stJobId: number;
    runId: string;
    invoiceId: number;
    reviewStatus: string | null;
    aiDraftStatus: string | null;
  }[];
  invoicesChanged: number;
  itemsAppended: number;
  ledgerAppends: number;
  postRefusals: number;
  redrives: number;
}

interface RunRow {
  id: string;
  st_job_id: string;
  status: string;
  stage: string;
  redrives: number;
  updated_at: Date;
  error: unknown;
}

export async function checkInvariants(
  pool: pg.Pool,
  sim: RunningSim,
  before: Map<number, InvoiceSnapshot>,
  tenantId: string,
  jobIds: number[],
): Promise<Invariants> {
  const { rows: runs } = await pool.query<RunRow>(
    `SELECT id, st_job_id::text, status, stage, redrives, updated_at, error
       FROM pipeline_runs WHERE tenant_id = $1 AND st_job_id = ANY($2::bigint[])`,
    [tenantId, jobIds],
  );
  const runIds = runs.map((r) => r.id);
  const { rows: items } = await pool.query<{ run_id: string; status: string; reasons: string[] }>(
    'SELECT run_id, status, reasons FROM review_items WHERE run_id = ANY($1::uuid[])',
    [runIds],
  );
  const { rows: audits } = await pool.query<{ run_id: string; action: string; occurred_at: Date }>(
    'SELECT run_id, action, occurred_at FROM audit_events WHERE run_id = ANY($1::uuid[]) ORDER BY id',
    [runIds],
  );
  const { rows: writes } = await pool.query<{
    run_id: string;
    key: string;
    operation: string;
    status: string;
    attempts: number;
    response: { itemId?: unknown } | null;
  }>(
    'SELECT run_id, key, operation, status, attempts, response FROM st_writes WHERE run_id = ANY($1::uuid[]) ORDER BY created_at',
    [runIds],
  );
  const group = <T extends { run_id: string }>(rows: T[]) => {
    const map = new Map<string, T[]>();
    for (const row of rows) map.set(row.run_id, [...(map.get(row.run_id) ?? []), row]);
    return map;
  };
  const itemsByRun = group(items);
  const auditByRun = group(audits);
  const writesByRun = group(writes);
  const runByJob = new Map(runs.map((r) => [Number(r.st_job_id), r]));

  const statuses: Record<string, number> = {};
  const reviewReasons: Record<string, number> = {};
  let final = 0;
  let inReview = 0;
  const stuckRuns: StuckRun[] = [];
  for (const jobId of jobIds) {
    const run = runByJob.get(jobId);
    if (!run) {
      statuses.missing = (statuses.missing ?? 0) + 1;
      stuckRuns.push({
        stJobId: jobId,
        runId: null,
        status: null,
        stage: null,
        redrives: null,
        updatedAt: null,
        error: null,
        why: 'no run: the completed job was never ingested (webhook and poller both missed it)',
        openReviewReasons: null,
        lastAudit: [],
        writes: [],
      });
      continue;
    }
    statuses[run.status] = (statuses[run.status] ?? 0) + 1;
    const open = (itemsByRun.get(run.id) ?? []).find((i) => i.status === 'open');
    for (const reason of open?.reasons ?? []) reviewReasons[reason] = (reviewReasons[reason] ?? 0) + 1;
    if (FINAL.includes(run.status)) {
      final += 1;
      continue;
    }
    if (WAITING_ON_PERSON.includes(run.status) && open) {
      inReview += 1;
      continue;
    }
    stuckRuns.push({
      stJobId: jobId,
      runId: run.id,
      status: run.status,
      stage: run.stage,
      redrives: run.redrives,
      updatedAt: run.updated_at.toISOString(),
      error: run.error,
      why: open
        ? `an open review item but the run is ${run.status} (still active)`
        : WAITING_ON_PERSON.includes(run.status)
          ? `${run.status} with no open review item`
          : `still ${run.status} at ${run.stage} when the drain ended`,
      openReviewReasons: open?.reasons ?? null,
      lastAudit: (auditByRun.get(run.id) ?? [])
        .slice(-6)
        .map((a) => `${a.occurred_at.toISOString()} ${a.action}`),
      writes: (writesByRun.get(run.id) ?? []).map((w) => ({
        key: w.key,
        status: w.status,
        attempts: w.attempts,
      })),
    });
  }

  // The simulator's store against the ledger.
  const duplicates: DuplicateWrite[] = [];
  const lostWrites: Invariants['lostWrites'] = [];
  const unapproved: UnapprovedPost[] = [];
  let invoicesChanged = 0;
  let itemsAppended = 0;
  let ledgerAppends = 0;
  let unconfirmedWrites = 0;
  for (const jobId of jobIds) {
    const job = sim.tenant.jobs.get(jobId);
    const invoiceId = job?.invoiceId ?? sim.tenant.invoices.by('_jobId', jobId)[0]?.id;
    if (invoiceId === undefined || invoiceId === null) continue;
    const invoice = sim.tenant.invoices.get(invoiceId);
    const original = before.get(invoiceId);
    if (!invoice || !original) continue;
    const run = runByJob.get(jobId) ?? null;
    const now = invoice.items ?? [];
    const appended = now.filter((i) => !original.items.has(i.id));
    itemsAppended += appended.length;
    const changes: string[] = [];
    if (appended.length) changes.push(`${appended.length} item(s) appended`);
    for (const item of now) {
      const was = original.items.get(item.id);
      if (
        was &&
        (was.quantity !== String(item.quantity) ||
          was.price !== String(item.price) ||
          was.description !== String(item.description ?? ''))
      )
        changes.push(`item ${item.id} changed`);
    }
    const removed = [...original.items.keys()].filter((id) => !now.some((i) => i.id === id));
    if (removed.length) changes.push(`${removed.length} item(s) removed`);
    if ((invoice.reviewStatus ?? null) !== original.reviewStatus)
      changes.push(`reviewStatus ${original.reviewStatus} → ${invoice.reviewStatus}`);
    if (JSON.stringify(invoice.customFields ?? []) !== original.customFields)
      changes.push('custom fields set');

    const runWrites = run ? (writesByRun.get(run.id) ?? []) : [];
    const adds = runWrites.filter((w) => w.operation === 'invoice.item.append');
    ledgerAppends += adds.filter((w) => w.status === 'completed').length;
    if (run && (FINAL.includes(run.status) || WAITING_ON_PERSON.includes(run.status)))
      unconfirmedWrites += runWrites.filter((w) => w.status !== 'completed').length;
    const claims = new Map<number, number>();
    for (const w of adds)
      if (w.status === 'completed' && typeof w.response?.itemId === 'number')
        claims.set(w.response.itemId, (claims.get(w.response.itemId) ?? 0) + 1);
    for (const item of appended) {
      const claimedBy = claims.get(item.id) ?? 0;
      if (claimedBy === 1) continue;
      duplicates.push({
        stJobId: jobId,
        runId: run?.id ?? null,
        invoiceId,
        itemId: item.id,
        skuId: item.skuId ?? null,
        quantity: String(item.quantity),
        why:
          claimedBy === 0
            ? 'on the invoice, claimed by no completed ledger row (written more often than the ledger recorded)'
            : `claimed by ${claimedBy} ledger rows`,
      });
    }
    for (const w of adds) {
      const itemId = w.response?.itemId;
      if (w.status === 'completed' && !now.some((i) => i.id === itemId))
        lostWrites.push({ runId: w.run_id, key: w.key, itemId });
    }

    if (!changes.length) continue;
    invoicesChanged += 1;
    const approvals = run ? (auditByRun.get(run.id) ?? []).filter((a) => APPROVALS.includes(a.action)) : [];
    if (!run || !approvals.length)
      unapproved.push({
        stJobId: jobId,
        runId: run?.id ?? null,
        invoiceId,
        runStatus: run?.status ?? null,
        changes,
        why: run
          ? 'the invoice changed but the run was never approved'
          : 'the invoice changed and there is no run',
      });
  }
  const postedWithoutAudit = runs
    .filter((r) => r.status === 'posted')
    .filter((r) => {
      const actions = (auditByRun.get(r.id) ?? []).map((a) => a.action);
      return !actions.includes('invoice.posted') || !actions.some((a) => APPROVALS.includes(a));
    })
    .map((r) => r.id);
  for (const runId of postedWithoutAudit) {
    const run = runs.find((r) => r.id === runId)!;
    if (unapproved.some((u) => u.runId === runId)) continue;
    unapproved.push({
      stJobId: Number(run.st_job_id),
      runId,
      invoiceId: sim.tenant.jobs.get(Number(run.st_job_id))?.invoiceId ?? 0,
      runStatus: run.status,
      changes: [],
      why: 'posted without an invoice.posted and an approval audit event',
    });
  }

  const postedUnmarked: Invariants['postedUnmarked'] = [];
  for (const run of runs.filter((r) => r.status === 'posted')) {
    const stJobId = Number(run.st_job_id);
    const invoiceId = sim.tenant.jobs.get(stJobId)?.invoiceId ?? null;
    const invoice = invoiceId === null ? undefined : sim.tenant.invoices.get(invoiceId);
    if (!invoice) continue;
    const field = invoice.customFields?.find((f) => f.name === 'AI Draft Status');
    const aiDraftStatus = field ? String(field.value) : null;
    if (invoice.reviewStatus === 'Reviewed' && aiDraftStatus?.startsWith('posted r')) continue;
    postedUnmarked.push({
      stJobId,
      runId: run.id,
      invoiceId: invoice.id,
      reviewStatus: invoice.reviewStatus ?? null,
      aiDraftStatus,
    });
  }

  return {
    jobs: jobIds.length,
    runs: runs.length,
    final,
    inReview,
    stuck: stuckRuns.length,
    stuckRuns,
    statuses,
    reviewReasons,
    duplicateWrites: duplicates.length,
    duplicates,
    lostWrites,
    unconfirmedWrites,
    unapprovedPosts: unapproved.length,
    unapproved,
    postedWithoutAudit,
    postedUnmarked,
    invoicesChanged,
    itemsAppended,
    ledgerAppends,
    postRefusals: audits.filter((a) => a.action === 'invoice.post_refused').length,
    redrives: runs.reduce((s, r) => s + r.redrives, 0),
  };
}
