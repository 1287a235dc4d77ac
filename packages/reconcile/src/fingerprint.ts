// Stable transaction fingerprints, so importing the same statement twice is idempotent.
// The ordinal separates genuinely identical lines (two $20 deposits on one day, no reference):
// it counts earlier lines with the same key in file order, which a re-import reproduces.
import { createHash } from 'node:crypto';
import type { BankTransaction, DraftTransaction } from './types.ts';

const SEPARATOR = '\u001f';

export function fingerprintOf(
  accountId: string,
  bookingDate: string,
  amount: string,
  reference: string,
  ordinal: number,
): string {
  return createHash('sha256')
    .update([accountId, bookingDate, amount, reference, String(ordinal)].join(SEPARATOR))
    .digest('hex');
}

/** Give every draft its fingerprint. `accountId` is the statement's; a draft's own wins. */
export function withFingerprints(
  accountId: string | undefined,
  drafts: DraftTransaction[],
): BankTransaction[] {
  const seen = new Map<string, number>();
  return drafts.map((draft) => {
    const account = draft.accountId ?? accountId ?? '';
    // toFixed() without places prints the exact value without exponent or trailing zeros.
    const key = [account, draft.bookingDate, draft.amount.toFixed(), draft.reference ?? ''];
    const joined = key.join(SEPARATOR);
    const ordinal = seen.get(joined) ?? 0;
    seen.set(joined, ordinal + 1);
    const [a, d, m, r] = key as [string, string, string, string];
    return { fingerprint: fingerprintOf(a, d, m, r, ordinal), ...draft };
  });
}
