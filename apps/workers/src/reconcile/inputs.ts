// The engine's inputs. Open invoices and unreconciled payments come from the tenant's mirror
// (st_records, refreshed by the sync), so deciding costs no API call; before money is applied
// the invoices involved are read again from ServiceTitan, because the mirror can be minutes old
// and another payment may have landed since.
import { type Decimal, fromAmountString, ZERO } from '@invoicer/core';
import {
  type Db,
  mirrorOpenInvoices,
  mirrorPaymentsBetween,
  type PendingDraftRow,
  paymentsMatchedToBank,
  pendingDrafts,
  type Tx,
  writeOffsByInvoice,
} from '@invoicer/db';
import type { OpenInvoice, PendingDraft, UnreconciledPayment } from '@invoicer/reconcile';
import { Invoice, Payment, type StClient } from '@invoicer/servicetitan';

const day = (stamp: string | null | undefined) => (stamp ?? '').slice(0, 10);

/** How far back a deposit's payments may be dated (the engine's lookback plus posting slack). */
const PAYMENT_LOOKBACK_DAYS = 10;

/** An invoice as the engine sees it, or null when nothing is owed. `writtenOff` is what we settled. */
export function toOpenInvoice(invoice: Invoice, writtenOff: Decimal = ZERO): OpenInvoice | null {
  if (invoice.active === false) return null;
  const total = fromAmountString(invoice.total);
  const recorded =
    invoice.balance === null || invoice.balance === undefined ? total : fromAmountString(invoice.balance);
  const balance = recorded.minus(writtenOff);
  if (balance.lessThanOrEqualTo(0)) return null;
  return {
    id: invoice.id,
    referenceNumber: invoice.referenceNumber ?? String(invoice.id),
    customerId: invoice.customer?.id ?? 0,
    customerName: invoice.customer?.name ?? '',
    invoiceDate: day(invoice.invoiceDate ?? invoice.createdOn),
    dueDate: invoice.dueDate ? day(invoice.dueDate) : undefined,
    total,
    subTotal: fromAmountString(invoice.subTotal),
    salesTax: fromAmountString(invoice.salesTax),
    balance,
  };
}

export interface InvoiceBook {
  /** Invoices as last read (mirror or ServiceTitan), by id. */
  records: Map<number, Invoice>;
  writeOffs: Map<number, Decimal>;
  open(): OpenInvoice[];
  /** Our unposted drafts of open invoices, measured against the invoices as last read. */
  pendingDrafts(): PendingDraft[];
}

interface DraftLineView {
  origin?: unknown;
  total?: unknown;
  skuName?: unknown;
  description?: unknown;
}

/** A stored draft as the engine sees it: what it adds to the invoice as ServiceTitan has it. */
export function toPendingDraft(row: PendingDraftRow, invoice: Invoice | undefined): PendingDraft | null {
  if (!invoice || !Array.isArray(row.lines)) return null;
  const addedLines = (row.lines as DraftLineView[]).flatMap((line) => {
    if (line?.origin !== 'added' || typeof line.total !== 'string') return [];
    const amount = fromAmountString(line.total);
    const name = typeof line.skuName === 'string' && line.skuName ? line.skuName : line.description;
    return [{ description: typeof name === 'string' ? name : '', amount }];
  });
  if (addedLines.length === 0) return null;
  return {
    invoiceId: row.stInvoiceId,
    jobId: row.stJobId,
    runId: row.runId,
    status: row.status,
    reviewItemId: row.reviewItemId ?? undefined,
    increase: fromAmountString(row.total).minus(fromAmountString(invoice.total)),
    addedLines,
  };
}

export async function loadInvoiceBook(db: Db | Tx, tenantId: string): Promise<InvoiceBook> {
  const [rows, writeOffs, drafts] = await Promise.all([
    mirrorOpenInvoices<unknown>(db, tenantId),
    writeOffsByInvoice(db, tenantId),
    pendingDrafts(db, tenantId),
  ]);
  const records = new Map<number, Invoice>();
  for (const row of rows) {
    const parsed = Invoice.safeParse(row);
    if (parsed.success) records.set(parsed.data.id, parsed.data);
  }
  const written = new Map([...writeOffs].map(([id, amount]) => [id, fromAmountString(amount)]));
  return {
    records,
    writeOffs: written,
    open: () =>
      [...records.values()].flatMap((i) => {
        const open = toOpenInvoice(i, written.get(i.id));
        return open ? [open] : [];
      }),
    pendingDrafts: () => drafts.flatMap((d) => toPendingDraft(d, records.get(d.stInvoiceId)) ?? []),
  };
}

/** Read these invoices from ServiceTitan and replace them in the book (paid ones drop out). */
export async function refreshInvoices(client: StClient, book: InvoiceBook, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  const fresh = await client.byIds('accounting', '/invoices', Invoice, ids);
  const seen = new Set(fresh.map((i) => i.id));
  for (const invoice of fresh) book.records.set(invoice.id, invoice);
  for (const id of ids) if (!seen.has(id)) book.records.delete(id);
}

function minusDays(date: string, days: number): string {
  const t = Date.parse(`${date}T00:00:00Z`) - days * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

/** ServiceTitan payments dated shortly before a deposit that no bank line has claimed yet. */
export async function unreconciledPayments(
  db: Db | Tx,
  tenantId: string,
  depositDate: string,
): Promise<{ payments: UnreconciledPayment[]; records: Map<number, Payment> }> {
  const [rows, claimed] = await Promise.all([
    mirrorPaymentsBetween<unknown>(db, tenantId, minusDays(depositDate, PAYMENT_LOOKBACK_DAYS), depositDate),
    paymentsMatchedToBank(db, tenantId),
  ]);
  const records = new Map<number, Payment>();
  const payments: UnreconciledPayment[] = [];
  for (const row of rows) {
    const parsed = Payment.safeParse(row);
    if (!parsed.success || claimed.has(parsed.data.id)) continue;
    const p = parsed.data;
    records.set(p.id, p);
    payments.push({ id: p.id, amount: fromAmountString(p.total), date: day(p.date), typeName: p.type ?? '' });
  }
  return { payments, records };
}

export async function readPayment(client: StClient, id: number): Promise<Payment | null> {
  const [payment] = await client.byIds('accounting', '/payments', Payment, [id]);
  return payment ?? null;
}
