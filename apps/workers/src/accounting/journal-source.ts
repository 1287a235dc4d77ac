// What a journal is made of, from the ServiceTitan mirror: the day's cleared invoices and the
// day's payments (each part applied to an invoice goes to that invoice's business unit), and
// which days and business units there are, with a version that changes when their content does.
import { type DayUnit, getConnection, journalsByDay, type PaymentPortion } from '@invoicer/accounting';
import { digestOf } from '@invoicer/core';
import { type Db, sql } from '@invoicer/db';
import type { Invoice, Payment } from '@invoicer/servicetitan';
import type { WorkerServices } from '../services.ts';

const CLEARED = `data->>'syncStatus' IN ('Posted', 'Exported') AND coalesce(data->>'active', 'true') <> 'false'`;

async function mirror(
  db: Db,
  tenantId: string,
  day: string | null,
): Promise<{ cleared: Invoice[]; payments: Payment[]; all: Map<number, Invoice> }> {
  const cleared = (
    await sql<{ data: Invoice }>(
      db,
      `SELECT data FROM st_records WHERE tenant_id = $1 AND resource = 'accounting/invoices' AND ${CLEARED}
         AND ($2::text IS NULL OR left(coalesce(data->>'invoiceDate', data->>'createdOn'), 10) = $2)
       ORDER BY st_id`,
      [tenantId, day],
    )
  ).map((r) => r.data);
  const payments = (
    await sql<{ data: Payment }>(
      db,
      `SELECT data FROM st_records WHERE tenant_id = $1 AND resource = 'accounting/payments'
         AND coalesce(data->>'active', 'true') <> 'false'
         AND ($2::text IS NULL OR left(coalesce(data->>'date', data->>'createdOn'), 10) = $2)
       ORDER BY st_id`,
      [tenantId, day],
    )
  ).map((r) => r.data);
  // The invoices payments are applied to (for their business unit), cleared or not.
  const ids = [...new Set(payments.flatMap((p) => (p.appliedTo ?? []).map((a) => a.appliedTo)))];
  const all = new Map<number, Invoice>(cleared.map((i) => [i.id, i]));
  const missing = ids.filter((id) => !all.has(id));
  if (missing.length)
    for (const r of await sql<{ data: Invoice }>(
      db,
      `SELECT data FROM st_records WHERE tenant_id = $1 AND resource = 'accounting/invoices' AND st_id = ANY($2::bigint[])`,
      [tenantId, missing],
    ))
      all.set(r.data.id, r.data);
  return { cleared, payments, all };
}

export async function dayContent(
  db: Db,
  tenantId: string,
  day: string,
  businessUnit: string,
): Promise<{ unit: DayUnit; invoices: Invoice[]; portions: PaymentPortion[] }> {
  const { cleared, payments, all } = await mirror(db, tenantId, day);
  const slot = journalsByDay(cleared, payments, all).get(`${day}:${businessUnit}`);
  return (
    slot ?? {
      unit: {
        day,
        businessUnit,
        businessUnitName: businessUnit === 'none' ? 'No business unit' : `BU ${businessUnit}`,
      },
      invoices: [],
      portions: [],
    }
  );
}

/**
 * Queue a journal for every (day, business unit) from the tenant's journal start day up to
 * yesterday (a day still running would be adjusted all day) whose content changed since it was
 * posted. The job id carries the version, so a repeated scan enqueues nothing new.
 */
export async function enqueueJournals(
  services: Pick<WorkerServices, 'db' | 'queues'>,
  tenantId: string,
  now = new Date(),
  /** Collects the "day:businessUnit" keys queued (the report leaves those to their job). */
  queuedKeys?: Set<string>,
): Promise<number> {
  const connection = await getConnection(services.db, tenantId);
  if (connection?.mode !== 'journal') return 0;
  const rules = (connection.rules ?? {}) as { journalStartDay?: string };
  const from = rules.journalStartDay ?? now.toISOString().slice(0, 10);
  const today = now.toISOString().slice(0, 10);
  const { cleared, payments, all } = await mirror(services.db, tenantId, null);
  const slots = journalsByDay(cleared, payments, all);
  const docs = new Map(
    (
      await services.db.accountingDocument.findMany({
        where: { tenantId, provider: connection.provider, kind: 'journal' },
        select: { stId: true, status: true, stVersion: true },
      })
    ).map((d) => [d.stId, d]),
  );
  const confirmed = await services.db.accountingMapping.count({
    where: { tenantId, kind: 'ledger', status: 'confirmed' },
  });
  // Days posted before whose content is now gone are queued too (their journal is reversed).
  const keys = new Set([...slots.keys(), ...docs.keys()]);
  let n = 0;
  for (const key of [...keys].sort()) {
    const [day, businessUnit] = key.split(':') as [string, string];
    if (day < from || day >= today) continue;
    const slot = slots.get(key);
    const version = digestOf([
      slot?.invoices.map((i) => [
        i.id,
        i.total,
        i.salesTax,
        i.salesTaxCode?.id,
        (i.items ?? []).map((x) => [x.type, x.total, x.active]),
      ]) ?? [],
      slot?.portions.map((p) => [p.paymentId, p.type, p.invoiceId, p.amount.toString()]) ?? [],
      confirmed,
    ]).slice(0, 24);
    const doc = docs.get(key);
    if (doc && doc.stVersion === version && (doc.status === 'posted' || doc.status === 'empty')) continue;
    await services.queues.enqueue('accounting.journal', { tenantId, day, businessUnit, version });
    queuedKeys?.add(key);
    n += 1;
  }
  return n;
}
