// ServiceTitan's posted invoice (as read back) → the books' invoice: same number, customer,
// lines, tax and total to the cent. Pure; unmapped names are reported, never guessed.
import { Decimal, fromAmountString, InvalidInputError, sum, toMoneyString } from '@invoicer/core';
import type { Invoice, Payment } from '@invoicer/servicetitan';
import type { BooksInvoiceDraft, BooksLineDraft, BooksPaymentDraft } from './types.ts';

/** ledger: general-ledger accounts of journal mode (revenue, tax payable, receivable, deposits). */
export type MappingKind = 'customer' | 'account' | 'tax' | 'payment' | 'ledger';

export interface MappingNeed {
  kind: MappingKind;
  stKey: string;
  stName: string;
}

/** Confirmed mappings, by kind then ServiceTitan key. */
export type MappingTable = Record<
  MappingKind,
  Map<string, { externalId: string; externalName: string | null }>
>;

export function emptyMappings(): MappingTable {
  return { customer: new Map(), account: new Map(), tax: new Map(), payment: new Map(), ledger: new Map() };
}

export const EXEMPT_TAX_KEY = 'exempt';

export function taxKey(invoice: Invoice): { stKey: string; stName: string } {
  const id = invoice.salesTaxCode?.id ?? invoice.taxZoneId ?? null;
  return {
    stKey: id === null ? 'zone:none' : `zone:${id}`,
    stName: invoice.salesTaxCode?.name ?? (id === null ? 'No tax zone' : `Tax zone ${id}`),
  };
}

export function invoiceNumber(invoice: Invoice): string {
  return invoice.referenceNumber?.trim() || String(invoice.id);
}

/** What an invoice needs mapped before it can be written. */
export function mappingNeeds(invoice: Invoice): MappingNeed[] {
  const needs: MappingNeed[] = [];
  const customer = invoice.customer;
  if (!customer?.id) throw new InvalidInputError(`invoice ${invoice.id} has no customer`);
  needs.push({
    kind: 'customer',
    stKey: String(customer.id),
    stName: customer.name ?? `Customer ${customer.id}`,
  });
  for (const type of new Set(activeItems(invoice).map((i) => i.type)))
    needs.push({ kind: 'account', stKey: type, stName: `${type} revenue` });
  const tax = taxKey(invoice);
  needs.push({ kind: 'tax', ...tax });
  needs.push({ kind: 'tax', stKey: EXEMPT_TAX_KEY, stName: 'Tax exempt' });
  return needs;
}

const activeItems = (invoice: Invoice) => (invoice.items ?? []).filter((i) => i.active !== false);

/** Spread `total` cents over `weights` by largest remainder, so the parts add up exactly. */
export function spreadCents(total: Decimal, weights: Decimal[]): Decimal[] {
  const cents = total.times(100).toDecimalPlaces(0).toNumber();
  const base = sum(weights.map((w) => w.abs()));
  if (base.isZero()) return weights.map((_, i) => (i === 0 ? total : new Decimal(0)));
  const raw = weights.map((w) => w.abs().times(cents).dividedBy(base));
  const floors = raw.map((r) => r.floor());
  let left = cents - sum(floors).toNumber();
  const order = raw
    .map((r, i) => ({ i, frac: r.minus(floors[i]!) }))
    .sort((a, b) => b.frac.comparedTo(a.frac));
  for (const { i } of order) {
    if (left <= 0) break;
    floors[i] = floors[i]!.plus(1);
    left -= 1;
  }
  return floors.map((c) => c.dividedBy(100));
}

/**
 * The books' invoice for a ServiceTitan invoice, or the mappings still missing. Tax is
 * ServiceTitan's salesTax, spread over the taxable lines (largest remainder), so the books'
 * total equals ServiceTitan's to the cent whatever the books' own tax engine would say.
 */
