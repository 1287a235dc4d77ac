// Preloaded into the benchmark's worker processes (`node --import tsx --import
// ./test/bench/probe.ts apps/workers/src/main.ts`, see child.ts): counts the SQL statements and
// Redis commands the process sends (counters.ts) and answers the benchmark's requests over the
// IPC channel with those counts and the process's own CPU time (process.cpuUsage). It changes nothing else: the
// channel is unref'd so it never keeps the process alive, and nothing is sent unless asked.
import { type ClientCounts, countClients } from './counters.ts';

export const PROBE_MESSAGE = 'bench:probe';

export interface ProbeSnapshot {
  /** process.cpuUsage(): user + system, all threads, in ms. */
  cpuMs: number;
  counts: ClientCounts;
}

interface ProbeRequest {
  type: typeof PROBE_MESSAGE;
  id: number;
}

export function isProbeMessage(message: unknown): message is { type: string; id: number } {
  return (
    typeof message === 'object' &&
    message !== null &&
    (message as { type?: unknown }).type === PROBE_MESSAGE &&
    typeof (message as { id?: unknown }).id === 'number'
  );
}

// Only when started as a probed child (an IPC channel), never when imported for its types.
if (process.send && process.env.BENCH_PROBE === '1') {
  const read = countClients();
  process.on('message', (message: unknown) => {
    if (!isProbeMessage(message)) return;
    const { user, system } = process.cpuUsage();
    const reply: ProbeRequest & ProbeSnapshot = {
      type: PROBE_MESSAGE,
      id: message.id,
      cpuMs: (user + system) / 1000,
      counts: read(),
    };
    process.send?.(reply, undefined, {}, () => {});
  });
  process.channel?.unref();
}
