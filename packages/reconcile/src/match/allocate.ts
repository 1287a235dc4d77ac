// Spreading one payment over ordered invoices. Invariants (property-tested): no allocation is
// negative or above its invoice balance, allocations never add up to more than the payment,
// and allocations + credit = payment.
import { type Decimal, sum, ZERO } from '@invoicer/core';
import type { Allocation, OpenInvoice } from './types.ts';

export interface AllocationTarget {
  invoice: OpenInvoice;
  /** What the remittance says to pay on this invoice; the balance when absent. */
  requested?: Decimal;
}

export interface AllocationResult {
  allocations: Allocation[];
  /** Money left after every target got what it asked for. */
  credit?: Decimal;
  /** The last allocated invoice was paid short by more than the tolerance. */
  shortBeyondTolerance: boolean;
}

/**
 * Pay targets in order. When the last invoice paid ends up short by no more than its
 * tolerance, the difference is written off (the customer paid "in full" minus a small gap).
 */
export function allocate(
  amount: Decimal,
  targets: AllocationTarget[],
  toleranceFor: (balance: Decimal) => Decimal,
): AllocationResult {
  const allocations: Allocation[] = [];
  if (amount.lessThanOrEqualTo(0)) return { allocations, shortBeyondTolerance: false };
  let remaining = amount;
  let shortBeyondTolerance = false;
  for (const target of targets) {
    if (remaining.lessThanOrEqualTo(0)) break;
    const balance = target.invoice.balance;
    if (balance.lessThanOrEqualTo(0)) continue;
    const requested = target.requested?.greaterThan(0) ? target.requested : balance;
    const want = smaller(requested, balance);
    const pay = smaller(want, remaining);
    remaining = remaining.minus(pay);
    const short = want.minus(pay);
    const allocation: Allocation = {
      invoiceId: target.invoice.id,
      amount: pay,
      balanceAfter: balance.minus(pay),
    };
    if (short.greaterThan(0)) {
      if (short.lessThanOrEqualTo(toleranceFor(balance))) {
        allocation.writeOff = { amount: short, reason: 'short_pay_within_tolerance' };
        allocation.balanceAfter = balance.minus(pay).minus(short);
      } else {
        shortBeyondTolerance = true;
      }
    }
    allocations.push(allocation);
  }
  return { allocations, credit: remaining.greaterThan(0) ? remaining : undefined, shortBeyondTolerance };
}

function smaller(a: Decimal, b: Decimal): Decimal {
  return a.lessThan(b) ? a : b;
}

export function allocatedTotal(allocations: Allocation[]): Decimal {
  return allocations.length ? sum(allocations.map((a) => a.amount)) : ZERO;
}
