// Equipment Systems v2: installed equipment at a location (list with locationIds/ids, get, and
// the export feed), as the tenant-equipment-systems-v2 document describes them. Like estimates,
// the records live beside the fixture: tests and the demo load them with
// `simInstalledEquipment(tenant)` or `PUT /_sim/installed-equipment`.
import type { FastifyInstance } from 'fastify';
import { all, exportResponse, idsParam, listResponse } from '../http-helpers.ts';
import { Collection, type SimRecord } from '../store.ts';
import type { SimTenant } from '../tenant.ts';
import { exported, found, idParam, moduleRoutes, publicRecord, type RouteContext } from './api.ts';

export type SimInstalledEquipment = SimRecord & {
  locationId: number;
  name: string;
  model: string | null;
  serialNumber: string | null;
  manufacturer: string | null;
  modifiedOn: string;
};

const stores = new WeakMap<SimTenant, Collection<SimInstalledEquipment>>();

export function simInstalledEquipment(tenant: SimTenant): Collection<SimInstalledEquipment> {
  let store = stores.get(tenant);
  if (!store) {
    store = new Collection<SimInstalledEquipment>('installed-equipment', ['locationId']);
    stores.set(tenant, store);
  }
  return store;
}

export function registerEquipment(app: FastifyInstance, ctx: RouteContext): void {
  const equipment = () => simInstalledEquipment(ctx.tenant);
  const api = moduleRoutes(app, 'equipmentsystems');
  api.get('/installed-equipment', ({ query }) => {
    const ids = idsParam(query);
    const locations = all(query, 'locationIds')
      .flatMap((v) => v.split(','))
      .map(Number);
    const base = locations.length
      ? locations.flatMap((l) => equipment().by('locationId', l))
      : [...equipment().values()];
    return listResponse(
      base.filter((e) => !ids || ids.includes(e.id)),
      query,
      publicRecord,
    );
  });
  api.get('/export/installed-equipment', ({ query }) => exportResponse(equipment(), query, exported));
  api.get('/installed-equipment/:id', ({ params }) =>
    publicRecord(found(equipment().get(idParam(params)), 'Installed equipment', idParam(params))),
  );
  app.put('/_sim/installed-equipment', async (request) => {
    for (const row of (Array.isArray(request.body) ? request.body : []) as SimInstalledEquipment[])
      equipment().put(row);
    return { installedEquipment: equipment().size };
  });
}
