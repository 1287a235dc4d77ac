// Payment review items carry `details.candidates` (what the deposit or payment might pay, each with
// its exact splits and evidence; apps/workers/src/reconcile/candidates.ts writes them) and
// `details.subject` (the bank line or ServiceTitan payment). Items written by older versions or
// by hand have other shapes, so everything is read tolerantly into one view model; fields the
// screen does not know are dropped, never dumped.
import { fromAmountString } from '@invoicer/core';

export interface PaymentSplitView {
  invoiceId: number | null;
  referenceNumber: string;
  customerName: string;
  amount: string;
  writeOff: string | null;
  /** Balance left on the invoice after this split (null when the item does not say). */
  balanceAfter: string | null;
}

export interface PendingView {
  referenceNumber: string;
  jobId: number | null;
  status: string;
  reviewItemId: string | null;
  amount: string;
  lines: { description: string; amount: string }[];
}

export interface PaymentCandidate {
  /** invoice, invoices (several at once), batch (existing ServiceTitan payments), or unknown. */
  kind: 'invoice' | 'invoices' | 'batch' | 'unknown';
  title: string;
  invoiceId: number | null;
  referenceNumber: string;
  customerName: string;
  /** Open balance of the invoice(s), or the payments' gross for a batch. */
  balance: string | null;
  amount: string | null;
  confidence: number | null;
  evidence: { kind: string; detail: string }[];
  splits: PaymentSplitView[];
  credit: string | null;
  fee: string | null;
  paymentIds: number[];
  pending: PendingView | null;
}

export interface PaymentSubjectView {
  kind: 'bank_line' | 'st_payment' | 'unknown';
  date: string | null;
  /** What is to be matched: the credit, or the payment's unapplied remainder. */
  amount: string | null;
  payer: string | null;
  /** The bank's words, or the payment's memo. */
  text: string | null;
  reference: string | null;
  checkNumber: string | null;
  channel: string | null;
  paymentId: number | null;
  paymentType: string | null;
  total: string | null;
  alreadyApplied: PaymentSplitView[];
}

type Obj = Record<string, unknown>;

function obj(value: unknown): Obj {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Obj) : {};
}

function str(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
    return String(value);
  return null;
}

function num(value: unknown): number | null {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  return Number.isFinite(n) ? n : null;
}

/** A plain object's values as words ("rule x"), for evidence written by hand. */
function words(value: Obj): string {
  return Object.entries(value)
    .map(([k, v]) => `${k.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()} ${str(v) ?? ''}`.trim())
    .join(', ');
}

function evidenceOf(value: unknown): { kind: string; detail: string }[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((e) => {
    if (typeof e === 'string') return [{ kind: '', detail: e }];
    const { kind, detail, weight: _weight, ...rest } = obj(e);
    const text = str(detail) ?? words(rest);
    return text ? [{ kind: str(kind) ?? '', detail: text }] : [];
  });
}

function splitOf(value: unknown): PaymentSplitView {
  const s = obj(value);
  return {
    invoiceId: num(s.invoiceId ?? s.appliedTo),
    referenceNumber: str(s.referenceNumber ?? s.appliedToReferenceNumber ?? s.invoiceId) ?? '—',
    customerName: str(s.customerName) ?? '',
    amount: str(s.amount ?? s.appliedAmount) ?? '0',
    writeOff: str(s.writeOff),
    balanceAfter: str(s.balanceAfter),
  };
}

function pendingOf(value: unknown): PendingView | null {
  const p = obj(value);
  const amount = str(p.amount);
  if (!amount) return null;
  return {
    referenceNumber: str(p.referenceNumber) ?? '',
    jobId: num(p.jobId),
    status: str(p.status) ?? '',
    reviewItemId: str(p.reviewItemId),
    amount,
    lines: (Array.isArray(p.lines) ? p.lines : []).map((l) => ({
      description: str(obj(l).description) ?? 'added line',
      amount: str(obj(l).amount) ?? '',
    })),
  };
}

const KINDS = new Set(['invoice', 'invoices', 'batch']);

