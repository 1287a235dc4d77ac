// What every reconciliation flow needs for one tenant.
import { InvalidInputError, type TenantSettings } from '@invoicer/core';
import { getTenant } from '@invoicer/db';
import type { Logger } from '@invoicer/platform';
import type { StClient } from '@invoicer/servicetitan';
import type { WorkerServices } from '../services.ts';

export interface ReconcileContext {
  services: WorkerServices;
  tenantId: string;
  settings: TenantSettings;
  log: Logger;
  client(): Promise<StClient>;
}

export async function reconcileContext(
  services: WorkerServices,
  tenantId: string,
): Promise<ReconcileContext> {
  if (!(await getTenant(services.db, tenantId))) throw new InvalidInputError(`unknown tenant ${tenantId}`);
  return {
    services,
    tenantId,
    settings: await services.runtime.settings(tenantId),
    log: services.log.child({ tenant: tenantId, stage: 'reconcile' }),
    client: () => services.runtime.client(tenantId),
  };
}
