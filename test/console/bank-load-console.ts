// The console as a process of its own, for the upload load test: its RSS is measured from
// outside (/proc/<pid>/status). Configured by the environment; prints one line, READY <url>.
import { ConsoleEnv, startConsoleApp } from '@invoicer/console';
import { createLogger, loadConfig } from '@invoicer/platform';

const env = loadConfig(ConsoleEnv, process.env);
const app = await startConsoleApp(env, createLogger({ name: 'console-load', level: env.LOG_LEVEL }));
process.stdout.write(`READY ${app.url}\n`);
const stop = async () => {
  await app.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.resume();
