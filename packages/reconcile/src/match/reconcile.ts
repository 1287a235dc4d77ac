// The decision for one payment or bank line. Auto-apply needs all of: a tenant rule whose
// requirements the evidence meets and whose action is auto_apply; confidence at or above both
// the rule's minConfidence and the tenant's autoApplyConfidence; no rival candidate within
// AMBIGUITY_LOGIT of the proposal; and nothing a person should look at (pre-tax payment,
// overpayment, short pay beyond tolerance). Anything else is a review item with reasons.
import { allocate } from './allocate.ts';
import { type BatchOptions, DEFAULT_BATCH_OPTIONS, findBatch } from './batch.ts';
import { logitOf, scoreInvoice, tolerance } from './evidence.ts';
import { type PendingDraft, pendingMatch, pendingWords } from './pending.ts';
import { choosePlan } from './plan.ts';
import { findReferences } from './references.ts';
import { firstMatchingRule } from './rules.ts';
import type {
  Candidate,
  DecisionReason,
  OpenInvoice,
  PaymentSubject,
  ReconcileDecision,
  ReconcileSettings,
  UnreconciledPayment,
} from './types.ts';

/** A rival this close in log-odds (odds ratio e² ≈ 7.4) makes the match ambiguous. */
export const AMBIGUITY_LOGIT = 2;
/** Confidence of a batch that is the only subset found: exact sum, or net of a plausible fee. */
const BATCH_EXACT_CONFIDENCE = 0.98;
const BATCH_FEE_CONFIDENCE = 0.96;

export interface ReconcileInput {
  subject: PaymentSubject;
  invoices: OpenInvoice[];
  /** For bank deposits: ServiceTitan payments not yet matched to a deposit. */
  unreconciledPayments?: UnreconciledPayment[];
  settings: ReconcileSettings;
  batchOptions?: Partial<BatchOptions>;
  /** Unposted drafts of open invoices: an overpayment may be what one of them adds. */
  pendingDrafts?: readonly PendingDraft[];
}

export function reconcilePayment(input: ReconcileInput): ReconcileDecision {
  const { subject, settings } = input;
  if (subject.amount.lessThanOrEqualTo(0)) {
    return review(['no_match'], [], 0, ['not a receipt: only positive amounts are matched to invoices']);
  }
  const invoiceDecision = decideInvoices(input);
  const payments = input.unreconciledPayments ?? [];
  if (subject.kind !== 'bank_transaction' || payments.length === 0) return invoiceDecision;

  const batch = findBatch(subject.amount, subject.date, payments, {
    ...DEFAULT_BATCH_OPTIONS,
    ...input.batchOptions,
  });
  if (batch.status === 'none') return invoiceDecision;
  if (batch.status === 'unresolved') {
    const notes = [
      batch.exhausted
        ? 'too many payment combinations to search'
        : `${batch.matches.length} different sets of payments add up to the deposit`,
      ...invoiceDecision.notes,
    ];
    return {
      ...invoiceDecision,
      action: 'review',
      reasons: ['batch_unresolved'],
      allocations: [],
      credit: undefined,
      notes,
    };
  }
  const { match } = batch;
  const confidence = match.fee.isZero() ? BATCH_EXACT_CONFIDENCE : BATCH_FEE_CONFIDENCE;
  const notes = [
    `deposit = ${match.paymentIds.length} payment(s) totalling ${match.gross.toFixed(2)} less fee ${match.fee.toFixed(2)}`,
  ];
  if (invoiceDecision.action === 'auto_apply') {
    // Two confident explanations for one deposit: a person decides.
    return {
      ...invoiceDecision,
      action: 'review',
      reasons: ['multi_match'],
      batch: match,
      notes: [...notes, ...invoiceDecision.notes],
    };
  }
  return {
    action: confidence >= settings.autoApplyConfidence ? 'auto_apply' : 'review',
    reasons: confidence >= settings.autoApplyConfidence ? [] : ['batch_unresolved'],
    allocations: [],
    batch: match,
    candidates: invoiceDecision.candidates,
    evidence: [],
    confidence,
    notes,
  };
}

