// Choosing what a payment pays, in order of how strong the signal is:
//  1. invoices named in the remittance (in the order named, with amounts when written);
//  2. the best invoice whose balance the amount matches (exact, short within tolerance, pre-tax);
//  3. the customer's open invoices oldest-first, when the customer is known;
//  4. the best-scoring invoice as a weak suggestion.
import { type Decimal, sum, ZERO } from '@invoicer/core';
import type { AllocationTarget } from './allocate.ts';
import { scoreOf, tolerance, WEIGHTS } from './evidence.ts';
import type { ReferenceHit } from './references.ts';
import type { Candidate, Evidence, OpenInvoice, PaymentSubject, ReconcileSettings } from './types.ts';

export interface Plan {
  kind: 'named' | 'amount' | 'customer' | 'suggestion';
  targets: AllocationTarget[];
  evidence: Evidence[];
  score: number;
  /** The remittance stated an amount for every named invoice. */
  explicitAmounts: boolean;
}

const SUGGESTION_FLOOR = 0.25;
const AMOUNT_KINDS = new Set([
  'exact_amount',
  'amount_within_tolerance',
  'pre_tax_amount',
  'pending_draft_amount',
]);

export function choosePlan(
  subject: PaymentSubject,
  candidates: Candidate[],
  invoices: OpenInvoice[],
  hits: Map<string, ReferenceHit>,
  settings: ReconcileSettings,
): Plan | undefined {
  const byId = new Map(invoices.map((i) => [String(i.id), i]));
  const candidateOf = new Map(candidates.map((c) => [String(c.invoiceId), c]));
  const named = [...hits.entries()].sort((a, b) => a[1].position - b[1].position);

  if (named.length === 1) {
    const [id, hit] = named[0] as [string, ReferenceHit];
    const candidate = candidateOf.get(id);
    const invoice = byId.get(id);
    if (candidate && invoice) return single('named', candidate, invoice, hit.requestedAmount);
  }
  if (named.length > 1) return namedGroup(subject, named, byId, candidateOf, settings);

  const top = candidates[0];
  if (top?.evidence.some((e) => AMOUNT_KINDS.has(e.kind))) {
    const invoice = byId.get(String(top.invoiceId));
    if (invoice) return single('amount', top, invoice);
  }
  const customerPlan = oldestFirst(subject, candidates, invoices, settings);
  if (customerPlan) return customerPlan;
  if (top && top.score >= SUGGESTION_FLOOR) {
    const invoice = byId.get(String(top.invoiceId));
    if (invoice) return single('suggestion', top, invoice);
  }
  return undefined;
}

function single(kind: Plan['kind'], candidate: Candidate, invoice: OpenInvoice, requested?: Decimal): Plan {
  return {
    kind,
    targets: [{ invoice, requested }],
    evidence: candidate.evidence,
    score: candidate.score,
    explicitAmounts: requested !== undefined,
  };
}

function namedGroup(
  subject: PaymentSubject,
  named: [string, ReferenceHit][],
  byId: Map<string, OpenInvoice>,
  candidateOf: Map<string, Candidate>,
  settings: ReconcileSettings,
): Plan {
  const targets: AllocationTarget[] = [];
  for (const [id, hit] of named) {
    const invoice = byId.get(id);
    if (invoice) targets.push({ invoice, requested: hit.requestedAmount });
  }
  const fuzzy = named.some(([, hit]) => hit.kind === 'fuzzy');
  const numbers = targets.map((t) => t.invoice.referenceNumber).join(', ');
  const evidence: Evidence[] = [
    {
      kind: 'reference',
      detail: `invoices ${numbers} named in the remittance${fuzzy ? ' (some with a typo)' : ''}`,
      weight: fuzzy ? WEIGHTS.referenceFuzzy : WEIGHTS.referenceExact,
    },
    ...groupAmountEvidence(subject.amount, targets, settings),
  ];
  const first = candidateOf.get(String(targets[0]?.invoice.id));
  const sameCustomer = new Set(targets.map((t) => String(t.invoice.customerId))).size === 1;
  if (sameCustomer && first)
    evidence.push(...first.evidence.filter((e) => e.kind === 'customer' || e.kind === 'customer_mismatch'));
  if (first) evidence.push(...first.evidence.filter((e) => e.kind.startsWith('date_')));
  return {
    kind: 'named',
    targets,
    evidence,
    score: scoreOf(evidence),
    explicitAmounts: targets.every((t) => t.requested !== undefined),
  };
}

function groupAmountEvidence(
  amount: Decimal,
  targets: AllocationTarget[],
  settings: ReconcileSettings,
): Evidence[] {
  const wanted = targets.map((t) =>
    t.requested?.lessThan(t.invoice.balance) ? t.requested : t.invoice.balance,
  );
  const intended = sum(wanted);
  const count = targets.length;
  if (amount.equals(intended))
    return [
      {
        kind: 'exact_amount',
        detail: `amount equals the ${count} invoices together (${intended.toFixed(2)})`,
        weight: WEIGHTS.exactAmount,
      },
    ];
  const short = intended.minus(amount);
  const last = targets.at(-1)?.invoice.balance;
  if (last && short.greaterThan(0) && short.lessThanOrEqualTo(tolerance(last, settings))) {
    return [
      {
        kind: 'amount_within_tolerance',
        detail: `${short.toFixed(2)} short of the ${count} invoices together, within tolerance`,
        weight: WEIGHTS.amountWithinTolerance,
      },
    ];
  }
  return [];
}

/** All open invoices of the known customer, oldest first; evidence when a prefix adds up. */
function oldestFirst(
  subject: PaymentSubject,
  candidates: Candidate[],
  invoices: OpenInvoice[],
  settings: ReconcileSettings,
): Plan | undefined {
  const anchor = candidates.find((c) => c.evidence.some((e) => e.kind === 'customer'));
  if (!anchor) return undefined;
  const customerId = String(subject.customerId ?? anchor.customerId);
  const mine = invoices
    .filter((i) => String(i.customerId) === customerId)
    .sort(
      (a, b) =>
        a.invoiceDate.localeCompare(b.invoiceDate) ||
        (a.dueDate ?? '').localeCompare(b.dueDate ?? '') ||
        a.referenceNumber.localeCompare(b.referenceNumber, undefined, { numeric: true }),
    );
  if (mine.length === 0) return undefined;
  const evidence: Evidence[] = anchor.evidence.filter(
    (e) => e.kind === 'customer' || e.kind.startsWith('date_'),
  );
  let running = ZERO;
  for (const [index, invoice] of mine.entries()) {
    running = running.plus(invoice.balance);
    const short = running.minus(subject.amount);
    if (short.isZero()) {
      evidence.push({
        kind: 'exact_amount',
        detail: `amount equals the ${index + 1} oldest open invoice(s) (${running.toFixed(2)})`,
        weight: WEIGHTS.exactAmount,
      });
      break;
    }
    if (short.greaterThan(0)) {
      if (short.lessThanOrEqualTo(tolerance(invoice.balance, settings))) {
        evidence.push({
          kind: 'amount_within_tolerance',
          detail: `${short.toFixed(2)} short of the ${index + 1} oldest open invoice(s), within tolerance`,
          weight: WEIGHTS.amountWithinTolerance,
        });
      }
      break;
    }
  }
  return {
    kind: 'customer',
    targets: mine.map((invoice) => ({ invoice })),
    evidence,
    score: scoreOf(evidence),
    explicitAmounts: false,
  };
}
