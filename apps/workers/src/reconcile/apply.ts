// Writing money to ServiceTitan, at most once. Every write has an st_writes row keyed by what
// is applied; a row that was started but never completed (a crash between the POST and the
// ledger update) is resolved by finding the payment in ServiceTitan by the marker we put in its
// memo and claiming it, so a retry never creates a second payment for one bank line. Every
// write is read back and compared with what was meant.
import { type Decimal, errorMessage, fromAmountString, sum, toMoneyString, ZERO } from '@invoicer/core';
import {
  beginWrite,
  completeWrite,
  type Db,
  failWrite,
  type BankTransaction as StoredLine,
  writesWithPrefix,
} from '@invoicer/db';
import { type Payment, type PaymentType, StApiError, type StClient } from '@invoicer/servicetitan';
import { z } from 'zod';
import type { CandidateSplit } from './candidates.ts';
import { readPayment } from './inputs.ts';
import { type BankChannel, paymentChannel } from './subjects.ts';

export interface WriteResult {
  paymentId: number;
  /** Found in ServiceTitan after an unconfirmed earlier attempt, not sent again. */
  recovered: boolean;
  /** Why the read-back does not show what was meant (null when it does). */
  problem: string | null;
}

/** Put in the memo of payments we create, so a retry can find its own payment. */
export function paymentMarker(fingerprint: string): string {
  return `[rc:${fingerprint.slice(0, 16)}]`;
}

export function bankPaymentPrefix(fingerprint: string): string {
  return `pay:${fingerprint}:`;
}

/** Differences between a payment's applications and the splits meant (empty when they agree). */
export function compareSplits(payment: Payment, splits: CandidateSplit[], exactTotal: boolean): string[] {
  const applied = appliedByInvoice(payment);
  const problems: string[] = [];
  for (const s of splits) {
    const got = applied.get(s.invoiceId);
    const want = fromAmountString(s.amount);
    if (!got || (exactTotal ? !got.equals(want) : got.lessThan(want)))
      problems.push(
        `invoice ${s.referenceNumber}: expected ${s.amount} applied, found ${got ? toMoneyString(got) : 'nothing'}`,
      );
  }
  if (exactTotal) {
    const total = sum(splits.map((s) => fromAmountString(s.amount)));
    if (!fromAmountString(payment.total).equals(total))
      problems.push(`payment total ${payment.total}, expected ${toMoneyString(total)}`);
  }
  return problems;
}

export interface ResumedWrite extends WriteResult {
  splits: CandidateSplit[];
}

/**
 * A payment this bank line already produced, if any: a completed ledger row, or a started one
 * whose payment is in ServiceTitan (claimed now). A started row whose payment is not there never
 * reached ServiceTitan; it is closed as failed so the line can be decided afresh.
 */
export async function resumeBankPayment(
  db: Db,
  client: StClient,
  line: StoredLine,
): Promise<ResumedWrite | null> {
  const marker = paymentMarker(line.fingerprint);
  const writes = await writesWithPrefix(db, bankPaymentPrefix(line.fingerprint));
  const meantBy = (request: unknown) => (request as { splitsMeant?: CandidateSplit[] }).splitsMeant ?? [];
  const completed = writes.find((w) => w.status === 'completed');
  if (completed) {
    const paymentId = (completed.response as { paymentId: number }).paymentId;
    const payment = await readPayment(client, paymentId);
    const splits = meantBy(completed.request);
    const problems = payment
      ? compareSplits(payment, splits, true)
      : [`payment ${paymentId} is not in ServiceTitan`];
    return { paymentId, recovered: true, problem: problems.join('; ') || null, splits };
  }
  for (const write of writes.filter((w) => w.status === 'started')) {
    const splits = meantBy(write.request);
    const found = await findByMarker(
      client,
      splits.map((s) => s.invoiceId),
      marker,
    );
    if (found) {
      const problems = compareSplits(found, splits, true);
      await completeWrite(db, write.key, { paymentId: found.id, recovered: true, problems });
      return { paymentId: found.id, recovered: true, problem: problems.join('; ') || null, splits };
    }
    await failWrite(db, write.key, 'not found in ServiceTitan on retry: never arrived');
  }
  return null;
}

/** Create the ServiceTitan payment a bank line represents (once, whatever happens). */
export async function createPaymentForLine(
  db: Db,
  client: StClient,
  line: StoredLine,
  splits: CandidateSplit[],
  typeId: number,
): Promise<ResumedWrite> {
  // One bank line, one payment: if an earlier attempt produced one, it stands.
  const resumed = await resumeBankPayment(db, client, line);
  if (resumed) return resumed;
  const request = {
    typeId,
    splits: splits.map((s) => ({ invoiceId: s.invoiceId, amount: Number(s.amount) })),
    memo: memoFor(line, paymentMarker(line.fingerprint)),
    paidOn: `${line.bookingDate}T00:00:00Z`,
    ...(line.checkNumber ? { checkNumber: line.checkNumber } : {}),
  };
  // One ledger row per attempt (a failed attempt's row keeps its story; a new one starts clean).
  const attempt = (await writesWithPrefix(db, bankPaymentPrefix(line.fingerprint))).length + 1;
  const key = `${bankPaymentPrefix(line.fingerprint)}${splits.map((s) => s.invoiceId).join('+')}#${attempt}`;
  await beginWrite(db, {
    key,
    tenantId: line.tenantId,
    operation: 'payment.create',
    request: { ...request, splitsMeant: splits },
  });
  const created = await client.createPayment(request);
  const payment = await readPayment(client, created.id);
  const problems = payment
    ? compareSplits(payment, splits, true)
    : [`payment ${created.id} not found after creating it`];
  await completeWrite(db, key, { paymentId: created.id, problems });
  return { paymentId: created.id, recovered: false, problem: problems.join('; ') || null, splits };
}

