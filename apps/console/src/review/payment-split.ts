// Reading a payment decision from a form or an API body. The split form sends one field per
// invoice (`split_<invoiceId>` = amount, empty to skip); API clients send
// `{ action: 'split', splits: [{ invoiceId, amount }] }`. Other actions are PaymentForm's.
import { fromAmountString, toMoneyString } from '@invoicer/core';
import { z } from 'zod';
import { parseInput, ValidationError } from '../http/errors.ts';
import { PaymentForm } from './forms.ts';
import type { PaymentDecision } from './payment-actions.ts';

export interface PaymentSplitRequest {
  invoiceId: number;
  /** Dollars with two decimals. */
  amount: string;
}

const Amount = z
  .union([z.string(), z.number()])
  .transform((v) => String(v).trim())
  .pipe(z.string().regex(/^\d{1,9}(\.\d{1,2})?$/, 'must be a dollar amount like 125.00'));

const SplitBody = z.object({
  action: z.literal('split'),
  splits: z
    .array(z.object({ invoiceId: z.coerce.number().int().positive('is not an invoice id'), amount: Amount }))
    .min(1, 'enter an amount for at least one invoice')
    .max(50),
});

const FIELD = /^split_(\d{1,15})$/;

/** The amounts of a split form, or the API's list; zero and empty amounts are skipped. */
export function parseSplitAmounts(body: unknown): PaymentSplitRequest[] {
  const record = (body ?? {}) as Record<string, unknown>;
  const listed = Array.isArray(record.splits)
    ? record.splits
    : Object.entries(record).flatMap(([key, value]) => {
        const m = FIELD.exec(key);
        return m && String(value ?? '').trim() !== '' ? [{ invoiceId: m[1], amount: value }] : [];
      });
  const parsed = parseInput(SplitBody, { action: 'split', splits: listed });
  const seen = new Set<number>();
  const splits: PaymentSplitRequest[] = [];
  for (const s of parsed.splits) {
    if (seen.has(s.invoiceId))
      throw new ValidationError([{ field: 'splits', message: `invoice ${s.invoiceId} is listed twice` }]);
    seen.add(s.invoiceId);
    if (Number(s.amount) > 0)
      splits.push({ invoiceId: s.invoiceId, amount: toMoneyString(fromAmountString(s.amount)) });
  }
  if (splits.length === 0)
    throw new ValidationError([{ field: 'splits', message: 'enter an amount for at least one invoice' }]);
  return splits;
}

export function parsePaymentDecision(body: unknown): PaymentDecision {
  if ((body as { action?: unknown } | null)?.action === 'split')
    return { action: 'split', splits: parseSplitAmounts(body) };
  return parseInput(PaymentForm, body);
}
