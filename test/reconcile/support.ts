// Shared helpers for reconciliation tests: a generated tenant served by the simulator inside a
// full test cluster, and waiting for bank lines to be decided.
import type { Db } from '@invoicer/db';
import { type GeneratedTenant, generateTenant } from '../../apps/st-sim/src/generator/index.ts';
import { startTestCluster, type TestCluster } from '../support/cluster.ts';
import { waitFor } from '../support/wait.ts';

export const TENANT = 'acme';

export async function generatedCluster(
  jobs: number,
  seed: number,
  edit?: (tenant: GeneratedTenant) => void,
): Promise<{ cluster: TestCluster; tenant: GeneratedTenant }> {
  const tenant = generateTenant({ jobs, seed, payments: true });
  edit?.(tenant);
  // replayLast 0: the whole generated year is history; nothing is completing now.
  const cluster = await startTestCluster({ fixture: tenant.fixture, replayLast: 0 });
  return { cluster, tenant };
}

/** Wait until each of these bank lines has a reconciliation record. */
export async function waitForDecisions(db: Db, fingerprints: string[], timeoutMs = 60_000): Promise<void> {
  await waitFor(
    () => db.reconciliation.count({ where: { subjectKind: 'bank_line', subjectId: { in: fingerprints } } }),
    (n) => n >= fingerprints.length,
    { timeoutMs, intervalMs: 100, what: `${fingerprints.length} bank lines to be decided` },
  );
}

export async function creditFingerprints(db: Db, tenantId = TENANT): Promise<string[]> {
  const rows = await db.bankTransaction.findMany({
    where: { tenantId, amount: { gt: 0 } },
    select: { fingerprint: true },
  });
  return rows.map((r) => r.fingerprint);
}
