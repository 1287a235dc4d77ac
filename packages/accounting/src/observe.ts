// Observe mode and the double-posting guard: ServiceTitan's cleared invoices (from the mirror)
// against the books, by invoice number, to the cent. Read-only on both sides.
import { type Decimal, fromAmountString, toMoneyString } from '@invoicer/core';
import { type Db, sql } from '@invoicer/db';
import type { Invoice } from '@invoicer/servicetitan';
import { invoiceNumber } from './documents.ts';
import type { FindingInput } from './store.ts';
import type { Books, BooksInvoice, Provider } from './types.ts';

/** Posted and exported invoices in the ServiceTitan mirror. */
export async function clearedFromMirror(db: Db, tenantId: string): Promise<Invoice[]> {
  const rows = await sql<{ data: Invoice }>(
    db,
    `SELECT data FROM st_records WHERE tenant_id = $1 AND resource = 'accounting/invoices'
       AND data->>'syncStatus' IN ('Posted', 'Exported') AND coalesce(data->>'active', 'true') <> 'false'
     ORDER BY st_id`,
    [tenantId],
  );
  return rows.map((r) => r.data);
}

const LIVE = new Set(['DRAFT', 'SUBMITTED', 'AUTHORISED', 'PAID', 'Open', 'Paid', 'Overdue']);

/** Every invoice in the books (page by page; 100 a page). */
export async function allBooksInvoices(books: Books, maxPages = 500): Promise<BooksInvoice[]> {
  const out: BooksInvoice[] = [];
  for (let page = 1; page <= maxPages; page++) {
    const rows = await books.listInvoices({ page });
    out.push(...rows);
    if (rows.length < 100) break;
  }
  return out.filter((i) => LIVE.has(i.status));
}

/** Differences between ServiceTitan and the books: missing either side, totals, tax, paid. */
export function compareBooks(provider: Provider, st: Invoice[], books: BooksInvoice[]): FindingInput[] {
  const byNumber = new Map<string, BooksInvoice[]>();
  for (const b of books) byNumber.set(b.number, [...(byNumber.get(b.number) ?? []), b]);
  const out: FindingInput[] = [];
  const paid: PaidDifference[] = [];
  const seen = new Set<string>();
  for (const invoice of st) {
    const number = invoiceNumber(invoice);
    seen.add(number);
    const day = invoice.invoiceDate?.slice(0, 10) ?? null;
    const base = { provider, stId: String(invoice.id), number, stAmount: invoice.total, day };
    const found = byNumber.get(number) ?? [];
    if (!found.length) {
      out.push({
        ...base,
        key: `observe:missing:${invoice.id}`,
        kind: 'missing_in_books',
        detail: `ServiceTitan invoice ${number} (${invoice.syncStatus}) is not in the books`,
      });
      continue;
    }
    if (found.length > 1)
      out.push({
        ...base,
        key: `observe:duplicate:${invoice.id}`,
        kind: 'duplicate_in_books',
        externalId: found.map((f) => f.id).join(','),
        detail: `invoice ${number} is in the books ${found.length} times`,
      });
    const b = found[0]!;
    const withBooks = { ...base, externalId: b.id, booksAmount: b.total };
    if (!fromAmountString(b.total).equals(fromAmountString(invoice.total)))
      out.push({
        ...withBooks,
        key: `observe:total:${invoice.id}`,
        kind: 'amount',
        detail: `total differs: ServiceTitan ${invoice.total}, books ${b.total}`,
      });
    if (!fromAmountString(b.totalTax).equals(fromAmountString(invoice.salesTax)))
      out.push({
        ...withBooks,
        key: `observe:tax:${invoice.id}`,
        kind: 'tax',
        detail: `tax differs: ServiceTitan ${invoice.salesTax}, books ${b.totalTax}`,
      });
    const stPaid = fromAmountString(invoice.total).minus(fromAmountString(invoice.balance ?? invoice.total));
    if (!stPaid.equals(fromAmountString(b.amountPaid)))
      paid.push({
        finding: {
          ...withBooks,
          key: `observe:paid:${invoice.id}`,
          kind: 'payment',
          detail: `paid differs: ServiceTitan ${toMoneyString(stPaid)}, books ${b.amountPaid}`,
        },
        diff: fromAmountString(b.amountPaid).minus(stPaid),
        customer: invoice.customer?.id ?? null,
      });
  }
  out.push(...pairWrongInvoice(paid));
  for (const b of books)
    if (!seen.has(b.number))
      out.push({
        key: `observe:unknown:${b.id}`,
        provider,
        kind: 'missing_in_st',
        externalId: b.id,
        number: b.number,
        booksAmount: b.total,
        detail: `books invoice ${b.number} has no posted ServiceTitan invoice of that number`,
        day: b.date,
      });
  return out;
}