export function buildInvoiceDraft(
  invoice: Invoice,
  mappings: MappingTable,
): { draft: BooksInvoiceDraft; missing: [] } | { draft: null; missing: MappingNeed[] } {
  const missing = mappingNeeds(invoice).filter((n) => !mappings[n.kind].has(n.stKey));
  if (missing.length) return { draft: null, missing };
  const items = activeItems(invoice);
  if (!items.length) throw new InvalidInputError(`invoice ${invoice.id} has no lines`);
  const salesTax = fromAmountString(invoice.salesTax);
  const totals = items.map((i) => fromAmountString(i.total));
  let taxable = items.map((i) => i.taxable === true);
  if (!salesTax.isZero() && !taxable.some(Boolean)) taxable = items.map(() => true);
  const taxes = spreadCents(
    salesTax,
    totals.map((t, i) => (taxable[i] ? t : new Decimal(0))),
  );
  const zoneTax = mappings.tax.get(taxKey(invoice).stKey)!.externalId;
  const exemptTax = mappings.tax.get(EXEMPT_TAX_KEY)!.externalId;
  const lines: BooksLineDraft[] = items.map((item, i) => {
    const quantity = fromAmountString(item.quantity);
    const price = fromAmountString(item.price);
    const total = totals[i]!;
    // The books check LineAmount = Quantity × UnitAmount; when ServiceTitan's total is not that
    // product (a rounded or adjusted line), send one unit at the line total.
    const exact = quantity.times(price).toDecimalPlaces(2).equals(total);
    const description = (item.description || item.skuName || item.type).replace(/<[^>]*>/g, '').trim();
    return {
      description: description.slice(0, 4000),
      quantity: exact ? quantity.toString() : '1',
      unitAmount: exact ? price.toString() : toMoneyString(total),
      lineAmount: toMoneyString(total),
      accountCode: mappings.account.get(item.type)!.externalId,
      itemCode: null,
      taxType: taxable[i] ? zoneTax : exemptTax,
      taxAmount: toMoneyString(taxes[i]!),
    };
  });
  const subTotal = sum(totals);
  if (!subTotal.equals(fromAmountString(invoice.subTotal)))
    throw new InvalidInputError(
      `invoice ${invoice.id}: lines add up to ${toMoneyString(subTotal)}, ServiceTitan's subtotal is ${invoice.subTotal}`,
    );
  const total = subTotal.plus(salesTax);
  if (!total.equals(fromAmountString(invoice.total)))
    throw new InvalidInputError(
      `invoice ${invoice.id}: subtotal + tax is ${toMoneyString(total)}, ServiceTitan's total is ${invoice.total}`,
    );
  const date = (invoice.invoiceDate ?? invoice.createdOn ?? '').slice(0, 10);
  if (!date) throw new InvalidInputError(`invoice ${invoice.id} has no date`);
  return {
    draft: {
      number: invoiceNumber(invoice),
      reference: invoice.job?.number ? `ST job ${invoice.job.number}` : `ST invoice ${invoice.id}`,
      date,
      dueDate: (invoice.dueDate ?? '').slice(0, 10) || date,
      contactId: mappings.customer.get(String(invoice.customer!.id))!.externalId,
      lines,
      subTotal: toMoneyString(subTotal),
      totalTax: toMoneyString(salesTax),
      total: toMoneyString(total),
    },
    missing: [],
  };
}

/** Our reference on a payment in the books: finds it again in a read-back. */
export function paymentReference(payment: Payment): string {
  return `ST payment ${payment.id}`;
}

/** The part of a ServiceTitan payment applied to this invoice, as a payment in the books. */
export function buildPaymentDraft(
  payment: Payment,
  stInvoiceId: number,
  booksInvoiceId: string,
  accountId: string,
  contactId: string | null,
): BooksPaymentDraft | null {
  const applied = (payment.appliedTo ?? []).filter((a) => a.appliedTo === stInvoiceId);
  const amount = sum(applied.map((a) => fromAmountString(a.appliedAmount)));
  if (amount.lte(0)) return null;
  return {
    invoiceId: booksInvoiceId,
    accountId,
    date: (payment.date ?? payment.createdOn ?? '').slice(0, 10),
    amount: toMoneyString(amount),
    reference: paymentReference(payment),
    contactId,
  };
}
