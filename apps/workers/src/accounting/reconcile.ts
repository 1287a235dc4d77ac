// accounting.reconcile: the three-way report, ServiceTitan ↔ books ↔ bank, in any mode (the only
// thing observe mode does). Books: invoices by number to the cent (invoices and observe modes),
// or our journals read back against ServiceTitan's day (journal mode). Bank: imported statement
// lines and the payment reconciliation's decisions. Differences are kept per subject, resolved
// when they go away, and each opens (or closes) a review item. Per-day totals are kept for the
// console and its CSV.
import {
  allBooksInvoices,
  type BankLine,
  bankFindings,
  clearedFromMirror,
  compareBooks,
  dayTotals,
  openBooks,
  recordFindings,
  saveDocument,
} from '@invoicer/accounting';
import type { PayloadOf } from '@invoicer/core';
import { sql } from '@invoicer/db';
import type { Payment } from '@invoicer/servicetitan';
import type { WorkerServices } from '../services.ts';
import { type AccountingOverrides, booksOptions } from './context.ts';
import { journalFindings } from './journal-check.ts';
import { enqueueJournals } from './journal-source.ts';
import { reviewFindings } from './review.ts';
import { enqueueCleared } from './scan.ts';

export async function reconcileBooks(
  services: WorkerServices,
  payload: PayloadOf<'accounting.reconcile'>,
  overrides: AccountingOverrides = {},
): Promise<{
  queued: number;
  stInvoices: number;
  booksInvoices: number;
  bankLines: number;
  open: number;
  resolved: number;
  review: { opened: number; updated: number; closed: number };
} | null> {
  const { db } = services;
  const { tenantId } = payload;
  const open = await openBooks(booksOptions(services, overrides), tenantId);
  if (!open || open.mode === 'off') return null;
  // The mirror first (posted invoices and payments come from its feeds), then queue what changed.
  await services.ensureFresh(tenantId);
  const pending = new Set<string>();
  const queued =
    (await enqueueCleared(services, tenantId)) +
    (await enqueueJournals(services, tenantId, new Date(), pending));
  const journal = open.mode === 'journal';
  const [st, books, payments, lines] = await Promise.all([
    clearedFromMirror(db, tenantId),
    journal ? Promise.resolve([]) : allBooksInvoices(open.books),
    mirrorPayments(services, tenantId),
    bankLines(services, tenantId),
  ]);
  const booksSide = journal
    ? await journalFindings(db, tenantId, open, pending)
    : compareBooks(open.provider, st, books);
  const settleDays = Number(open.rules.bankSettleDays ?? 3);
  const bank = bankFindings(open.provider, payments, lines, settleDays);
  const a = await recordFindings(db, tenantId, journal ? 'journal:' : 'observe:', booksSide);
  const b = await recordFindings(db, tenantId, 'bank:', bank);
  const review = await reviewFindings(services, tenantId);
  for (const d of dayTotals(st, books, payments, lines))
    await saveDocument(
      db,
      { tenantId, provider: open.provider, kind: 'day', stId: d.day },
      {
        status: 'reported',
        amount: d.stInvoiced,
        detail: {
          ...d,
          // Journal mode keeps no invoices in the books: the journals' invoiced amount stands in.
          booksInvoiced: journal ? null : d.booksInvoiced,
          differences: [...booksSide, ...bank].filter((f) => f.day === d.day).length,
        },
      },
    );
  const counts = { open: a.open + b.open, resolved: a.resolved + b.resolved };
  services.log.info(
    { tenant: tenantId, queued, st: st.length, books: books.length, bank: lines.length, ...counts, review },
    'books and bank compared with ServiceTitan',
  );
  return {
    queued,
    stInvoices: st.length,
    booksInvoices: books.length,
    bankLines: lines.length,
    ...counts,
    review,
  };
}

async function mirrorPayments(services: WorkerServices, tenantId: string): Promise<Payment[]> {
  const rows = await sql<{ data: Payment }>(
    services.db,
    `SELECT data FROM st_records WHERE tenant_id = $1 AND resource = 'accounting/payments'
       AND coalesce(data->>'active', 'true') <> 'false' ORDER BY st_id`,
    [tenantId],
  );
  return rows.map((r) => r.data);
}

/** Imported bank credits with the payment reconciliation's decision for each. */
async function bankLines(services: WorkerServices, tenantId: string): Promise<BankLine[]> {
  const rows = await sql<{
    fingerprint: string;
    day: string;
    amount: string;
    fee: string | null;
    description: string;
    status: string | null;
    ids: string[] | null;
  }>(
    services.db,
    `SELECT t.fingerprint, left(t.booking_date, 10) AS day, t.amount::text AS amount, t.fee::text AS fee,
            t.description, r.status, r.st_payment_ids::text[] AS ids
       FROM bank_transactions t
       LEFT JOIN reconciliations r
         ON r.tenant_id = t.tenant_id AND r.subject_kind = 'bank_line' AND r.subject_id = t.fingerprint
      WHERE t.tenant_id = $1 AND t.amount > 0
      ORDER BY t.booking_date, t.fingerprint`,
    [tenantId],
  );
  return rows.map((r) => ({
    fingerprint: r.fingerprint,
    day: r.day,
    amount: r.amount,
    fee: r.fee,
    description: r.description,
    status: r.status,
    stPaymentIds: (r.ids ?? []).map(Number),
  }));
}
