// One reconciliation decision per tenant at a time. Two bank lines deciding concurrently could
// both claim the same ServiceTitan payments for their deposits, or both pay the same invoice;
// a transaction-scoped advisory lock serialises them (decisions are few and quick), and the
// decision's record, review item and audit event commit with the lock's release.
import type { Db, Tx } from '@invoicer/db';

const LOCK_TIMEOUT_MS = 5 * 60_000;

export async function withTenantLock<T>(db: Db, tenantId: string, work: (tx: Tx) => Promise<T>): Promise<T> {
  return db.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`reconcile:${tenantId}`}))`;
      return work(tx);
    },
    { timeout: LOCK_TIMEOUT_MS, maxWait: LOCK_TIMEOUT_MS },
  );
}
