// How the simulator recomputes an invoice after an item write. ServiceTitan does not document
// this; the simulator uses the same semantics the synthetic generator documents: an item's
// total is quantity × price rounded half-up to cents; tax is per rate on the taxable items of
// its bases (Subtotal = all, Labor = Service items, Material = Material and Equipment items,
// price modifiers reduce the Subtotal base), summed unrounded per rate and rounded once.
import { Decimal, fromAmountString, fromNumber, roundCents, sum, toMoneyString, ZERO } from '@invoicer/core';
import type { Invoice, InvoiceItem, TaxZone } from '@invoicer/servicetitan';

export function itemTotal(quantity: Decimal, price: Decimal): Decimal {
  return roundCents(quantity.times(price));
}

export function invoiceTax(items: InvoiceItem[], zone: TaxZone | undefined, exempt: boolean): Decimal {
  if (exempt || !zone) return ZERO;
  const taxable = items.filter((i) => i.taxable !== false && i.active !== false);
  const amountOf = (i: InvoiceItem) => fromAmountString(i.total);
  let tax = ZERO;
  for (const rate of zone.rates ?? []) {
    const bases = new Set(rate.taxBaseType?.length ? rate.taxBaseType : ['Subtotal']);
    const base = sum(
      taxable
        .filter((i) => {
          if (bases.has('Subtotal')) return true;
          if (bases.has('Labor') && i.type === 'Service') return true;
          if (bases.has('Material') && (i.type === 'Material' || i.type === 'Equipment')) return true;
          return false;
        })
        .map(amountOf),
    );
    const positiveBase = Decimal.max(base, ZERO);
    tax = tax.plus(roundCents(positiveBase.times(fromNumber(rate.taxRate))));
  }
  return tax;
}

/** Recompute subTotal, salesTax, total and balance in place. */
export function recomputeInvoice(
  invoice: Invoice,
  zone: TaxZone | undefined,
  exempt: boolean,
  paid: Decimal,
): void {
  const items = (invoice.items ?? []).filter((i) => i.active !== false);
  const subTotal = sum(items.map((i) => fromAmountString(i.total)));
  const salesTax = invoiceTax(items, zone, exempt);
  const total = subTotal.plus(salesTax);
  invoice.subTotal = toMoneyString(subTotal);
  invoice.salesTax = toMoneyString(salesTax);
  invoice.total = toMoneyString(total);
  invoice.balance = toMoneyString(total.minus(paid));
}
