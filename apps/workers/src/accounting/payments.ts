// Payments: each ServiceTitan payment applied to the invoice becomes one payment on the books'
// invoice (a split payment one per invoice), ledgered and found again by its reference.
import {
  type BooksInvoice,
  buildPaymentDraft,
  type MappingTable,
  type OpenBooks,
  paymentReference,
} from '@invoicer/accounting';
import type { Db } from '@invoicer/db';
import { runSteps } from '@invoicer/pipeline';
import type { Invoice, Payment } from '@invoicer/servicetitan';
import { paymentKey } from './ledger.ts';

/** Each ServiceTitan payment applied to the invoice, once, as a payment on the books' invoice. */
export async function syncPayments(
  db: Db,
  tenantId: string,
  open: OpenBooks,
  mappings: MappingTable,
  payments: Payment[],
  invoice: Invoice,
  inBooks: BooksInvoice,
): Promise<{ synced: number; waiting: number }> {
  const { books, provider } = open;
  const specs = [];
  let waiting = 0;
  for (const payment of payments) {
    // A payment type not mapped yet waits (the invoice is synced again once it is confirmed).
    const account = mappings.payment.get(paymentType(payment));
    if (!account) {
      waiting += 1;
      continue;
    }
    const draft = buildPaymentDraft(payment, invoice.id, inBooks.id, account.externalId, inBooks.contactId);
    if (!draft) continue;
    const key = paymentKey(provider, tenantId, payment.id, invoice.id);
    specs.push({
      key,
      operation: `${provider}.payment.create`,
      request: { invoice: inBooks.id, amount: draft.amount, reference: draft.reference },
      send: () => books.createPayment(draft, key),
      find: (snapshot: BooksInvoice | null, taken: Set<unknown>) => found(snapshot, payment, taken),
    });
  }
  if (specs.length)
    await runSteps(db, { tenantId }, specs, inBooks as BooksInvoice | null, () =>
      books.getInvoice(inBooks.id),
    );
  return { synced: specs.length, waiting };
}

export const paymentType = (p: Payment) => p.type?.trim() || 'Unknown';

function found(snapshot: BooksInvoice | null, payment: Payment, taken: Set<unknown>) {
  const match = snapshot?.payments.find(
    (p) => p.reference === paymentReference(payment) && p.status !== 'DELETED' && !taken.has(p.id),
  );
  if (!match) return null;
  taken.add(match.id);
  return { itemId: match.id, externalId: match.id, amount: match.amount };
}
