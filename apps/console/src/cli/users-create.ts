// `npm run users:create -- --email … --name … --role admin [--password-stdin] [--update]`
// Creates a console user (the first admin, typically). The password is read from a hidden
// prompt, or from stdin with --password-stdin (for scripts); it is never an argument, so it
// stays out of shell history and process lists.
import { parseArgs } from 'node:util';
import { ConfigError, ServiceUnavailableError } from '@invoicer/core';
import { checkPostgres, createDb, findUserByEmail } from '@invoicer/db';
import { BaseEnv, loadConfig } from '@invoicer/platform';
import { checkUserInput, ensureUser } from '../users/ensure.ts';
import { readHidden, readStdin } from './prompt.ts';

const USAGE =
  'usage: npm run users:create -- --email <email> --name <name> --role <billing_specialist|billing_manager|engineer|admin> [--password-stdin] [--update]';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      email: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string' },
      'password-stdin': { type: 'boolean', default: false },
      update: { type: 'boolean', default: false },
    },
  });
  if (!values.email || !values.name || !values.role) {
    console.error(USAGE);
    return 2;
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
  const input = { email: values.email, name: values.name, role: values.role, password };
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
    const { user, created } = await ensureUser(db, input, 'cli:users:create');
    console.log(`${created ? 'Created' : 'Updated'} ${user.role} ${user.email} (${user.id}).`);
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
