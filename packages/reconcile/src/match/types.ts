// Inputs and outputs of the matching engine. Ids are whatever the caller uses (ServiceTitan ids
// are numbers, bank transactions are fingerprints); they are compared as strings.
import type { Decimal, PaymentReason, ReconcileSettings as ReconcileSettingsSchema } from '@invoicer/core';
import type { PendingMatch } from './pending.ts';

/** Tenant reconciliation settings as parsed by core's ReconcileSettings schema. */
export type ReconcileSettings = ReturnType<(typeof ReconcileSettingsSchema)['parse']>;
export type ReconcileRule = ReconcileSettings['rules'][number];

export type EntityId = string | number;

/** A payment-like thing to reconcile: a bank line or a ServiceTitan payment. */
export interface PaymentSubject {
  kind: 'bank_transaction' | 'st_payment';
  id: EntityId;
  amount: Decimal;
  /** YYYY-MM-DD */
  date: string;
  customerId?: EntityId;
  customerName?: string;
  /** Memo, remittance lines, bank description and reference: where invoice numbers appear. */
  texts: string[];
  checkNumber?: string;
  authCode?: string;
}

export interface OpenInvoice {
  id: EntityId;
  /** The invoice number customers quote. */
  referenceNumber: string;
  customerId: EntityId;
  customerName: string;
  invoiceDate: string;
  dueDate?: string;
  total: Decimal;
  subTotal: Decimal;
  salesTax: Decimal;
  balance: Decimal;
}

/** A ServiceTitan payment not yet matched to a bank deposit. */
export interface UnreconciledPayment {
  id: EntityId;
  amount: Decimal;
  date: string;
  typeName: string;
}

export type EvidenceKind =
  | 'reference'
  | 'exact_amount'
  | 'amount_within_tolerance'
  | 'pre_tax_amount'
  | 'customer'
  | 'customer_mismatch'
  | 'date_window'
  | 'date_before_invoice'
  | 'date_outside_window'
  /** Balance plus exactly what the invoice's pending, unposted draft adds (never auto-applied). */
  | 'pending_draft_amount';

/** One reason for or against a match. `weight` is its log-odds contribution. */
export interface Evidence {
  kind: EvidenceKind;
  detail: string;
  weight: number;
}

export interface Candidate {
  invoiceId: EntityId;
  referenceNumber: string;
  customerId: EntityId;
  /** Probability-like score in [0, 1]: logistic(prior + Σ weights). */
  score: number;
  evidence: Evidence[];
}

export type DecisionReason = Exclude<PaymentReason, 'apply_failed'>;

export interface WriteOff {
  amount: Decimal;
  reason: 'short_pay_within_tolerance';
}

export interface Allocation {
  invoiceId: EntityId;
  /** Money applied from the payment; never more than the payment or the balance. */
  amount: Decimal;
  /** Invoice balance after this allocation and any write-off. */
  balanceAfter: Decimal;
  writeOff?: WriteOff;
}

export interface BatchMatch {
  paymentIds: EntityId[];
  /** Sum of the ServiceTitan payments. */
  gross: Decimal;
  /** gross − deposit: the processor's fee (zero for an exact batch). */
  fee: Decimal;
}

export interface ReconcileDecision {
  action: 'auto_apply' | 'review';
  /** Why a review is needed; on auto_apply only informational ('short_pay' written off). */
  reasons: DecisionReason[];
  allocations: Allocation[];
  /** Overpayment left on the customer's account for the next invoice. */
  credit?: Decimal;
  batch?: BatchMatch;
  /** Every scored invoice, best first. */
  candidates: Candidate[];
  /** Evidence behind the proposal (may combine several invoices). */
  evidence: Evidence[];
  /** The first rule whose requirements the proposal met. */
  rule?: string;
  confidence: number;
  /** Short human-readable trail for the review screen. */
  notes: string[];
  /** The overpayment equals what an unposted draft of a paid invoice adds: a person decides. */
  pendingDraft?: PendingMatch;
}
