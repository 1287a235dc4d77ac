// The facts behind a customer page and the assistant, read from the ServiceTitan mirror
// (st_records) for one customer of one tenant. Every figure is computed here, with exact decimals,
// and carried as display strings ("$1,234.50", "Jan 5, 2026") so a reply can only repeat them.
import { type Decimal, fromAmountString, sum, ZERO } from '@invoicer/core';
import type { Db } from '@invoicer/db';
import { displayDate, formatMoney, formatQuantity, htmlToText, plainText } from '@invoicer/documents';
import type { LinkScope } from './link.ts';

export const INVOICES = 'accounting/invoices';
export const PAYMENTS = 'accounting/payments';

interface StItem {
  id: number;
  description?: string | null;
  displayName?: string | null;
  skuName?: string | null;
  quantity: string;
  price: string;
  total: string;
  type?: string | null;
  taxable?: boolean | null;
  active?: boolean | null;
  order?: number | null;
}

export interface StInvoice {
  id: number;
  referenceNumber?: string | null;
  invoiceDate?: string | null;
  dueDate?: string | null;
  termName?: string | null;
  summary?: string | null;
  subTotal: string;
  salesTax: string;
  total: string;
  balance?: string | null;
  discountTotal?: string | null;
  customer?: { id?: number | null; name?: string | null } | null;
  location?: { name?: string | null } | null;
  job?: { id: number; number?: string | null; type?: string | null } | null;
  businessUnit?: { name?: string | null } | null;
  items?: StItem[] | null;
  active?: boolean | null;
  paidOn?: string | null;
}

interface StPayment {
  id: number;
  date?: string | null;
  type?: string | null;
  referenceNumber?: string | null;
  active?: boolean | null;
  customer?: { id?: number | null } | null;
  appliedTo?: { appliedTo: number; appliedAmount: string; appliedOn?: string | null }[] | null;
}

export interface LineFacts {
  lineId: string;
  description: string;
  kind: string;
  quantity: string;
  unitPrice: string;
  amount: string;
  taxable: boolean;
}

export interface PaymentFacts {
  paymentId: string;
  date: string | null;
  method: string;
  amount: string;
}

export interface InvoiceFacts {
  invoiceNumber: string;
  invoiceDate: string | null;
  dueDate: string | null;
  terms: string | null;
  summary: string | null;
  shopName: string | null;
  jobNumber: string | null;
  jobType: string | null;
  serviceLocation: string | null;
  lines: LineFacts[];
  subTotal: string;
  discount: string | null;
  salesTax: string;
  total: string;
  paid: string;
  balance: string;
  status: 'paid' | 'partly paid' | 'open' | 'credit';
  payments: PaymentFacts[];
}

export interface CustomerFacts {
  customerName: string;
  invoice: InvoiceFacts;
  /** The customer's other invoices, newest first (numbers, dates, totals and balances only). */
  history: { invoiceNumber: string; invoiceDate: string | null; total: string; balance: string }[];
  openBalance: string;
  /** When the invoice was paid in full (ServiceTitan's paidOn), null while it is not. */
  paidInFullOn: Date | null;
  /** The payment plan the office agreed for this invoice (collections), if one is running. */
  plan: PlanFacts | null;
}

export interface PlanFacts {
  state: 'accepted' | 'current' | 'late';
  installments: { number: number; dueDate: string; amount: string }[];
}

/** Plan states a customer should see: agreed and not over. */
const SHOWN_PLAN_STATES = ['accepted', 'current', 'late'] as const;

async function planFacts(db: Db, scope: LinkScope): Promise<PlanFacts | null> {
  const plan = await db.paymentPlan.findFirst({
    where: {
      tenantId: scope.tenantId,
      invoiceId: BigInt(scope.invoiceId),
      customerId: BigInt(scope.customerId),
      state: { in: [...SHOWN_PLAN_STATES] },
    },
    orderBy: { acceptedAt: 'desc' },
  });
  if (!plan || !Array.isArray(plan.installments)) return null;
  const installments = (plan.installments as { number?: unknown; dueDate?: unknown; cents?: unknown }[])
    .filter((i) => Number.isSafeInteger(i.cents) && typeof i.dueDate === 'string')
    .map((i, k) => ({
      number: Number.isInteger(i.number) ? Number(i.number) : k + 1,
      dueDate: displayDate(i.dueDate as string) ?? String(i.dueDate),
      // Whole cents to a decimal string: exact, no float arithmetic on money.
      amount: formatMoney(centsToDecimal(i.cents as number)),
    }));
  return installments.length ? { state: plan.state as PlanFacts['state'], installments } : null;
}

function centsToDecimal(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = String(Math.abs(cents)).padStart(3, '0');
  return `${sign}${abs.slice(0, -2)}.${abs.slice(-2)}`;
}

function applied(payments: StPayment[], invoiceId: number) {
  return payments
    .filter((p) => p.active !== false)
    .flatMap((p) =>
      (p.appliedTo ?? [])
        .filter((a) => a.appliedTo === invoiceId)
        .map((a) => ({ payment: p, amount: fromAmountString(a.appliedAmount), on: a.appliedOn ?? p.date })),
    )
    .filter((a) => !a.amount.isZero());
}

