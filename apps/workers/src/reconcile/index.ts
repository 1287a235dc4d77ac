// What other apps use of reconciliation: the bank-file import (CLI, console upload, demo), the
// final-failure hook, and a summary for reports.
import { type Db, reconciliationCounts, unreconciledCredits } from '@invoicer/db';

export { recordReconcileFailure } from './failure.ts';
export { describeImport, type ImportOptions, type ImportReport, importBankStatement } from './import.ts';

export interface ReconciliationSummary {
  /** Records per subject kind ('bank_line', 'st_payment') and status. */
  counts: Record<string, Record<string, number>>;
  /** Bank credits imported but not decided yet (queued or in flight). */
  pendingBankLines: number;
}

/** Where a tenant's reconciliation stands (for the demo summary and the console). */
export async function reconciliationSummary(db: Db, tenantId: string): Promise<ReconciliationSummary> {
  const [counts, pending] = await Promise.all([
    reconciliationCounts(db, tenantId),
    unreconciledCredits(db, tenantId),
  ]);
  return { counts, pendingBankLines: pending.length };
}
