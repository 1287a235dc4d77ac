import { StClient, type StClientConfig } from '@invoicer/servicetitan';
import { type RunningSim, type SimOptions, startSim } from '@invoicer/st-sim';
import { miniTenant } from './mini-tenant.ts';

/** Start a simulator (mini tenant unless a fixture is given) and a client pointed at it. */
export async function simWithClient(
  simOptions: Partial<SimOptions> = {},
  clientOptions: Partial<StClientConfig> = {},
): Promise<{ sim: RunningSim; client: StClient }> {
  const sim = await startSim({ fixture: miniTenant(), ...simOptions });
  const client = new StClient({
    tenantId: sim.tenantId,
    apiBaseUrl: sim.url,
    authUrl: `${sim.url}/connect/token`,
    ...sim.credentials,
    baseBackoffMs: 5,
    ...clientOptions,
  });
  return { sim, client };
}
