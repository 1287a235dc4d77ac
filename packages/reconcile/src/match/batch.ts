// A bank deposit that is several ServiceTitan payments at once: a card-processor payout (net of
// fees) or a deposit of several checks (exact). Finds subsets of unreconciled payments whose
// sum equals the deposit, or exceeds it by a plausible processor fee (card types only). Card
// and check/cash payments are never mixed in one deposit. Only a subset that is the single
// solution of a complete search counts as resolved.
import { Decimal as D, type Decimal } from '@invoicer/core';
import { daysBetween } from '../dates.ts';
import type { BatchMatch, EntityId, UnreconciledPayment } from './types.ts';

export interface BatchOptions {
  /** Processors pay out a few days after capture. */
  lookbackDays: number;
  /** Fee band for card payouts: rate × gross + up to fixed × payments. */
  minFeeRate: number;
  maxFeeRate: number;
  maxFixedFeePerPayment: Decimal;
  /** Payment types that can carry a processor fee (typeName is matched against it). */
  feeBearingTypes: RegExp;
  /** Search budget; when exhausted the deposit is left for review. */
  maxNodes: number;
}

export const DEFAULT_BATCH_OPTIONS: BatchOptions = {
  lookbackDays: 7,
  minFeeRate: 0.02,
  maxFeeRate: 0.035,
  maxFixedFeePerPayment: new D('0.30'),
  feeBearingTypes: /card|visa|master|amex|american express|discover|credit|debit/i,
  maxNodes: 200_000,
};

export type BatchResult =
  | { status: 'resolved'; match: BatchMatch }
  | { status: 'unresolved'; matches: BatchMatch[]; exhausted: boolean }
  | { status: 'none' };

interface Item {
  id: EntityId;
  cents: bigint;
  feeBearing: boolean;
}

const BASIS = 10_000n;
const MAX_SOLUTIONS = 3;

function toCents(amount: Decimal): bigint {
  return BigInt(amount.times(100).toFixed(0));
}

export function findBatch(
  deposit: Decimal,
  date: string,
  payments: UnreconciledPayment[],
  options: BatchOptions = DEFAULT_BATCH_OPTIONS,
): BatchResult {
  const target = toCents(deposit);
  const items: Item[] = payments
    .filter((p) => p.amount.greaterThan(0))
    .filter((p) => {
      const age = daysBetween(p.date, date);
      return age >= 0 && age <= options.lookbackDays;
    })
    .map((p) => ({
      id: p.id,
      cents: toCents(p.amount),
      feeBearing: options.feeBearingTypes.test(p.typeName),
    }))
    .sort((a, b) => (a.cents > b.cents ? -1 : a.cents < b.cents ? 1 : 0));
  if (target <= 0n || items.length === 0) return { status: 'none' };

  const minBp = BigInt(Math.round(options.minFeeRate * 10_000));
  const maxBp = BigInt(Math.round(options.maxFeeRate * 10_000));
  const fixed = toCents(options.maxFixedFeePerPayment);
  // The largest gross that could net down to the deposit.
  const ceiling = ((target + BigInt(items.length) * fixed) * BASIS) / (BASIS - maxBp) + 1n;
  const suffix: bigint[] = Array(items.length + 1).fill(0n);
  for (let i = items.length - 1; i >= 0; i--)
    suffix[i] = (suffix[i + 1] as bigint) + (items[i] as Item).cents;

  const solutions: { ids: EntityId[]; gross: bigint }[] = [];
  const chosen: Item[] = [];
  let nodes = 0;
  let exhausted = false;

  const accepts = (gross: bigint, count: number, feeBearing: boolean): boolean => {
    if (gross === target) return true;
    const fee = gross - target;
    if (fee <= 0n || !feeBearing) return false;
    return fee * BASIS >= gross * minBp && fee * BASIS <= gross * maxBp + BigInt(count) * fixed * BASIS;
  };
  // Enumerates each subset once (combinations in index order), largest payments first. A
  // deposit is one channel: a processor payout (card types) or a deposit of checks and cash.
  const search = (start: number, gross: bigint, channel: boolean | undefined): void => {
    for (let i = start; i < items.length; i++) {
      if (solutions.length >= MAX_SOLUTIONS || exhausted) return;
      if (gross + (suffix[i] as bigint) < target) return; // the rest cannot reach the deposit
      const item = items[i] as Item;
      const next = gross + item.cents;
      if (next > ceiling || (channel !== undefined && item.feeBearing !== channel)) continue;
      if (++nodes > options.maxNodes) {
        exhausted = true;
        return;
      }
      chosen.push(item);
      if (accepts(next, chosen.length, item.feeBearing))
        solutions.push({ ids: chosen.map((c) => c.id), gross: next });
      search(i + 1, next, item.feeBearing);
      chosen.pop();
    }
  };
  search(0, 0n, undefined);

  const matches = solutions.map((s) => ({
    paymentIds: s.ids,
    gross: new D(s.gross.toString()).dividedBy(100),
    fee: new D((s.gross - target).toString()).dividedBy(100),
  }));
  const [only] = matches;
  if (only && matches.length === 1 && !exhausted) return { status: 'resolved', match: only };
  if (matches.length === 0 && !exhausted) return { status: 'none' };
  return { status: 'unresolved', matches, exhausted };
}
