// `npm run runs:resume [-- --tenant <id>]`: re-enqueue every unfinished run from Postgres
// (after Redis was lost or flushed, or a job failed for good without recording it). Safe to
// repeat: job ids are deterministic, and a job still moving is left alone.
import { parseArgs } from 'node:util';
import { ConfigError, ServiceUnavailableError } from '@invoicer/core';
import { checkPostgres, createDb } from '@invoicer/db';
import { BaseEnv, checkRedis, createProducerConnection, loadConfig, QueueSet } from '@invoicer/platform';
import { resumeRuns } from '../resume.ts';

try {
  const env = loadConfig(BaseEnv);
  const { values } = parseArgs({ options: { tenant: { type: 'string' } } });
  await Promise.all([checkPostgres(env.DATABASE_URL), checkRedis(env.REDIS_URL)]);
  const db = createDb(env.DATABASE_URL);
  const redis = createProducerConnection(env.REDIS_URL);
  const queues = new QueueSet(redis, env.QUEUE_PREFIX);
  const result = await resumeRuns(db, queues, values.tenant);
  console.log(
    `${result.runs} unfinished run(s): ${result.moving} already moving (left alone), ` +
      `${result.runs - result.moving} re-enqueued (${result.replaced} replacing a job that had failed for good); by queue:`,
    result.byQueue,
  );
  await queues.close();
  redis.disconnect();
  await db.$disconnect();
} catch (error) {
  if (error instanceof ConfigError || error instanceof ServiceUnavailableError) {
    console.error(error.message);
    process.exit(2);
  }
  throw error;
}
