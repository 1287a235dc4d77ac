export { TenantRuntime } from '@invoicer/tenant';
export { handlerRegistry, startWorkerApp, type WorkerApp } from './app.ts';
export { WorkerEnv } from './config.ts';
export { failureHooks } from './failures.ts';
export { syncTenant } from './freshness.ts';
export { recordReconcileFailure } from './reconcile/index.ts';
export type { WorkerServices } from './services.ts';
export { type SweepResult, sweepRuns } from './sweeper.ts';
