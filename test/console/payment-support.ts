// Seeds for the payment page tests: an invoice review item for job 1234 (invoice 6234,
// INV-1234, via seedInvoiceItem) and a payment review item shaped as the reconcile worker writes
// it, whose best candidate is that invoice with a pending draft's added permit fee.
import type { Db } from '@invoicer/db';
import { seedInvoiceItem } from './support.ts';

export const INVOICE_ID = 6234;

export async function seedPaymentItems(db: Db): Promise<{ invoiceItemId: string; paymentItemId: string }> {
  const { itemId: invoiceItemId, runId } = await seedInvoiceItem(db, { stJobId: 1234 });
  const payment = await seedPaymentItem(db, 'payment:bank_line:f00dfeedbeefcafe', {
    reasons: ['over_pay'],
    amount: '239.06',
    details: paymentDetails(invoiceItemId, runId),
  });
  return { invoiceItemId, paymentItemId: payment };
}

export async function seedPaymentItem(
  db: Db,
  subjectKey: string,
  o: { reasons: string[]; amount: string; details: object; needsManager?: boolean },
): Promise<string> {
  const item = await db.reviewItem.create({
    data: {
      tenantId: 'acme',
      kind: 'payment',
      subjectKey,
      status: 'open',
      reasons: o.reasons,
      amount: o.amount,
      customerName: 'Pat Customer',
      summary: '$239.06 bank credit: Overpayment',
      details: o.details,
      needsManager: o.needsManager ?? false,
      slaDueAt: new Date(Date.now() + 86_400_000),
    },
  });
  return item.id;
}

export function paymentDetails(invoiceItemId: string, runId: string) {
  return {
    subject: {
      kind: 'bank_line',
      date: '2026-11-30',
      amount: '239.06',
      text: 'CHECK 5521 FROM PAT CUSTOMER INV INV-1234 PERMIT INCLUDED — A LONG REMITTANCE LINE THAT GOES ON AND ON WITHOUT ANY BREAKS_TO_TEST_WRAPPING_0123456789012345678901234567890123456789',
      reference: 'BR5521',
      checkNumber: '5521',
      payer: 'PAT CUSTOMER',
      channel: 'check',
      typeCode: '175',
      line: 3,
      fingerprint: 'f00dfeedbeefcafe0123456789abcdef0123456789abcdef',
    },
    candidates: [
      {
        kind: 'invoice',
        invoiceId: INVOICE_ID,
        referenceNumber: 'INV-1234',
        customerName: 'Pat Customer',
        balance: '154.06',
        score: 0.9759,
        confidence: 0.9759,
        amount: '154.06',
        evidence: [
          { kind: 'reference', detail: 'invoice INV-1234 named as "INV-1234"', weight: 6 },
          {
            kind: 'customer',
            detail: 'payer "PAT CUSTOMER" ~ "Pat Customer" (1.00)',
            weight: 3,
          },
        ],
        allocation: {
          splits: [
            {
              invoiceId: INVOICE_ID,
              referenceNumber: 'INV-1234',
              amount: '154.06',
              customerName: 'Pat Customer',
              balanceAfter: '0.00',
            },
          ],
          credit: '85.00',
        },
        pending: {
          invoiceId: INVOICE_ID,
          referenceNumber: 'INV-1234',
          jobId: 1234,
          runId,
          status: 'awaiting_review',
          reviewItemId: invoiceItemId,
          amount: '85.00',
          lines: [{ description: 'Permit fee', amount: '85.00' }],
        },
      },
      ...[1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => ({
        kind: 'invoice',
        invoiceId: 7000 + n,
        referenceNumber: `INV-70${n}`,
        customerName: `Another Customer With A Rather Long Company Name ${n} LLC`,
        balance: `${100 + n}.00`,
        score: 0.0759,
        confidence: 0.0759,
        amount: `${100 + n}.00`,
        evidence: [{ kind: 'date_window', detail: `paid ${n} days after the invoice`, weight: 0.5 }],
        allocation: {
          splits: [
            {
              invoiceId: 7000 + n,
              referenceNumber: `INV-70${n}`,
              amount: `${100 + n}.00`,
              balanceAfter: '0.00',
            },
          ],
          credit: (239.06 - 100 - n).toFixed(2),
        },
      })),
    ],
    notes: [
      'named match, confidence 0.98',
      'overpaid by 85.00: the Permit fee (85.00) added to the pending draft for job 1234, not yet posted; nothing is applied to a draft before it is posted',
    ],
    confidence: 0.9759,
    rule: 'reference only',
  };
}
