// `npm run tenant:add -- --id <id> --st-tenant <n> --name <name> [options]`: connect a
// ServiceTitan tenant. The credentials come from the environment (ST_CLIENT_ID,
// ST_CLIENT_SECRET, ST_APP_KEY), never from arguments, so they stay out of shell history and
// process lists. They are checked against ServiceTitan, sealed with CREDENTIALS_KEY and
// stored; the job and payment feeds start at "now", so the shop's past jobs are history to
// learn from, not work to bill. Running it again updates the tenant (e.g. rotated secrets).
import path from 'node:path';
import { parseArgs } from 'node:util';
import { errorMessage, InvalidInputError, type TenantSettings } from '@invoicer/core';
import { checkPostgres, createDb, getTenant } from '@invoicer/db';
import { BaseEnv, checkRedis, createProducerConnection, loadConfig, runCli } from '@invoicer/platform';
import { clientForTenant, resolveCredentialsKey, ST_HOSTS, StClient } from '@invoicer/servicetitan';
import { registerTenant } from '@invoicer/tenant';
import { z } from 'zod';
import { startFeedsAtNow } from '../poller.ts';
import { readSettingsFile } from './settings-file.ts';

const USAGE = `Usage: npm run tenant:add -- --id <id> --st-tenant <ServiceTitan tenant id> --name <name> [options]
  --environment production|integration   ServiceTitan hosts (default production)
  --api-base-url <url> --auth-url <url>   other hosts (e.g. the simulator: http://127.0.0.1:4010 and
                                          http://127.0.0.1:4010/connect/token)
  --settings <file.json>                  tenant settings to start with (see tenant:settings)
Credentials are read from ST_CLIENT_ID, ST_CLIENT_SECRET and ST_APP_KEY.`;

const Args = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'lower-case letters, digits, - and _ (max 64)'),
    'st-tenant': z.coerce.number().int().positive(),
    name: z.string().min(1).max(200),
    environment: z.enum(['production', 'integration']).default('production'),
    'api-base-url': z.url().optional(),
    'auth-url': z.url().optional(),
    settings: z.string().optional(),
  })
  .refine((a) => Boolean(a['api-base-url']) === Boolean(a['auth-url']), {
    message: '--api-base-url and --auth-url go together',
  });

const Credentials = z.object({
  ST_CLIENT_ID: z.string().min(1, 'is required'),
  ST_CLIENT_SECRET: z.string().min(1, 'is required'),
  ST_APP_KEY: z.string().min(1, 'is required'),
});

function issues(error: z.ZodError): string {
  return error.issues.map((i) => `  ${i.path.join('.') || 'arguments'}: ${i.message}`).join('\n');
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      id: { type: 'string' },
      'st-tenant': { type: 'string' },
      name: { type: 'string' },
      environment: { type: 'string' },
      'api-base-url': { type: 'string' },
      'auth-url': { type: 'string' },
      settings: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const args = Args.safeParse(values);
  if (!args.success) throw new InvalidInputError(`${issues(args.error)}\n\n${USAGE}`);
  const creds = Credentials.safeParse(process.env);
  if (!creds.success) throw new InvalidInputError(`ServiceTitan credentials:\n${issues(creds.error)}`);
  const a = args.data;
  const hosts = a['api-base-url']
    ? { apiBaseUrl: a['api-base-url'], authUrl: a['auth-url']! }
    : ST_HOSTS[a.environment];
  const settings: TenantSettings | undefined = a.settings ? readSettingsFile(a.settings) : undefined;

  const env = loadConfig(BaseEnv);
  await Promise.all([checkPostgres(env.DATABASE_URL), checkRedis(env.REDIS_URL)]);
  const credentials = {
    clientId: creds.data.ST_CLIENT_ID,
    clientSecret: creds.data.ST_CLIENT_SECRET,
    appKey: creds.data.ST_APP_KEY,
  };
  // Prove the credentials before storing them: a token and one cheap read.
  const probe = new StClient({ tenantId: a['st-tenant'], ...hosts, ...credentials, maxRetries: 1 });
  let businessUnits: number;
  try {
    businessUnits = (await probe.listBusinessUnits()).length;
  } catch (error) {
    console.error(
      `ServiceTitan did not accept these credentials for tenant ${a['st-tenant']} at ${hosts.apiBaseUrl}: ${errorMessage(error)}`,
    );
    return 1;
  }

  const db = createDb(env.DATABASE_URL);
  const redis = createProducerConnection(env.REDIS_URL);
  try {
    const { key, source } = resolveCredentialsKey(env.CREDENTIALS_KEY, path.resolve('.data/credentials.key'));
    const existed = Boolean(await getTenant(db, a.id));
    await registerTenant(db, {
      id: a.id,
      stTenantId: a['st-tenant'],
      name: a.name,
      ...hosts,
      credentials,
      credentialsKey: key,
      settings,
      updatedBy: 'tenant:add',
    });
    const tenant = (await getTenant(db, a.id))!;
    const clientFor = async () =>
      clientForTenant(tenant, {
        credentialsKey: key,
        redis,
        prefix: env.QUEUE_PREFIX,
        rateLimitPerSecond: env.ST_RATE_LIMIT_PER_SECOND,
      });
    await startFeedsAtNow(db, clientFor, a.id);
    console.log(
      `${existed ? 'Updated' : 'Added'} tenant "${a.id}" (ServiceTitan ${a['st-tenant']}, ${businessUnits} business unit(s)) at ${hosts.apiBaseUrl}.`,
    );
    if (source === 'dev-file')
      console.log(
        'Credentials are sealed with the development key in .data/credentials.key; set CREDENTIALS_KEY in production.',
      );
    console.log(
      'Jobs completed from now on are drafted; earlier ones are history the workers learn from on their first sync.',
    );
    return 0;
  } finally {
    redis.disconnect();
    await db.$disconnect();
  }
}

runCli('tenant:add', main);
