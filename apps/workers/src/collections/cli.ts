// `npm run collections:evaluate [-- --tenant <id>]`: queue today's collections evaluation for
// one tenant or every tenant (run it daily from cron; the job id is per tenant and day, so a
// second run the same day is a no-op). The workers do the rest (collections.evaluate → act).
import { parseArgs } from 'node:util';
import { errorMessage } from '@invoicer/core';
import { checkPostgres, createDb, listTenants } from '@invoicer/db';
import { BaseEnv, checkRedis, createProducerConnection, loadConfig, QueueSet } from '@invoicer/platform';

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { tenant: { type: 'string' } } });
  const env = loadConfig(BaseEnv);
  await Promise.all([checkPostgres(env.DATABASE_URL), checkRedis(env.REDIS_URL)]);
  const db = createDb(env.DATABASE_URL);
  const redis = createProducerConnection(env.REDIS_URL);
  const queues = new QueueSet(redis, env.QUEUE_PREFIX, ['collections.evaluate']);
  try {
    const tenants = (await listTenants(db))
      .map((t) => t.id)
      .filter((id) => !values.tenant || id === values.tenant);
    if (values.tenant && !tenants.length) {
      console.error(`there is no tenant "${values.tenant}"`);
      return 2;
    }
    const day = new Date().toISOString().slice(0, 10);
    for (const tenantId of tenants) {
      const jobId = await queues.enqueue('collections.evaluate', { tenantId, day });
      console.log(`${tenantId}: queued ${jobId}`);
    }
    return 0;
  } finally {
    await queues.close();
    redis.disconnect();
    await db.$disconnect();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(errorMessage(error));
    process.exitCode = 1;
  },
);
