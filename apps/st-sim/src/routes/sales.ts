// Sales v2 estimates: list (jobId, status, ids filters), get, items, and the export feed, as the
// tenant-salestech-v2 document describes them. The estimates live beside the fixture (the fixture
// format has no estimates file yet): tests and the demo load them with `simEstimates(tenant)`
// or `PUT /_sim/estimates`.
import type { FastifyInstance } from 'fastify';
import { exportResponse, first, idsParam, intParam, listResponse } from '../http-helpers.ts';
import { Collection, type SimRecord } from '../store.ts';
import type { SimTenant } from '../tenant.ts';
import { exported, found, idParam, moduleRoutes, publicRecord, type RouteContext } from './api.ts';

export type SimEstimate = SimRecord & {
  jobId: number | null;
  status: { value: number; name: 'Open' | 'Sold' | 'Dismissed' } | null;
  items: (SimRecord & { sku: { id: number } })[];
  modifiedOn: string;
};

const stores = new WeakMap<SimTenant, Collection<SimEstimate>>();

/** The tenant's estimates (created empty on first use). */
export function simEstimates(tenant: SimTenant): Collection<SimEstimate> {
  let store = stores.get(tenant);
  if (!store) {
    store = new Collection<SimEstimate>('estimates', ['jobId']);
    stores.set(tenant, store);
  }
  return store;
}

export function registerSales(app: FastifyInstance, ctx: RouteContext): void {
  const estimates = () => simEstimates(ctx.tenant);
  const sales = moduleRoutes(app, 'sales');
  sales.get('/estimates', ({ query }) => {
    const ids = idsParam(query);
    const jobId = intParam(query, 'jobId');
    const status = first(query, 'status')?.toLowerCase();
    const base = jobId !== undefined ? estimates().by('jobId', jobId) : [...estimates().values()];
    const rows = base.filter(
      (e) => (!ids || ids.includes(e.id)) && (!status || e.status?.name.toLowerCase() === status),
    );
    return listResponse(rows, query, publicRecord);
  });
  sales.get('/estimates/items', ({ query }) => {
    const estimateId = intParam(query, 'estimateId');
    const rows = [...estimates().values()]
      .filter((e) => estimateId === undefined || e.id === estimateId)
      .flatMap((e) => e.items);
    return listResponse(rows, query, publicRecord);
  });
  sales.get('/estimates/export', ({ query }) => exportResponse(estimates(), query, exported));
  sales.get('/estimates/:id', ({ params }) =>
    publicRecord(found(estimates().get(idParam(params)), 'Estimate', idParam(params))),
  );
  app.put('/_sim/estimates', async (request) => {
    const rows = (Array.isArray(request.body) ? request.body : []) as SimEstimate[];
    for (const row of rows) estimates().put(row);
    return { estimates: estimates().size };
  });
}
