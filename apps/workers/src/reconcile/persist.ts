// Recording a decision: the subject's reconciliation record, its review item (opened, refreshed
// or closed) and the audit event commit together, so Postgres never holds a decision without
// its explanation or a review item without its record.
import { fromAmountString, sum, toMoneyString } from '@invoicer/core';
import {
  type ActorType,
  appendAuditTx,
  OPEN_REVIEW_STATUSES,
  openReviewItem,
  type ReconcileSubjectKind,
  type ReconciliationStatus,
  saveReconciliation,
  type Tx,
} from '@invoicer/db';
import type { CandidateSplit, ReviewCandidate } from './candidates.ts';

export interface SubjectRef {
  tenantId: string;
  kind: ReconcileSubjectKind;
  id: string;
  version: string;
}

export function reviewSubjectKey(kind: ReconcileSubjectKind, id: string): string {
  return `payment:${kind}:${id}`;
}

export function parseReviewSubjectKey(key: string): { kind: ReconcileSubjectKind; id: string } | null {
  const m = /^payment:(st_payment|bank_line):(.+)$/.exec(key);
  return m ? { kind: m[1] as ReconcileSubjectKind, id: m[2]! } : null;
}

export interface ReviewRequest {
  summary: string;
  customerName: string | null;
  candidates: ReviewCandidate[];
  subject: Record<string, unknown>;
  notes: string[];
  slaHours: number;
}

export interface Outcome {
  status: ReconciliationStatus;
  action: 'auto_apply' | 'review' | 'resolved' | 'shadow' | 'ignored';
  reasons: string[];
  amount: string;
  confidence: number | null;
  rule: string | null;
  splits: CandidateSplit[];
  credit: string | null;
  fee: string | null;
  stPaymentIds: number[];
  createdPaymentId: number | null;
  evidence: unknown[];
  /** The engine's decision (or a person's), kept whole for the record. */
  decision: Record<string, unknown>;
  decidedBy: string;
  review?: ReviewRequest;
  /** Status for a review item of this subject that is still open (auto-applied since, or resolved). */
  closeReviewAs?: 'resolved' | 'posted' | 'rejected';
  audit: { action: string; actorType?: ActorType; actor?: string; data?: Record<string, unknown> };
}

const json = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

export async function persistOutcome(tx: Tx, subject: SubjectRef, outcome: Outcome): Promise<string | null> {
  const subjectKey = reviewSubjectKey(subject.kind, subject.id);
  let reviewItemId: string | null = null;
  if (outcome.review) {
    const { item } = await openReviewItem(tx, {
      tenantId: subject.tenantId,
      kind: 'payment',
      subjectKey,
      reasons: outcome.reasons,
      amount: outcome.amount,
      customerName: outcome.review.customerName,
      summary: outcome.review.summary,
      details: json({
        candidates: outcome.review.candidates,
        subject: outcome.review.subject,
        notes: outcome.review.notes,
        confidence: outcome.confidence,
        rule: outcome.rule,
      }),
      slaHours: outcome.review.slaHours,
    });
    reviewItemId = item.id;
  } else {
    const existing = await tx.reviewItem.findUnique({ where: { subjectKey } });
    if (existing) {
      reviewItemId = existing.id;
      // Open, or approved in the console and waiting for us to carry the choice out.
      if (outcome.closeReviewAs && [...OPEN_REVIEW_STATUSES, 'approved'].includes(existing.status))
        await tx.reviewItem.update({
          where: { id: existing.id },
          data: {
            status: outcome.closeReviewAs,
            resolvedAt: new Date(),
            resolvedBy: outcome.decidedBy,
            resolution: json({ action: outcome.action, status: outcome.status, by: outcome.decidedBy }),
            claimedBy: null,
            claimExpiresAt: null,
          },
        });
    }
  }
  await saveReconciliation(tx, {
    tenantId: subject.tenantId,
    subjectKind: subject.kind,
    subjectId: subject.id,
    status: outcome.status,
    action: outcome.action,
    reasons: outcome.reasons,
    amount: outcome.amount,
    confidence: outcome.confidence,
    rule: outcome.rule,
    allocations: outcome.splits,
    writeOffTotal: sumWriteOffs(outcome.splits),
    credit: outcome.credit,
    fee: outcome.fee,
    stPaymentIds: outcome.stPaymentIds,
    createdPaymentId: outcome.createdPaymentId,
    evidence: json(outcome.evidence),
    decision: json(outcome.decision),
    reviewItemId,
    version: subject.version,
    decidedBy: outcome.decidedBy,
  });
  await appendAuditTx(tx, {
    tenantId: subject.tenantId,
    actorType: outcome.audit.actorType ?? 'system',
    actor: outcome.audit.actor ?? 'reconciler',
    action: outcome.audit.action,
    reviewItemId,
    data: json({
      subject: { kind: subject.kind, id: subject.id, version: subject.version },
      status: outcome.status,
      reasons: outcome.reasons,
      amount: outcome.amount,
      confidence: outcome.confidence,
      rule: outcome.rule,
      allocations: outcome.splits,
      credit: outcome.credit,
      fee: outcome.fee,
      stPaymentIds: outcome.stPaymentIds,
      createdPaymentId: outcome.createdPaymentId,
      evidence: outcome.evidence,
      candidates: outcome.review?.candidates,
      ...outcome.audit.data,
    }),
  });
  return reviewItemId;
}

function sumWriteOffs(splits: CandidateSplit[]): string | null {
  const total = sum(splits.flatMap((s) => (s.writeOff ? [fromAmountString(s.writeOff)] : [])));
  return total.isZero() ? null : toMoneyString(total);
}
