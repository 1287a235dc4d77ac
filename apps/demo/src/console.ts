// The review console for the demo, with a demo login.
import type { BaseEnv, Logger } from '@invoicer/platform';
import type { Cluster } from './cluster.ts';

export interface DemoConsole {
  url: string;
  login: { email: string; password: string };
  close(): Promise<void>;
}

export async function startDemoConsole(_cluster: Cluster, _env: BaseEnv, _log: Logger): Promise<DemoConsole> {
  // Wired to apps/console once it lands.
  return { url: '(console not started)', login: { email: '-', password: '-' }, close: async () => {} };
}
