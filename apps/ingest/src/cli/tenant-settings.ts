// `npm run tenant:settings -- --tenant <id>` prints a tenant's settings (defaults filled in);
// `--set <file.json>` validates a file and stores it as the tenant's settings (versioned, with
// who changed it; the rollout policy can also be edited in the console). Workers pick changes up
// within 15 s.
import { parseArgs } from 'node:util';
import { InvalidInputError } from '@invoicer/core';
import {
  appendAudit,
  checkPostgres,
  createDb,
  getTenant,
  getTenantSettings,
  putTenantSettings,
} from '@invoicer/db';
import { BaseEnv, loadConfig, runCli } from '@invoicer/platform';
import { readSettingsFile } from './settings-file.ts';

const USAGE = `Usage: npm run tenant:settings -- --tenant <id> [--set <file.json>]
  without --set   print the tenant's settings as JSON (a starting point for a file)
  --set <file>    validate the file and make it the tenant's settings`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      tenant: { type: 'string' },
      set: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help || !values.tenant) {
    (values.help ? console.log : console.error)(USAGE);
    return values.help ? 0 : 2;
  }
  const next = values.set ? readSettingsFile(values.set) : null;
  const env = loadConfig(BaseEnv);
  await checkPostgres(env.DATABASE_URL);
  const db = createDb(env.DATABASE_URL);
  try {
    if (!(await getTenant(db, values.tenant)))
      throw new InvalidInputError(`There is no tenant "${values.tenant}" (add it with npm run tenant:add).`);
    const before = await getTenantSettings(db, values.tenant);
    if (!next) {
      console.log(JSON.stringify(before, null, 2));
      return 0;
    }
    const actor = `cli:${process.env.USER ?? 'unknown'}`;
    const { version } = await putTenantSettings(db, values.tenant, next, actor);
    await appendAudit(db, {
      tenantId: values.tenant,
      actorType: 'user',
      actor,
      action: 'settings.changed',
      data: { before, after: next, source: values.set },
    });
    console.log(`Saved settings version ${version} for tenant "${values.tenant}".`);
    return 0;
  } finally {
    await db.$disconnect();
  }
}

runCli('tenant:settings', main);
