// The demo's reconciliation step: the generated tenant's last-month bank statement (BAI2) is
// imported like a billing clerk would upload it, each credit is reconciled by the workers, and
// the outcome is printed. Importing the same file again adds nothing.

import { describeImport, importBankStatement, reconciliationSummary } from '@invoicer/pipeline';
import type { Logger } from '@invoicer/platform';
import type { Cluster } from './cluster.ts';

export async function reconcileBankStatement(
  cluster: Cluster,
  tenantId: string,
  bai2: string,
  log: Logger,
  timeoutMs = 5 * 60_000,
): Promise<string> {
  const report = await importBankStatement(
    cluster.db,
    cluster.workers.services.queues,
    tenantId,
    Buffer.from(bai2),
    { fileName: 'statement.bai2', importedBy: 'demo' },
  );
  // One line per daily statement is too much for the demo; keep the header and the totals.
  const described = describeImport(report);
  console.log((described.length > 8 ? [described[0], ...described.slice(-2)] : described).join('\n'));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const summary = await reconciliationSummary(cluster.db, tenantId);
    if (summary.pendingBankLines === 0) return printReconciliation(summary.counts);
    if (Date.now() > deadline) {
      log.error({ pending: summary.pendingBankLines }, 'gave up waiting for reconciliation');
      return `${printReconciliation(summary.counts)}\n  (${summary.pendingBankLines} bank credit(s) still undecided)`;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

const KIND_LABELS: Record<string, string> = {
  bank_line: 'Bank credits',
  st_payment: 'ServiceTitan payments',
};

function printReconciliation(counts: Record<string, Record<string, number>>): string {
  const lines = ['', '┌─ Reconciliation ───────────────────────────────────────────'];
  for (const [kind, byStatus] of Object.entries(counts)) {
    const total = Object.values(byStatus).reduce((a, b) => a + b, 0);
    lines.push(`  ${(KIND_LABELS[kind] ?? kind).padEnd(38)} ${String(total).padStart(14)}`);
    for (const [status, n] of Object.entries(byStatus).sort((a, b) => b[1] - a[1]))
      lines.push(`    ${status.replace('_', ' ').padEnd(36)} ${String(n).padStart(14)}`);
  }
  lines.push('└────────────────────────────────────────────────────────────');
  return lines.join('\n');
}