export function paymentCandidates(details: unknown): PaymentCandidate[] {
  const raw = obj(details).candidates;
  if (!Array.isArray(raw)) return [];
  return raw.map((entry, i) => {
    const c = obj(entry);
    const kind = KINDS.has(str(c.kind) ?? '') ? (c.kind as PaymentCandidate['kind']) : 'unknown';
    const referenceNumber = str(c.referenceNumber ?? c.invoiceNumber ?? c.invoiceId) ?? '';
    const customerName = str(c.customerName) ?? '';
    const allocation = obj(c.allocation);
    const splits = Array.isArray(allocation.splits) ? allocation.splits.map(splitOf) : [];
    const paymentIds = Array.isArray(c.paymentIds) ? c.paymentIds.flatMap((p) => num(p) ?? []) : [];
    const title =
      kind === 'batch'
        ? `${paymentIds.length || 'Several'} ServiceTitan payment${paymentIds.length === 1 ? '' : 's'} already recorded`
        : kind === 'invoices'
          ? `Invoices ${splits.map((s) => s.referenceNumber).join(' and ') || referenceNumber}`
          : referenceNumber
            ? `Invoice ${referenceNumber}`
            : `Candidate ${i + 1}`;
    return {
      kind,
      title,
      invoiceId: num(c.invoiceId),
      referenceNumber,
      customerName,
      balance: str(c.balance),
      amount: str(c.amount),
      confidence: num(c.confidence ?? c.score),
      evidence: evidenceOf(c.evidence),
      splits,
      credit: str(allocation.credit),
      fee: str(c.fee),
      paymentIds,
      pending: pendingOf(c.pending),
    };
  });
}

/** The bank line or ServiceTitan payment itself (`subject`; `payment`/`bankLine` in older items). */
export function paymentSubject(details: unknown): PaymentSubjectView {
  const d = obj(details);
  const s = obj(d.subject ?? d.payment ?? d.bankLine);
  const stPayment = s.kind === 'st_payment';
  return {
    kind: stPayment ? 'st_payment' : s.kind === 'bank_line' ? 'bank_line' : 'unknown',
    date: str(s.date),
    amount: str(stPayment ? s.unapplied : s.amount),
    payer: str(s.payer ?? s.customer ?? s.customerName),
    text: str(s.text ?? s.memo ?? s.description),
    reference: str(s.reference),
    checkNumber: str(s.checkNumber),
    channel: str(s.channel),
    paymentId: num(s.paymentId),
    paymentType: str(s.type),
    total: str(s.total),
    alreadyApplied: Array.isArray(s.applied) ? s.applied.map(splitOf) : [],
  };
}

/** The engine's notes for the screen (`details.notes`). */
export function paymentNotes(details: unknown): string[] {
  const notes = obj(details).notes;
  return Array.isArray(notes) ? notes.flatMap((n) => str(n) ?? []) : [];
}

export interface SplitTarget {
  invoiceId: number;
  referenceNumber: string;
  customerName: string;
  /** Open balance when known. */
  balance: string | null;
}

/** The invoices a person may split the money across: every invoice among the candidates. */
export function splitTargets(candidates: PaymentCandidate[]): SplitTarget[] {
  const out = new Map<number, SplitTarget>();
  for (const c of candidates) {
    if (c.kind === 'batch') continue;
    if (c.kind === 'invoice' && c.invoiceId !== null && !out.has(c.invoiceId))
      out.set(c.invoiceId, {
        invoiceId: c.invoiceId,
        referenceNumber: c.referenceNumber,
        customerName: c.customerName,
        balance: c.balance,
      });
    for (const s of c.splits) {
      if (s.invoiceId === null || out.has(s.invoiceId)) continue;
      const before =
        s.balanceAfter !== null
          ? fromAmountString(s.amount)
              .plus(s.writeOff ? fromAmountString(s.writeOff) : 0)
              .plus(fromAmountString(s.balanceAfter))
              .toFixed(2)
          : null;
      out.set(s.invoiceId, {
        invoiceId: s.invoiceId,
        referenceNumber: s.referenceNumber,
        customerName: s.customerName || c.customerName,
        balance: before,
      });
    }
  }
  return [...out.values()];
}
