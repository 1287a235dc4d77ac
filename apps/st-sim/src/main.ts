// npm run st-sim -- --port 4010 --tenant <dir> [--replay] [--webhook-url URL --webhook-secret S]
import { parseArgs } from 'node:util';
import { errorMessage } from '@invoicer/core';
import { startSim } from './server.ts';

const USAGE = `Usage: npm run st-sim -- --tenant <fixture dir> [options]

  --tenant <dir>           tenant fixture directory (see README "Tenant fixtures")
  --port <n>               port to listen on (default 4010)
  --host <addr>            address to bind (default 127.0.0.1)
  --replay                 hold completed jobs back; complete them with POST /_sim/play
  --play-interval <ms>     in replay mode, complete one job every <ms> milliseconds
  --webhook-url <url>      deliver "job completed" webhooks here
  --webhook-secret <s>     HMAC key for webhook signatures (required with --webhook-url)
  --webhook-header <name>  signature header (default x-servicetitan-signature)
  --webhook-encoding <e>   hex or base64 (default hex)
  --state <file>           persist writes to this file and re-apply them at start
  --rate-limit <n>         calls per second per tenant before 429 (default 60, 0 = off)
  --latency <ms>           added latency per call
  --error-rate <0..1>      share of calls answered 500`;

async function main() {
  const { values } = parseArgs({
    options: {
      tenant: { type: 'string' },
      port: { type: 'string', default: '4010' },
      host: { type: 'string', default: '127.0.0.1' },
      replay: { type: 'boolean', default: false },
      'play-interval': { type: 'string' },
      'webhook-url': { type: 'string' },
      'webhook-secret': { type: 'string' },
      'webhook-header': { type: 'string' },
      'webhook-encoding': { type: 'string' },
      state: { type: 'string' },
      'rate-limit': { type: 'string', default: '60' },
      latency: { type: 'string', default: '0' },
      'error-rate': { type: 'string', default: '0' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help || !values.tenant) {
    console.error(USAGE);
    process.exit(values.help ? 0 : 2);
  }
  if (values['webhook-url'] && !values['webhook-secret']) {
    console.error('--webhook-secret is required with --webhook-url\n');
    console.error(USAGE);
    process.exit(2);
  }
  const encoding = values['webhook-encoding'] === 'base64' ? 'base64' : 'hex';
  const rateLimit = Number(values['rate-limit']);
  const sim = await startSim({
    tenantDir: values.tenant,
    port: Number(values.port),
    host: values.host,
    replay: values.replay,
    stateFile: values.state,
    faults: {
      rateLimitPerSecond: rateLimit > 0 ? rateLimit : null,
      latencyMs: Number(values.latency),
      errorRate5xx: Number(values['error-rate']),
    },
    webhook: values['webhook-url']
      ? {
          url: values['webhook-url'],
          secret: values['webhook-secret']!,
          ...(values['webhook-header'] ? { header: values['webhook-header'] } : {}),
          encoding,
        }
      : undefined,
  });
  console.log(`ServiceTitan simulator for tenant ${sim.tenantId} (${sim.tenant.meta.name}) at ${sim.url}`);
  console.log(`  token URL   ${sim.url}/connect/token`);
  console.log(`  client id   ${sim.credentials.clientId}`);
  console.log(`  app key     ${sim.credentials.appKey}`);
  console.log(
    `  jobs ${sim.tenant.jobs.size}, invoices ${sim.tenant.invoices.size}, held back ${sim.tenant.pendingCount}`,
  );
  if (values['play-interval']) {
    const interval = setInterval(() => {
      if (!sim.play(1).length) clearInterval(interval);
    }, Number(values['play-interval']));
  }
  const stop = async () => {
    await sim.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error) => {
  console.error(`st-sim: ${errorMessage(error)}`);
  process.exit(1);
});
