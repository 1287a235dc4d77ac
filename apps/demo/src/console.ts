// The review console for the demo, on the cluster's database and queues, with a demo login.
import { ConsoleEnv, ensureUser, startConsoleApp } from '@invoicer/console';
import { type BaseEnv, type Logger, loadConfig } from '@invoicer/platform';
import type { Cluster } from './cluster.ts';

export interface DemoConsole {
  url: string;
  login: { email: string; password: string };
  close(): Promise<void>;
}

/** Local-only demo credentials (the console binds to 127.0.0.1 unless CONSOLE_HOST says otherwise). */
export const DEMO_LOGIN = { email: 'demo@invoicer.local', password: 'demo-billing-2026' };

export async function startDemoConsole(cluster: Cluster, _env: BaseEnv, log: Logger): Promise<DemoConsole> {
  const env = loadConfig(ConsoleEnv, {
    ...cluster.env,
    CONSOLE_PORT: cluster.env.CONSOLE_PORT ?? '4000',
    // The demo serves plain http on localhost.
    COOKIE_SECURE: cluster.env.COOKIE_SECURE ?? 'false',
  });
  const app = await startConsoleApp(env, log.child({ app: 'console' }), { metrics: cluster.workers.metrics });
  await ensureUser(app.db, {
    email: DEMO_LOGIN.email,
    name: 'Demo Admin',
    role: 'admin',
    password: DEMO_LOGIN.password,
  });
  return { url: app.url, login: DEMO_LOGIN, close: () => app.close() };
}
