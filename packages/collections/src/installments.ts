// Payment-plan options for a large balance. Installments are equal to the cent with the
// remainder on the last one (Odoo's rule), so they always sum to the balance exactly. Defaults:
// at most 4 installments and no finance charge, because more than four, or any finance charge,
// makes the plan consumer credit under Reg Z (12 CFR 1026.2(a)(17)); a tenant may change both in
// settings, at its own legal risk. Not legal advice.
import { DAY_MS } from './ledger.ts';

export interface PlanPolicy {
  /** Balances at or above this get options (default $2,000). */
  thresholdCents: number;
  maxInstallments: number;
  intervalDays: number;
  /** Days from acceptance to the first installment. */
  firstDueInDays: number;
}

export const DEFAULT_PLAN_POLICY: PlanPolicy = {
  thresholdCents: 200_000,
  maxInstallments: 4,
  intervalDays: 30,
  firstDueInDays: 7,
};

export interface Installment {
  number: number;
  dueDate: string;
  cents: number;
}

export interface PlanOption {
  count: number;
  installments: Installment[];
  financeChargeCents: 0;
}

export function splitInstallments(balanceCents: number, count: number): number[] {
  if (!Number.isSafeInteger(balanceCents) || balanceCents <= 0)
    throw new RangeError('the balance must be a positive number of cents');
  if (!Number.isInteger(count) || count < 1)
    throw new RangeError('the installment count must be a whole number ≥ 1');
  if (count > balanceCents) throw new RangeError('more installments than cents in the balance');
  const each = Math.floor(balanceCents / count);
  return Array.from({ length: count }, (_, i) =>
    i === count - 1 ? balanceCents - each * (count - 1) : each,
  );
}

const isoDate = (d: Date) => d.toISOString().slice(0, 10);

/** 2..maxInstallments options; none below the threshold. Dates are calendar days (UTC) from `from`. */
export function planOptions(
  balanceCents: number,
  from: Date,
  policy: PlanPolicy = DEFAULT_PLAN_POLICY,
): PlanOption[] {
  if (balanceCents < policy.thresholdCents) return [];
  const start =
    Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()) + policy.firstDueInDays * DAY_MS;
  const out: PlanOption[] = [];
  for (let count = 2; count <= Math.max(2, policy.maxInstallments); count++) {
    const cents = splitInstallments(balanceCents, count);
    out.push({
      count,
      financeChargeCents: 0,
      installments: cents.map((c, i) => ({
        number: i + 1,
        dueDate: isoDate(new Date(start + i * policy.intervalDays * DAY_MS)),
        cents: c,
      })),
    });
  }
  return out;
}
