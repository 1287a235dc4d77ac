// `npm run accounting:connect -- --tenant <id> --provider xero|qbo` connects a tenant's books:
// prints the authorization URL, waits for the redirect on a local port, exchanges the code and
// stores the tokens sealed with CREDENTIALS_KEY (new connections start in observe mode).
// `--mode <mode>` changes the mode (invoices/journal are refused while another export posts the
// shop's invoices); `--status` prints the connection (never a token).
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  awaitRedirect,
  changeMode,
  completeConnect,
  Endpoints,
  getConnection,
  MODES,
  type Mode,
  ModeRefusedError,
  openBooks,
  PROVIDER_ENDPOINTS,
  PROVIDERS,
  type Provider,
} from '@invoicer/accounting';
import { InvalidInputError } from '@invoicer/core';
import { checkPostgres, createDb, getTenant } from '@invoicer/db';
import { BaseEnv, loadConfig, runCli } from '@invoicer/platform';
import { resolveCredentialsKey } from '@invoicer/servicetitan';
import { Redis } from 'ioredis';

const USAGE = `Usage: npm run accounting:connect -- --tenant <id> [options]
  --provider xero|qbo     connect (or reconnect) the tenant's books: prints a URL to open, waits
                          for the redirect to --redirect-uri, stores the tokens sealed
  --redirect-uri <url>    registered with your Xero/Intuit app (default http://127.0.0.1:4089/callback)
  --organisation <id>     Xero: which organisation, when the grant covers several
  --mode <mode>           off | observe | invoices | journal (invoices/journal are refused while
                          another export already posts this shop's invoices)
  --status                print the connection
  --authorize-url, --token-url, --api-url, --connections-url
                          other endpoints (a sandbox; QuickBooks sandbox API:
                          https://sandbox-quickbooks.api.intuit.com)
Environment: ACCOUNTING_CLIENT_ID, ACCOUNTING_CLIENT_SECRET (your app's), CREDENTIALS_KEY.`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      tenant: { type: 'string' },
      provider: { type: 'string' },
      'redirect-uri': { type: 'string', default: 'http://127.0.0.1:4089/callback' },
      organisation: { type: 'string' },
      mode: { type: 'string' },
      status: { type: 'boolean', default: false },
      'authorize-url': { type: 'string' },
      'token-url': { type: 'string' },
      'api-url': { type: 'string' },
      'connections-url': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help || !values.tenant || (!values.provider && !values.mode && !values.status)) {
    (values.help ? console.log : console.error)(USAGE);
    return values.help ? 0 : 2;
  }
  const env = loadConfig(BaseEnv);
  await checkPostgres(env.DATABASE_URL);
  const db = createDb(env.DATABASE_URL);
  const { key } = resolveCredentialsKey(env.CREDENTIALS_KEY, path.resolve('.data/credentials.key'));
  const tenantId = values.tenant;
  try {
    if (!(await getTenant(db, tenantId)))
      throw new InvalidInputError(`There is no tenant "${tenantId}" (add it with npm run tenant:add).`);
    if (values.provider) {
      if (!PROVIDERS.includes(values.provider as Provider))
        throw new InvalidInputError(`--provider must be one of ${PROVIDERS.join(', ')}`);
      const provider = values.provider as Provider;
      const clientId = process.env.ACCOUNTING_CLIENT_ID;
      const clientSecret = process.env.ACCOUNTING_CLIENT_SECRET;
      if (!clientId || !clientSecret)
        throw new InvalidInputError(
          'Set ACCOUNTING_CLIENT_ID and ACCOUNTING_CLIENT_SECRET (your app at Xero/Intuit).',
        );
      const defaults = PROVIDER_ENDPOINTS[provider];
      const endpoints = Endpoints.parse({
        ...defaults,
        ...(values['authorize-url'] ? { authorizeUrl: values['authorize-url'] } : {}),
        ...(values['token-url'] ? { tokenUrl: values['token-url'] } : {}),
        ...(values['api-url'] ? { apiUrl: values['api-url'] } : {}),
        ...(values['connections-url'] ? { connectionsUrl: values['connections-url'] } : {}),
      });
      const redirectUri = values['redirect-uri'];
      const wait = await awaitRedirect(endpoints, { clientId, redirectUri });
      console.log(
        `Open this URL, sign in and allow access:\n\n  ${wait.url}\n\nWaiting for the redirect to ${redirectUri} …`,
      );
      const callback = await wait.callback;
      const connected = await completeConnect(
        { db, tenantId, provider, endpoints, clientId, clientSecret, credentialsKey: key, redirectUri },
        callback,
        { organisation: values.organisation },
      );
      console.log(
        `Connected ${tenantId} to ${provider} ${connected.externalName ?? ''} (${connected.externalTenantId}), observe mode. Review the mappings in the console, then choose a mode.`,
      );
    }
    if (values.mode) {
      if (!MODES.includes(values.mode as Mode))
        throw new InvalidInputError(`--mode must be one of ${MODES.join(', ')}`);
      const redis = new Redis(env.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 2 });
      try {
        const open = await openBooks({ db, redis, prefix: env.QUEUE_PREFIX, credentialsKey: key }, tenantId);
        await changeMode(db, tenantId, values.mode as Mode, open?.books ?? null);
        console.log(`${tenantId}: mode ${values.mode}`);
      } catch (error) {
        if (error instanceof ModeRefusedError) {
          console.error(error.message);
          return 3;
        }
        throw error;
      } finally {
        redis.disconnect();
      }
    }
    if (values.status) {
      const c = await getConnection(db, tenantId);
      if (!c) console.log(`${tenantId}: no books connection`);
      else
        console.log(
          JSON.stringify(
            {
              tenant: c.tenantId,
              provider: c.provider,
              organisation: c.externalName ?? c.externalTenantId,
              mode: c.mode,
              accessExpiresAt: c.accessExpiresAt,
              refreshedAt: c.refreshedAt,
              lastError: c.lastError,
            },
            null,
            2,
          ),
        );
    }
    return 0;
  } finally {
    await db.$disconnect();
  }
}

runCli('accounting:connect', main);
