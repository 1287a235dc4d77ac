// Building a PaymentSubject from the two things that get reconciled.
import type { Decimal } from '@invoicer/core';
import type { BankTransaction } from '../types.ts';
import type { EntityId, PaymentSubject } from './types.ts';

export function subjectFromBankTransaction(tx: BankTransaction): PaymentSubject {
  return {
    kind: 'bank_transaction',
    id: tx.fingerprint,
    amount: tx.amount,
    date: tx.bookingDate,
    customerName: tx.counterpartyName,
    texts: [tx.description, tx.reference, ...tx.remittance].filter((t): t is string => !!t),
    checkNumber: tx.checkNumber,
  };
}

export interface StPaymentInput {
  id: EntityId;
  amount: Decimal;
  /** YYYY-MM-DD */
  date: string;
  customerId?: EntityId;
  customerName?: string;
  memo?: string;
  remittance?: string[];
  checkNumber?: string;
  authCode?: string;
}

export function subjectFromStPayment(payment: StPaymentInput): PaymentSubject {
  return {
    kind: 'st_payment',
    id: payment.id,
    amount: payment.amount,
    date: payment.date,
    customerId: payment.customerId,
    customerName: payment.customerName,
    texts: [payment.memo, ...(payment.remittance ?? [])].filter((t): t is string => !!t),
    checkNumber: payment.checkNumber,
    authCode: payment.authCode,
  };
}
