// `npm run audit:verify [-- --tenant <id>]`: walk every tenant's hash-chained audit log (and
// the console's own chain) and name the first bad event. Exit 1 when any chain is broken.
import { parseArgs } from 'node:util';
import { ConfigError, ServiceUnavailableError } from '@invoicer/core';
import { checkPostgres, createDb, listAuditTenants, verifyAuditChain } from '@invoicer/db';
import { BaseEnv, loadConfig } from '@invoicer/platform';

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { tenant: { type: 'string' } } });
  const env = loadConfig(BaseEnv);
  await checkPostgres(env.DATABASE_URL);
  const db = createDb(env.DATABASE_URL, { poolSize: 2 });
  try {
    const tenants = values.tenant ? [values.tenant] : await listAuditTenants(db);
    if (!tenants.length) console.log('No audit events yet.');
    let broken = 0;
    for (const tenant of tenants) {
      const report = await verifyAuditChain(db, tenant);
      if (report.ok) console.log(`ok      ${tenant}: ${report.events} event(s), chain intact`);
      else {
        broken += 1;
        console.log(
          `BROKEN  ${tenant}: first bad event is #${report.firstBadEventId} (event ${report.events} of the chain): ${report.problem}`,
        );
      }
    }
    if (broken)
      console.error(`${broken} chain(s) failed verification. See docs/runbook.md ("Audit chain broken").`);
    return broken ? 1 : 0;
  } finally {
    await db.$disconnect();
  }
}

try {
  process.exitCode = await main();
} catch (error) {
  if (error instanceof ConfigError || error instanceof ServiceUnavailableError) {
    console.error(error.message);
    process.exitCode = 2;
  } else throw error;
}
