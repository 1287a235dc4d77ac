// Reviewer corrections: what a person changed between two draft revisions, line by line (a
// suggestion removed, a line added, a quantity, SKU or price changed), saved with the
// ServiceTitan job in review_corrections for the history learner. Pure: the edit action saves
// what this returns in the transaction that saves the new revision.
import type { PricedLine } from '@invoicer/billing';
import { fromAmountString } from '@invoicer/core';
import type { Tx } from '@invoicer/db';

export type CorrectionKind = 'removed' | 'added' | 'quantity' | 'sku' | 'price';

export interface Correction {
  kind: CorrectionKind;
  lineKey: string;
  origin: string | null;
  skuId: number | null;
  previousSkuId: number | null;
  quantity: string | null;
  previousQuantity: string | null;
  unitPrice: string | null;
  previousUnitPrice: string | null;
}

type Line = Pick<PricedLine, 'key' | 'skuId' | 'quantity' | 'unitPrice' | 'origin'>;

const same = (a: string, b: string) => fromAmountString(a).eq(fromAmountString(b));

export function correctionsBetween(before: readonly Line[], after: readonly Line[]): Correction[] {
  const old = new Map(before.map((l) => [l.key, l]));
  const now = new Map(after.map((l) => [l.key, l]));
  const out: Correction[] = [];
  const row = (kind: CorrectionKind, was: Line | undefined, is: Line | undefined): Correction => ({
    kind,
    lineKey: (is ?? was)!.key,
    origin: (is ?? was)!.origin ?? null,
    skuId: is?.skuId ?? null,
    previousSkuId: was?.skuId ?? null,
    quantity: is?.quantity ?? null,
    previousQuantity: was?.quantity ?? null,
    unitPrice: is?.unitPrice ?? null,
    previousUnitPrice: was?.unitPrice ?? null,
  });
  for (const was of before) if (!now.has(was.key)) out.push(row('removed', was, undefined));
  for (const is of after) {
    const was = old.get(is.key);
    if (!was) {
      out.push(row('added', undefined, is));
      continue;
    }
    if (was.skuId !== is.skuId) out.push(row('sku', was, is));
    if (!same(was.quantity, is.quantity)) out.push(row('quantity', was, is));
    // A new SKU brings its own price; only a price typed on the same SKU is a price correction.
    if (was.skuId === is.skuId && !same(was.unitPrice, is.unitPrice)) out.push(row('price', was, is));
  }
  return out;
}

/** Save what changed from one revision to the next (nothing when the lines are the same). */
export async function recordCorrections(
  tx: Tx,
  at: {
    tenantId: string;
    stJobId: bigint;
    runId: string;
    fromRevision: number;
    toRevision: number;
    createdBy: string;
  },
  before: readonly Line[],
  after: readonly Line[],
): Promise<number> {
  const corrections = correctionsBetween(before, after);
  if (corrections.length)
    await tx.reviewCorrection.createMany({ data: corrections.map((c) => ({ ...c, ...at })) });
  return corrections.length;
}