function balanceOf(invoice: StInvoice, payments: StPayment[]): { paid: Decimal; balance: Decimal } {
  const paid = sum(applied(payments, invoice.id).map((a) => a.amount));
  // ServiceTitan's own balance when it has one (it also knows adjustments); else total − payments.
  const balance =
    invoice.balance !== null && invoice.balance !== undefined
      ? fromAmountString(invoice.balance)
      : fromAmountString(invoice.total).minus(paid);
  return { paid, balance };
}

function paidOnOf(invoice: StInvoice, payments: StPayment[]): Date | null {
  const { balance } = balanceOf(invoice, payments);
  if (balance.gt(0)) return null;
  const last = applied(payments, invoice.id)
    .map((a) => a.on)
    .filter((d): d is string => Boolean(d))
    .sort()
    .at(-1);
  const when = invoice.paidOn ?? last ?? null;
  const date = when ? new Date(when) : null;
  return date && !Number.isNaN(date.getTime()) ? date : null;
}

export function invoiceNumberOf(invoice: Pick<StInvoice, 'id' | 'referenceNumber'>): string {
  return plainText(invoice.referenceNumber) || String(invoice.id);
}

export function invoiceFacts(invoice: StInvoice, payments: StPayment[]): InvoiceFacts {
  const items = (invoice.items ?? [])
    .filter((i) => i.active !== false)
    .sort((a, b) => (a.order ?? 0) - (b.order ?? 0) || a.id - b.id);
  const { paid, balance } = balanceOf(invoice, payments);
  const total = fromAmountString(invoice.total);
  const discount = invoice.discountTotal ? fromAmountString(invoice.discountTotal) : ZERO;
  return {
    invoiceNumber: invoiceNumberOf(invoice),
    invoiceDate: displayDate(invoice.invoiceDate),
    dueDate: displayDate(invoice.dueDate),
    terms: plainText(invoice.termName) || null,
    summary: htmlToText(invoice.summary) || null,
    shopName: plainText(invoice.businessUnit?.name) || null,
    jobNumber: plainText(invoice.job?.number) || (invoice.job ? String(invoice.job.id) : null),
    jobType: plainText(invoice.job?.type) || null,
    serviceLocation: plainText(invoice.location?.name) || null,
    lines: items.map((i) => ({
      lineId: String(i.id),
      description: htmlToText(i.description) || plainText(i.displayName) || plainText(i.skuName) || 'Item',
      kind: plainText(i.type) || 'Item',
      quantity: formatQuantity(i.quantity),
      unitPrice: formatMoney(i.price),
      amount: formatMoney(i.total),
      taxable: i.taxable === true,
    })),
    subTotal: formatMoney(invoice.subTotal),
    discount: discount.isZero() ? null : formatMoney(discount),
    salesTax: formatMoney(invoice.salesTax),
    total: formatMoney(total),
    paid: formatMoney(paid),
    balance: formatMoney(balance),
    status: balance.isNegative()
      ? 'credit'
      : balance.isZero()
        ? 'paid'
        : paid.isZero()
          ? 'open'
          : 'partly paid',
    payments: applied(payments, invoice.id).map((a) => ({
      paymentId: String(a.payment.id),
      date: displayDate(a.on),
      method: plainText(a.payment.type) || 'Payment',
      amount: formatMoney(a.amount),
    })),
  };
}

/**
 * The facts for the link's invoice, or null when the mirror has no such invoice for that customer
 * (a link for a deleted invoice, or a customer id that does not own it).
 */
export async function loadCustomerFacts(db: Db, scope: LinkScope): Promise<CustomerFacts | null> {
  const [invoiceRows, paymentRows, historyRows, plan] = await Promise.all([
    db.stRecord.findMany({
      where: { tenantId: scope.tenantId, resource: INVOICES, stId: BigInt(scope.invoiceId) },
    }),
    db.stRecord.findMany({
      where: { tenantId: scope.tenantId, resource: PAYMENTS, parentId: BigInt(scope.customerId) },
    }),
    db.$queryRawUnsafe<{ data: StInvoice }[]>(
      `SELECT data FROM st_records WHERE tenant_id = $1 AND resource = $2
         AND data -> 'customer' ->> 'id' = $3 ORDER BY st_id DESC LIMIT 200`,
      scope.tenantId,
      INVOICES,
      String(scope.customerId),
    ),
    planFacts(db, scope),
  ]);
  const invoice = invoiceRows[0]?.data as unknown as StInvoice | undefined;
  if (!invoice || invoice.customer?.id !== scope.customerId || invoice.active === false) return null;
  const payments = paymentRows.map((r) => r.data as unknown as StPayment);
  const others = historyRows.map((r) => r.data).filter((i) => i.active !== false);
  const balances = others.map((i) => ({ invoice: i, ...balanceOf(i, payments) }));
  const open = sum(balances.map((b) => (b.balance.isPositive() ? b.balance : ZERO)));
  return {
    customerName: plainText(invoice.customer?.name),
    invoice: invoiceFacts(invoice, payments),
    history: balances
      .filter((b) => b.invoice.id !== scope.invoiceId)
      .map((b) => ({
        invoiceNumber: invoiceNumberOf(b.invoice),
        invoiceDate: displayDate(b.invoice.invoiceDate),
        total: formatMoney(b.invoice.total),
        balance: formatMoney(b.balance),
      })),
    openBalance: formatMoney(open),
    paidInFullOn: paidOnOf(invoice, payments),
    plan,
  };
}
