// Redis is transport, Postgres the truth: when the workers start, every message the ledger still
// has to move (planned reminders, and sends whose lease ran out with no job left to retry them)
// is queued again. Job ids are deterministic, so a job still in Redis is not added twice.
import type { Logger } from '@invoicer/platform';
import type { WorkerServices } from '../services.ts';
import { enqueueAt, SEND_LEASE_MS } from './ledger-key.ts';

export async function requeueMessages(
  services: Pick<WorkerServices, 'db' | 'queues'>,
  log: Logger,
): Promise<number> {
  const stale = new Date(Date.now() - SEND_LEASE_MS);
  const rows = await services.db.message.findMany({
    where: {
      OR: [
        { state: 'planned', dueAt: { not: null } },
        { state: 'sending', sendingAt: { lt: stale } },
      ],
    },
  });
  for (const row of rows)
    await enqueueAt(
      services,
      row,
      row.state === 'planned' ? row.dueAt! : new Date(Math.floor(Date.now() / 60_000) * 60_000),
    );
  if (rows.length) log.info({ messages: rows.length }, 'queued ledger messages again');
  return rows.length;
}
