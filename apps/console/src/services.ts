// What every console route gets: the database, the queues (producer side only), the per-tenant
// runtime (ServiceTitan client, settings, knowledge for repricing), metrics and a logger.
import type { Db } from '@invoicer/db';
import type { Logger, QueueSet } from '@invoicer/platform';
import type { TenantRuntime } from '@invoicer/tenant';
import type { Redis } from 'ioredis';
import type { ConsoleEnv } from './config.ts';
import type { ConsoleMetrics } from './ops/console-metrics.ts';

export interface ConsoleServices {
  env: ConsoleEnv;
  db: Db;
  redis: Redis;
  queues: QueueSet;
  runtime: TenantRuntime;
  metrics: ConsoleMetrics;
  log: Logger;
}
