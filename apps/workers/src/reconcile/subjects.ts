// What the matching engine sees of a bank line or a ServiceTitan payment. Bank descriptions
// carry the bank's own identifiers (lockbox, merchant id, ACH trace and originator ids) that a
// typo-tolerant invoice-number search would mistake for invoice numbers, and the payer's name
// sits in fixed places (ACH "ORIG CO NAME:", lockbox "CHECK n FROM"): both are handled here so
// the engine gets the customer's words only.
import { fromAmountString } from '@invoicer/core';
import type { BankTransaction as StoredLine } from '@invoicer/db';
import {
  type BankTransaction,
  DEFAULT_BATCH_OPTIONS,
  type PaymentSubject,
  subjectFromStPayment,
  type UnreconciledPayment,
} from '@invoicer/reconcile';
import type { Payment } from '@invoicer/servicetitan';

/**
 * Labelled bank identifiers in ACH / lockbox / processor descriptions (and the check's own serial
 * number): never a customer's invoice reference.
 */
const BANK_IDS =
  /\b(?:LOCKBOX|LBX|MID|MERCHANT ID|BATCH|CNT|ORIG ID:|TRACE#?:?|TRACE NO:?|DESC DATE:|EFF DATE:|EED:|IND ID:|SEC:|CO ID:|CHECK(?: NO\.?| NUMBER)?#?|CHK#?|CK#)\s*[A-Z]*\d[A-Z0-9]*/g;
/** The receiving company's own name in an ACH description ("IND NAME:" is us, not the payer). */
const RECEIVER = /\bIND NAME:.*?(?=\b(?:[A-Z ]+:|RMR\*|REMARK)|$)/g;
const ACH_PAYER = /\bORIG CO NAME:\s*(.+?)(?=\s+(?:CO ENTRY|ORIG ID|DESC DATE|SEC:|TRACE|CO ID)|$)/;
const CHECK_PAYER = /\bFROM\s+(.+?)(?=\s+(?:INV|INVOICE|RE|REF|PMT|PAYMENT|FOR|#)\b|\s+\S*\d|$)/;

export type BankChannel = 'card' | 'check' | 'ach' | 'unknown';

/** Stored row → the engine's transaction shape. */
export function toEngineLine(row: StoredLine): BankTransaction {
  return {
    fingerprint: row.fingerprint,
    accountId: row.accountId ?? undefined,
    bookingDate: row.bookingDate,
    valueDate: row.valueDate ?? undefined,
    amount: fromAmountString(row.amount.toFixed()),
    currency: row.currency,
    description: row.description,
    reference: row.reference ?? undefined,
    counterpartyName: row.counterpartyName ?? undefined,
    remittance: row.remittance,
    checkNumber: row.checkNumber ?? undefined,
    typeCode: row.typeCode ?? undefined,
    fee: row.fee === null ? undefined : fromAmountString(row.fee.toFixed()),
    line: row.line ?? undefined,
  };
}

/** The line's text as the bank wrote it. BAI2 88-continuations continue the same text field. */
export function lineText(row: Pick<StoredLine, 'format' | 'description' | 'remittance'>): string {
  return [row.description, ...row.remittance].join(row.format === 'bai2' ? '' : '\n');
}

export function bankSubject(row: StoredLine): PaymentSubject {
  const text = lineText(row).toUpperCase();
  const cleaned = text.replace(RECEIVER, ' ').replace(BANK_IDS, ' ');
  const payer = row.counterpartyName ?? payerName(text);
  return {
    kind: 'bank_transaction',
    id: row.fingerprint,
    amount: fromAmountString(row.amount.toFixed()),
    date: row.bookingDate,
    customerName: payer,
    texts: [cleaned],
    checkNumber: row.checkNumber ?? undefined,
  };
}

export function payerName(text: string): string | undefined {
  const upper = text.toUpperCase();
  const m = ACH_PAYER.exec(upper) ?? CHECK_PAYER.exec(upper);
  const name = m?.[1]?.replace(/\s+/g, ' ').trim();
  return name ? name : undefined;
}

/**
 * How the money arrived, from the bank's words and type code. A deposit is one channel: a card
 * processor's payout only contains card payments, a check deposit only checks and cash.
 */
export function bankChannel(
  row: Pick<StoredLine, 'format' | 'description' | 'remittance' | 'typeCode' | 'checkNumber'>,
): BankChannel {
  const text = lineText(row).toUpperCase();
  if (
    /MERCHANT|MERCH SVC|BANKCARD|CARD SVC|CARD SETTLE|STRIPE|SQUARE|PAYPAL|AMEX|VISA|WORLDPAY|HEARTLAND|ELAVON|FISERV/.test(
      text,
    )
  )
    return 'card';
  const bai = row.format === 'bai2' ? row.typeCode : undefined;
  if (/ORIG CO NAME|CO ENTRY DESCR|\bSEC:(?:PPD|CCD|WEB|CTX)\b/.test(text)) return 'ach';
  if (row.checkNumber || bai === '115' || bai === '301' || /\bCHE?CK\b|\bCHK\b|LOCKBOX|DEPOSIT/.test(text))
    return 'check';
  if (/\bACH\b|\bEFT\b|\bPPD\b|\bCCD\b|\bWIRE\b|DIRECT DEP/.test(text) || bai === '142' || bai === '165')
    return 'ach';
  return 'unknown';
}

const CHECK_TYPES = /check|cheque|cash|money order/i;

export function paymentChannel(typeName: string): Exclude<BankChannel, 'unknown'> {
  if (DEFAULT_BATCH_OPTIONS.feeBearingTypes.test(typeName)) return 'card';
  if (CHECK_TYPES.test(typeName)) return 'check';
  return 'ach';
}

/** ServiceTitan payments that could make up a deposit arriving through `channel`. */
export function paymentsForChannel(
  channel: BankChannel,
  payments: UnreconciledPayment[],
): UnreconciledPayment[] {
  if (channel === 'unknown') return payments;
  return payments.filter((p) => paymentChannel(p.typeName) === channel);
}

/** A ServiceTitan payment's unapplied remainder as a subject. */
export function stPaymentSubject(payment: Payment, remainder: string): PaymentSubject {
  return subjectFromStPayment({
    id: payment.id,
    amount: fromAmountString(remainder),
    date: (payment.date ?? payment.createdOn ?? '').slice(0, 10),
    customerId: payment.customer?.id ?? undefined,
    customerName: payment.customer?.name ?? undefined,
    memo: payment.memo ?? undefined,
    checkNumber: payment.checkNumber ?? undefined,
    authCode: payment.authCode ?? undefined,
  });
}