interface PaidDifference {
  finding: FindingInput;
  /** Books paid − ServiceTitan paid. */
  diff: Decimal;
  customer: number | null;
}

/**
 * A payment the books hold on another invoice than ServiceTitan: one invoice short by X, another
 * over by X (the same customer first, then the nearest day). One difference, named as such,
 * instead of two unexplained ones.
 */
function pairWrongInvoice(paid: PaidDifference[]): FindingInput[] {
  const out: FindingInput[] = [];
  const used = new Set<PaidDifference>();
  const distance = (a: PaidDifference, b: PaidDifference) =>
    (a.customer === b.customer ? 0 : 1e9) +
    Math.abs(Date.parse(a.finding.day ?? '') - Date.parse(b.finding.day ?? '') || 0);
  for (const short of paid.filter((p) => p.diff.isNegative())) {
    const over = paid
      .filter((o) => !used.has(o) && o.diff.equals(short.diff.negated()))
      .sort((a, b) => distance(a, short) - distance(b, short))[0];
    if (!over) continue;
    used.add(short).add(over);
    const amount = toMoneyString(over.diff);
    out.push({
      ...short.finding,
      key: `observe:wrong-payment:${short.finding.stId}:${over.finding.stId}`,
      kind: 'payment_wrong_invoice',
      externalId: over.finding.externalId,
      stAmount: amount,
      booksAmount: amount,
      detail: `a payment of ${amount} that ServiceTitan applies to ${short.finding.number} is on ${over.finding.number} in the books`,
    });
  }
  return [...out, ...paid.filter((p) => !used.has(p)).map((p) => p.finding)];
}

export interface ExportEvidence {
  /** Invoices ServiceTitan shows as exported that we did not export. */
  exportedNotByUs: { stId: number; number: string }[];
  /** Posted invoices already in the books that we did not put there. */
  inBooksNotByUs: { stId: number; number: string; externalId: string }[];
}

/**
 * Whether the shop's own export (ServiceTitan's QuickBooks/Xero integration, a third party)
 * already posts invoices: then invoices mode would post them twice, and is refused.
 */
export async function detectExistingExport(
  db: Db,
  tenantId: string,
  books: Books,
  options: { sample?: number } = {},
): Promise<ExportEvidence> {
  const cleared = await clearedFromMirror(db, tenantId);
  const ours = new Set(
    (
      await db.accountingDocument.findMany({
        where: { tenantId, kind: 'invoice', externalId: { not: null } },
        select: { stId: true },
      })
    ).map((d) => d.stId),
  );
  const exportedNotByUs = cleared
    .filter((i) => i.syncStatus === 'Exported' && !ours.has(String(i.id)))
    .map((i) => ({ stId: i.id, number: invoiceNumber(i) }));
  const inBooksNotByUs: ExportEvidence['inBooksNotByUs'] = [];
  // The most recent posted invoices not ours, looked up one by one (bounded: each is a call).
  const sample = cleared
    .filter((i) => !ours.has(String(i.id)))
    .sort((a, b) => (b.invoiceDate ?? '').localeCompare(a.invoiceDate ?? ''))
    .slice(0, options.sample ?? 10);
  for (const invoice of sample) {
    const found = await books.findInvoiceByNumber(invoiceNumber(invoice));
    if (found)
      inBooksNotByUs.push({ stId: invoice.id, number: invoiceNumber(invoice), externalId: found.id });
  }
  return { exportedNotByUs, inBooksNotByUs };
}

export function evidenceText(e: ExportEvidence): string | null {
  if (!e.exportedNotByUs.length && !e.inBooksNotByUs.length) return null;
  const parts: string[] = [];
  if (e.exportedNotByUs.length)
    parts.push(
      `${e.exportedNotByUs.length} invoice(s) exported by another integration (e.g. ${e.exportedNotByUs
        .slice(0, 3)
        .map((x) => x.number)
        .join(', ')})`,
    );
  if (e.inBooksNotByUs.length)
    parts.push(
      `${e.inBooksNotByUs.length} posted invoice(s) already in the books (e.g. ${e.inBooksNotByUs
        .slice(0, 3)
        .map((x) => x.number)
        .join(', ')})`,
    );
  return `${parts.join('; ')}. Turn off the other export first (see the README), or stay in observe mode.`;
}
