// Test builders for invoices, payments and settings.
import { Decimal, ReconcileSettings as SettingsSchema } from '@invoicer/core';
import { subjectFromStPayment } from '../match/subjects.ts';
import type { EntityId, OpenInvoice, PaymentSubject, ReconcileSettings } from '../match/types.ts';

export const d = (value: string | number) => new Decimal(value);

export function settings(overrides: Partial<ReconcileSettings> = {}): ReconcileSettings {
  return { ...SettingsSchema.parse({}), ...overrides };
}

/** An unpaid invoice; `tax` is the sales tax on top of `subTotal`. */
export function invoice(
  id: EntityId,
  referenceNumber: string,
  customer: [EntityId, string],
  invoiceDate: string,
  subTotal: string,
  tax = '0.00',
  paid = '0.00',
): OpenInvoice {
  const total = d(subTotal).plus(tax);
  return {
    id,
    referenceNumber,
    customerId: customer[0],
    customerName: customer[1],
    invoiceDate,
    total,
    subTotal: d(subTotal),
    salesTax: d(tax),
    balance: total.minus(paid),
  };
}

export function stPayment(
  amount: string,
  date: string,
  fields: { customerId?: EntityId; memo?: string } = {},
): PaymentSubject {
  return subjectFromStPayment({ id: 'p1', amount: d(amount), date, ...fields });
}

export function bankLine(
  amount: string,
  date: string,
  texts: string[],
  customerName?: string,
): PaymentSubject {
  return { kind: 'bank_transaction', id: 'b1', amount: d(amount), date, texts, customerName };
}

export const ACME: [number, string] = [7, 'Acme Plumbing LLC'];
export const SMITH: [number, string] = [8, 'John Smith'];
export const LEE: [number, string] = [9, 'Mary Lee'];

/** Five open invoices of three customers; invoice 4 carries sales tax. */
export const SAMPLE_BOOK: OpenInvoice[] = [
  invoice(1, '102345', ACME, '2024-03-01', '500.00'),
  invoice(2, '102346', ACME, '2024-03-05', '150.00'),
  invoice(3, '102347', ACME, '2024-03-10', '75.50'),
  invoice(4, '102400', SMITH, '2024-03-02', '100.00', '8.25'),
  invoice(5, '102401', LEE, '2024-03-03', '2000.00'),
];
