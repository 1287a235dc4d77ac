// `npm run users:create -- --email … --name … --role admin [--tenants a,b | --all-tenants]
//  [--password-stdin] [--update]`
// Creates a console user (the first admin, typically). The password is read from a hidden
// prompt, or from stdin with --password-stdin (for scripts); it is never an argument, so it
// stays out of shell history and process lists. --tenants limits a non-admin to those tenants
// (registered tenant ids); without it a new user sees every tenant and --update keeps the
// user's tenants; --all-tenants gives every tenant again. Admins always see every tenant.
import { parseArgs } from 'node:util';
import { ConfigError, ServiceUnavailableError } from '@invoicer/core';
import { checkPostgres, createDb, findUserByEmail } from '@invoicer/db';
import { BaseEnv, loadConfig } from '@invoicer/platform';
import { checkUserInput, ensureUser, type UserInput } from '../users/ensure.ts';
import { splitTenantIds, tenantIdProblems } from '../users/tenants.ts';
import { readHidden, readStdin } from './prompt.ts';

const USAGE =
  'usage: npm run users:create -- --email <email> --name <name> --role <billing_specialist|billing_manager|engineer|admin> [--tenants <id,id,…> | --all-tenants] [--password-stdin] [--update]';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      email: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string' },
      'password-stdin': { type: 'boolean', default: false },
      update: { type: 'boolean', default: false },
      tenants: { type: 'string' },
      'all-tenants': { type: 'boolean', default: false },
    },
  });
  if (!values.email || !values.name || !values.role) {
    console.error(USAGE);
    return 2;
  }
  if (values.tenants !== undefined && values['all-tenants']) {
    console.error('Give either --tenants or --all-tenants, not both.');
    return 2;
  }
  let tenants: UserInput['tenants'];
  if (values['all-tenants']) tenants = null;
  else if (values.tenants !== undefined) {
    tenants = splitTenantIds(values.tenants);
    if (!tenants.length) {
      console.error('--tenants needs at least one tenant id (or use --all-tenants).');
      return 2;
    }
  }
  const env = loadConfig(BaseEnv);
  let password: string;
  if (values['password-stdin']) password = (await readStdin()).replace(/\r?\n$/, '');
  else if (process.stdin.isTTY) {
    password = await readHidden('Password: ');
    if ((await readHidden('Repeat password: ')) !== password) {
      console.error('The passwords do not match.');
      return 2;
    }
  } else {
    console.error('No terminal to prompt for a password: pipe it in with --password-stdin.');
    return 2;
  }
  const input: UserInput = { email: values.email, name: values.name, role: values.role, password, tenants };
  const problems = checkUserInput(input);
  if (problems.length) {
    console.error(problems.map((p) => `- ${p}`).join('\n'));
    return 2;
  }
  await checkPostgres(env.DATABASE_URL);
  const db = createDb(env.DATABASE_URL, { poolSize: 2 });
  try {
    if ((await findUserByEmail(db, input.email)) && !values.update) {
      console.error(
        `A user with email ${input.email} exists. Add --update to reset their name, role and password.`,
      );
      return 1;
    }
    const unknown = await tenantIdProblems(db, tenants ?? []);
    if (unknown.length) {
      console.error(`${unknown.map((p) => p.message).join('; ')} (see \`npm run tenant:add\`).`);
      return 2;
    }
    const { user, created } = await ensureUser(db, input, 'cli:users:create');
    const scope =
      user.role === 'admin'
        ? 'every tenant (administrator)'
        : user.tenantIds.length
          ? `tenants ${user.tenantIds.join(', ')}`
          : 'every tenant';
    console.log(`${created ? 'Created' : 'Updated'} ${user.role} ${user.email} (${user.id}); sees ${scope}.`);
    return 0;
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
