// Refresh a tenant's cached reference data. Price-book SKUs and technicians follow their
// export feeds from the saved continuation token (only changes come back); the small lists
// without exports (fees, categories, tax zones, job types, business units, payment types) are
// read whole. A feed stuck on hasMore is logged and skipped for the sync.
import type { Db } from '@invoicer/db';
import { getCursor, setCursor, upsertCatalog } from '@invoicer/db';
import type { Logger } from '@invoicer/platform';
import {
  PricebookEquipment,
  PricebookMaterial,
  PricebookService,
  type StClient,
  StFeedStuckError,
  Technician,
} from '@invoicer/servicetitan';
import { categoryNames, feeRow, namedRow, skuRow } from '@invoicer/tenant';

/** A stuck feed (see StFeedStuckError) is logged and left for this sync; the others go on. */
async function unlessStuck(
  log: Logger | undefined,
  tenantId: string,
  feed: string,
  follow: () => Promise<void>,
) {
  try {
    await follow();
  } catch (error) {
    if (!(error instanceof StFeedStuckError)) throw error;
    log?.error(
      { tenant: tenantId, feed, token: error.token, pages: error.pages },
      `${error.message}; skipped for this sync`,
    );
  }
}

export async function syncCatalog(
  client: StClient,
  db: Db,
  tenantId: string,
  log?: Logger,
): Promise<{ rows: number }> {
  const categories = await client.listCategories();
  const names = categoryNames(categories);
  let rows = 0;
  const feeds = [
    { module: 'pricebook', resource: 'services', schema: PricebookService, kind: 'service' as const },
    { module: 'pricebook', resource: 'materials', schema: PricebookMaterial, kind: 'material' as const },
    { module: 'pricebook', resource: 'equipment', schema: PricebookEquipment, kind: 'equipment' as const },
  ];
  for (const feed of feeds) {
    const cursorName = `${feed.module}/${feed.resource}`;
    const from = await getCursor(db, tenantId, cursorName);
    await unlessStuck(log, tenantId, cursorName, async () => {
      for await (const page of client.exportFeed(feed.module, feed.resource, feed.schema, from)) {
        const batch = page.data.map((sku) => skuRow(feed.kind, sku as never, names));
        await upsertCatalog(db, tenantId, batch);
        await setCursor(db, tenantId, cursorName, page.continueFrom);
        rows += batch.length;
      }
    });
  }
  const techFrom = await getCursor(db, tenantId, 'settings/technicians');
  await unlessStuck(log, tenantId, 'settings/technicians', async () => {
    for await (const page of client.exportFeed('settings', 'technicians', Technician, techFrom)) {
      await upsertCatalog(
        db,
        tenantId,
        page.data.map((t) => namedRow('technician', t)),
      );
      await setCursor(db, tenantId, 'settings/technicians', page.continueFrom);
      rows += page.data.length;
    }
  });
  const [fees, zones, jobTypes, units, paymentTypes] = await Promise.all([
    client.listDiscountsAndFees(),
    client.listTaxZones(),
    client.listJobTypes(),
    client.listBusinessUnits(),
    client.listPaymentTypes(),
  ]);
  const lists = [
    ...fees.map(feeRow),
    ...zones.map((z) => namedRow('tax-zone', z)),
    ...jobTypes.map((j) => namedRow('job-type', j)),
    ...units.map((u) => namedRow('business-unit', u)),
    ...paymentTypes.map((p) => namedRow('payment-type', p)),
    ...categories.map((c) => namedRow('category', c)),
  ];
  await upsertCatalog(db, tenantId, lists);
  return { rows: rows + lists.length };
}
