export { registerTenant } from '@invoicer/tenant';
export { type Cluster, type ClusterOptions, DEMO_WEBHOOK_SECRET, startCluster } from './cluster.ts';
export { prepareDatabase } from './database.ts';
