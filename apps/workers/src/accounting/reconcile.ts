// accounting.reconcile: ServiceTitan's cleared invoices against the books (any mode; the only
// thing observe mode does). Differences are kept per invoice and resolved when they go away.
import {
  allBooksInvoices,
  clearedFromMirror,
  compareBooks,
  openBooks,
  recordFindings,
} from '@invoicer/accounting';
import type { PayloadOf } from '@invoicer/core';
import type { WorkerServices } from '../services.ts';
import { type AccountingOverrides, booksOptions } from './context.ts';
import { enqueueJournals } from './journal-source.ts';
import { enqueueCleared } from './scan.ts';

export async function reconcileBooks(
  services: WorkerServices,
  payload: PayloadOf<'accounting.reconcile'>,
  overrides: AccountingOverrides = {},
): Promise<{
  queued: number;
  stInvoices: number;
  booksInvoices: number;
  open: number;
  resolved: number;
} | null> {
  const open = await openBooks(booksOptions(services, overrides), payload.tenantId);
  if (!open || open.mode === 'off') return null;
  // The mirror first (posted invoices and payments come from its feeds), then queue what changed.
  await services.ensureFresh(payload.tenantId);
  const queued =
    (await enqueueCleared(services, payload.tenantId)) + (await enqueueJournals(services, payload.tenantId));
  const [st, books] = await Promise.all([
    clearedFromMirror(services.db, payload.tenantId),
    allBooksInvoices(open.books),
  ]);
  const findings = compareBooks(open.provider, st, books);
  const counts = await recordFindings(services.db, payload.tenantId, 'observe:', findings);
  services.log.info(
    { tenant: payload.tenantId, queued, st: st.length, books: books.length, ...counts },
    'books compared with ServiceTitan',
  );
  return { queued, stInvoices: st.length, booksInvoices: books.length, ...counts };
}
