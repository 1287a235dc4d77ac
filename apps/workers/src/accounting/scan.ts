// What to sync: cleared (posted) invoices in the ServiceTitan mirror that the books do not have
// at their current version, or whose payments changed. Each gets an accounting.sync job whose id
// carries that version, so a repeated scan enqueues nothing new.
import { clearedFromMirror, getConnection } from '@invoicer/accounting';
import { digestOf } from '@invoicer/core';
import { sql } from '@invoicer/db';
import type { Invoice } from '@invoicer/servicetitan';
import type { WorkerServices } from '../services.ts';

export async function enqueueCleared(
  services: Pick<WorkerServices, 'db' | 'queues'>,
  tenantId: string,
): Promise<number> {
  const connection = await getConnection(services.db, tenantId);
  if (connection?.mode !== 'invoices') return 0;
  const invoices = await clearedFromMirror(services.db, tenantId);
  const payments = await sql<{ invoice_id: string; v: string }>(
    services.db,
    `SELECT (a->>'appliedTo') AS invoice_id, string_agg(r.st_id::text || '@' || coalesce(r.modified_on::text, ''), ',' ORDER BY r.st_id) AS v
       FROM st_records r, jsonb_array_elements(coalesce(r.data->'appliedTo', '[]'::jsonb)) a
      WHERE r.tenant_id = $1 AND r.resource = 'accounting/payments'
      GROUP BY 1`,
    [tenantId],
  );
  const paid = new Map(payments.map((p) => [p.invoice_id, p.v]));
  const docs = new Map(
    (
      await services.db.accountingDocument.findMany({
        where: { tenantId, provider: connection.provider, kind: 'invoice' },
        select: { stId: true, status: true, stVersion: true },
      })
    ).map((d) => [d.stId, d]),
  );
  // A confirmed mapping changes every waiting invoice's version, so they are tried again.
  const confirmed = await services.db.accountingMapping.count({ where: { tenantId, status: 'confirmed' } });
  let n = 0;
  for (const invoice of invoices) {
    const doc = docs.get(String(invoice.id));
    if (doc?.status === 'exported_elsewhere') continue;
    const version = syncVersion(invoice, paid.get(String(invoice.id)) ?? '', confirmed);
    if (doc && doc.stVersion === version && (doc.status === 'synced' || doc.status === 'difference'))
      continue;
    await services.queues.enqueue('accounting.sync', { tenantId, invoiceId: invoice.id, version });
    n += 1;
  }
  return n;
}

/**
 * An invoice's sync version: what the books show of it (not modifiedOn, which our own
 * markasexported moves), its payments' changes, and how many mappings are confirmed.
 */
export function syncVersion(invoice: Invoice, payments: string, confirmedMappings: number): string {
  const content = [
    invoice.referenceNumber,
    invoice.customer?.id,
    invoice.invoiceDate,
    invoice.dueDate,
    invoice.subTotal,
    invoice.salesTax,
    invoice.total,
    (invoice.items ?? []).map((i) => [
      i.id,
      i.active,
      i.quantity,
      i.price,
      i.total,
      i.taxable,
      i.type,
      i.description,
    ]),
  ];
  return digestOf([content, payments, confirmedMappings]).slice(0, 24);
}