function review(
  reasons: DecisionReason[],
  candidates: Candidate[],
  confidence: number,
  notes: string[],
): ReconcileDecision {
  return { action: 'review', reasons, allocations: [], candidates, evidence: [], confidence, notes };
}

function decideInvoices(input: ReconcileInput): ReconcileDecision {
  const { subject, settings } = input;
  const open = input.invoices.filter((i) => i.balance.greaterThan(0));
  const hits = findReferences(subject.texts, open);
  const candidates = open
    .map((invoice) =>
      scoreInvoice(subject, invoice, hits.get(String(invoice.id)), settings, input.pendingDrafts),
    )
    .sort((a, b) => b.score - a.score);
  const plan = choosePlan(subject, candidates, open, hits, settings);
  if (!plan)
    return review(['no_match'], candidates, candidates[0]?.score ?? 0, ['no invoice has enough evidence']);

  const result = allocate(subject.amount, plan.targets, (balance) => tolerance(balance, settings));
  const included = new Set(result.allocations.map((a) => String(a.invoiceId)));
  const rival = candidates.find((c) => !included.has(String(c.invoiceId)));
  const ambiguous = rival !== undefined && logitOf(plan.evidence) - logitOf(rival.evidence) < AMBIGUITY_LOGIT;
  const rule = firstMatchingRule(settings.rules, plan.evidence);

  const reasons: DecisionReason[] = [];
  const notes: string[] = [`${plan.kind} match, confidence ${plan.score.toFixed(2)}`];
  const blocking: DecisionReason[] = [];
  const preTax = plan.evidence.some((e) => e.kind === 'pre_tax_amount');
  if (preTax) blocking.push('pre_tax_payment');
  const paid = result.allocations.flatMap(
    (a) => open.find((i) => String(i.id) === String(a.invoiceId)) ?? [],
  );
  const pending = result.credit ? pendingMatch(result.credit, paid, input.pendingDrafts ?? []) : undefined;
  if (result.credit) {
    blocking.push('over_pay');
    notes.push(
      pending
        ? `overpaid by ${result.credit.toFixed(2)}: ${pendingWords(pending)}; nothing is applied to a draft before it is posted`
        : `overpaid by ${result.credit.toFixed(2)}: left as credit for the next invoice`,
    );
  }
  const writtenOff = result.allocations.filter((a) => a.writeOff);
  // A pre-tax payment explains its own shortfall; short_pay would say the same twice.
  if (result.shortBeyondTolerance && !plan.explicitAmounts && !preTax) blocking.push('short_pay');
  else if (writtenOff.length) reasons.push('short_pay');
  if (ambiguous) {
    blocking.push('multi_match');
    notes.push(`invoice ${rival.referenceNumber} scores ${rival.score.toFixed(2)}, too close to call`);
  }
  if (!rule) notes.push('no tenant rule matches this evidence');
  else notes.push(`rule "${rule.name}" (${rule.action}, min ${rule.minConfidence})`);

  const confident =
    rule !== undefined && plan.score >= rule.minConfidence && plan.score >= settings.autoApplyConfidence;
  const autoApply = confident && rule?.action === 'auto_apply' && blocking.length === 0;
  if (!autoApply && blocking.length === 0) blocking.push('no_match');
  return {
    action: autoApply ? 'auto_apply' : 'review',
    reasons: autoApply ? reasons : [...new Set([...blocking, ...reasons])],
    allocations: result.allocations,
    credit: result.credit,
    candidates,
    evidence: plan.evidence,
    rule: rule?.name,
    confidence: plan.score,
    notes,
    ...(pending ? { pendingDraft: pending } : {}),
  };
}
