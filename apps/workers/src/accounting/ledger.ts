// Ledger keys for writes to the books and the ServiceTitan marks that follow them. They go in
// st_writes through runSteps like every external write; the books' idempotency key is the
// ledger key itself, so a re-send after a lost answer is replayed by the provider, not repeated.
import type { Provider } from '@invoicer/accounting';

export const booksKey = (provider: Provider, tenantId: string, ...parts: (string | number)[]) =>
  ['books', provider, tenantId, ...parts].join(':');

export const invoiceCreateKey = (provider: Provider, tenantId: string, invoiceId: number) =>
  booksKey(provider, tenantId, 'invoice', invoiceId, 'create');

export const paymentKey = (provider: Provider, tenantId: string, paymentId: number, invoiceId: number) =>
  booksKey(provider, tenantId, 'payment', paymentId, 'invoice', invoiceId);

export const contactKey = (provider: Provider, tenantId: string, customerId: number) =>
  booksKey(provider, tenantId, 'contact', customerId);

export const exportMarkKey = (tenantId: string, invoiceId: number, externalId: string) =>
  `st:${tenantId}:invoice:${invoiceId}:markasexported:${externalId}`;

/** One revision of a day's journal for a business unit (1 = the summary, then adjustments). */
export const journalKey = (
  provider: Provider,
  tenantId: string,
  day: string,
  businessUnit: string,
  revision: number,
) => booksKey(provider, tenantId, 'journal', day, businessUnit, `r${revision}`);
