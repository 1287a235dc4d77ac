export type { SimCredentials } from './auth.ts';
export { type FaultConfig, Faults } from './faults.ts';
export { registerEquipment, type SimInstalledEquipment, simInstalledEquipment } from './routes/equipment.ts';
export { loadSimEvidence, type SimEvidence } from './routes/evidence-data.ts';
export { registerSales, type SimEstimate, simEstimates } from './routes/sales.ts';
export { DEFAULT_SIM_CREDENTIALS, type RunningSim, type SimOptions, startSim } from './server.ts';
export { SimTenant } from './tenant.ts';
export {
  DEFAULT_WEBHOOK_SIGNATURE,
  type JobCompletedEvent,
  signBody,
  type WebhookConfig,
} from './webhooks.ts';