function memoFor(line: StoredLine, marker: string): string {
  const parts = [`Bank ${line.bookingDate}`];
  if (line.checkNumber) parts.push(`check ${line.checkNumber}`);
  if (line.reference) parts.push(`ref ${line.reference}`);
  return `${parts.join(' ')} ${marker}`;
}

async function findByMarker(client: StClient, invoiceIds: number[], marker: string): Promise<Payment | null> {
  if (invoiceIds.length === 0) return null;
  const payments = await client.listPayments({ appliedToInvoiceIds: [invoiceIds[0]!] });
  return payments.find((p) => p.memo?.includes(marker)) ?? null;
}

// PATCH /payments/{id} is "patch mode" but requires typeId and the full splits list.
const PaymentSplitsPatch = z
  .object({
    typeId: z.number().int(),
    splits: z.array(z.object({ invoiceId: z.number().int(), amount: z.number() }).strict()).min(1),
  })
  .strict();

export interface ApplyResult {
  applied: boolean;
  recovered: boolean;
  problem: string | null;
}

/** Apply an existing payment's unapplied remainder to invoices by rewriting its splits. */
export async function applyRemainder(
  db: Db,
  client: StClient,
  tenantId: string,
  /** The payment as read when deciding: its applications are the baseline the splits add to. */
  decided: Payment,
  splits: CandidateSplit[],
): Promise<ApplyResult> {
  const paymentId = decided.id;
  const key = `apply:${paymentId}:${splits.map((s) => s.invoiceId).join('+')}`;
  const baseline = appliedByInvoice(decided);
  const expected = splits.map((s) => ({
    ...s,
    amount: toMoneyString((baseline.get(s.invoiceId) ?? ZERO).plus(fromAmountString(s.amount))),
  }));
  const fresh = await readPayment(client, paymentId);
  if (!fresh)
    return { applied: false, recovered: false, problem: `payment ${paymentId} is not in ServiceTitan` };
  const previous = (await writesWithPrefix(db, key)).find((w) => w.key === key);
  if (compareSplits(fresh, expected, false).length === 0) {
    // Already there: applied by an earlier attempt whose confirmation was lost.
    if (previous && previous.status !== 'completed') await completeWrite(db, key, { recovered: true });
    return { applied: true, recovered: previous !== undefined, problem: null };
  }
  if (previous?.status === 'completed')
    return { applied: false, recovered: true, problem: 'applied before, but the payment no longer shows it' };
  const merged = appliedByInvoice(fresh);
  for (const e of expected) merged.set(e.invoiceId, fromAmountString(e.amount));
  const body = PaymentSplitsPatch.parse({
    typeId: Number(fresh.typeId),
    splits: [...merged].map(([invoiceId, amount]) => ({ invoiceId, amount: Number(toMoneyString(amount)) })),
  });
  await beginWrite(db, { key, tenantId, operation: 'payment.apply', request: body });
  try {
    await client.http.request('PATCH', 'accounting', `/payments/${paymentId}`, { body, idempotent: true });
  } catch (error) {
    if (error instanceof StApiError && error.permanent) {
      await failWrite(db, key, errorMessage(error));
      return {
        applied: false,
        recovered: false,
        problem: `ServiceTitan refused the splits: ${errorMessage(error)}`,
      };
    }
    throw error;
  }
  const after = await readPayment(client, paymentId);
  const problems = after ? compareSplits(after, expected, false) : ['payment disappeared after the update'];
  await completeWrite(db, key, { problems });
  return { applied: problems.length === 0, recovered: false, problem: problems.join('; ') || null };
}

function appliedByInvoice(payment: Payment): Map<number, Decimal> {
  const out = new Map<number, Decimal>();
  for (const a of payment.appliedTo ?? [])
    out.set(a.appliedTo, (out.get(a.appliedTo) ?? ZERO).plus(fromAmountString(a.appliedAmount)));
  return out;
}

const typeCache = new WeakMap<StClient, { at: number; types: PaymentType[] }>();

/** The tenant's payment type for money that arrived through `channel`. */
export async function paymentTypeFor(client: StClient, channel: BankChannel): Promise<number | null> {
  let cached = typeCache.get(client);
  if (!cached || Date.now() - cached.at > 10 * 60_000) {
    cached = { at: Date.now(), types: await client.listPaymentTypes() };
    typeCache.set(client, cached);
  }
  const want = channel === 'unknown' ? 'ach' : channel;
  const byChannel = cached.types.filter((t) => paymentChannel(t.name) === want);
  const preferred =
    byChannel.find((t) =>
      (want === 'check' ? /check|cheque/i : want === 'ach' ? /ach|eft|electronic/i : /card/i).test(t.name),
    ) ??
    byChannel[0] ??
    cached.types.find((t) => /ach|eft|electronic/i.test(t.name));
  return preferred?.id ?? null;
}
