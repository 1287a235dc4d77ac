// The ServiceTitan side of a sync: mark the invoice exported (with the books' id), so
// ServiceTitan's own export skips it. Ledgered like every write; confirmed by reading the
// invoice back (syncStatus Exported).
import type { Db } from '@invoicer/db';
import { runSteps } from '@invoicer/pipeline';
import type { Invoice, StClient } from '@invoicer/servicetitan';
import { exportMarkKey } from './ledger.ts';

/** Tell ServiceTitan the invoice is exported (its own export then skips it); ledgered. */
export async function markExported(
  db: Db,
  client: StClient,
  tenantId: string,
  invoice: Invoice,
  externalId: string,
  message: string,
): Promise<void> {
  if (invoice.syncStatus === 'Exported') return;
  await runSteps(
    db,
    { tenantId },
    [
      {
        key: exportMarkKey(tenantId, invoice.id, externalId),
        operation: 'invoice.markasexported',
        request: { invoiceId: invoice.id, externalId },
        send: async () => {
          const answer = await client.http.request('POST', 'accounting', '/invoices/markasexported', {
            body: [{ invoiceId: invoice.id, externalId, externalMessage: message.slice(0, 200) }],
            idempotent: true,
          });
          const row = (
            answer as { invoiceId?: number; success?: boolean; errorMessage?: string }[] | null
          )?.[0];
          if (row && row.success === false)
            throw new Error(
              `ServiceTitan refused markasexported for ${invoice.id}: ${row.errorMessage ?? ''}`,
            );
        },
        find: (snapshot: Invoice | null) => (snapshot?.syncStatus === 'Exported' ? { exported: true } : null),
      },
    ],
    invoice as Invoice | null,
    () => client.getInvoice(invoice.id),
  );
}
