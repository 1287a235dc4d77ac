// A worker process of its own (`node --import tsx <entry>`, so the pid is the process doing
// the work, not a launcher), its output in a log file, and its memory and CPU read from /proc.
// With `probe`, probe.ts is preloaded too and answers over an IPC channel with the statements
// the process has sent to Postgres and its own CPU time.
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { isProbeMessage, PROBE_MESSAGE, type ProbeSnapshot } from './probe.ts';
import { procCpu } from './procfs.ts';

export const ROOT = path.resolve(import.meta.dirname, '../..');

const live = new Set<Child>();

/** Stop every child still running (on Ctrl-C or a failure). */
export async function stopAllChildren(): Promise<void> {
  await Promise.allSettled([...live].map((c) => c.stop(5000)));
}

export interface Child {
  pid: number;
  process: ChildProcess;
  logFile: string;
  /** Peak resident set size so far (VmHWM), in MiB; null where /proc is unavailable. */
  peakRssMiB(): number | null;
  /** The largest VmRSS seen by the sampler (a cross-check of VmHWM), in MiB. */
  sampledPeakRssMiB(): number | null;
  /** CPU time so far (user + system, all threads) from /proc/<pid>/stat, in ms; null where unavailable. */
  cpuMs(): number | null;
  /** The preloaded probe's counters (null when not probed, exited or not answering within 5 s). */
  probe(): Promise<ProbeSnapshot | null>;
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

function procStatusKb(pid: number, field: 'VmHWM' | 'VmRSS'): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

const PROBE_URL = pathToFileURL(path.join(import.meta.dirname, 'probe.ts')).href;
let probeSeq = 0;

export function startChild(
  entry: string,
  env: NodeJS.ProcessEnv,
  logFile: string,
  options: { probe?: boolean } = {},
): Child {
  const out = openSync(logFile, 'w');
  const probed = options.probe === true;
  const child = spawn(
    process.execPath,
    [
      // BENCH_CPU_PROF=<dir>: a V8 CPU profile of each child, for finding where the time goes.
      ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
      '--import',
      'tsx',
      ...(probed ? ['--import', PROBE_URL] : []),
      entry,
    ],
    {
      cwd: ROOT,
      env: probed ? { ...env, BENCH_PROBE: '1' } : env,
      stdio: probed ? ['ignore', out, out, 'ipc'] : ['ignore', out, out],
    },
  );
  closeSync(out);
  if (child.pid === undefined) throw new Error(`could not start ${entry}`);
  const pid = child.pid;
  let sampled = 0;
  let lastHwm: number | null = null;
  const sample = () => {
    const rss = procStatusKb(pid, 'VmRSS');
    if (rss !== null) sampled = Math.max(sampled, rss);
    lastHwm = procStatusKb(pid, 'VmHWM') ?? lastHwm;
  };
  const sampler = setInterval(sample, 200);
  sampler.unref();
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      clearInterval(sampler);
      resolve(code);
    });
  });
  let running = true;
  void exited.then(() => {
    running = false;
    live.delete(handle);
  });
  const mib = (kb: number | null) => (kb === null ? null : Math.round((kb / 1024) * 10) / 10);
  const handle: Child = {
    pid,
    process: child,
    logFile,
    peakRssMiB() {
      if (running) sample();
      return mib(lastHwm);
    },
    sampledPeakRssMiB: () => mib(sampled || null),
    cpuMs: () => (running ? (procCpu(pid)?.selfMs ?? null) : null),
    async probe() {
      if (!probed || !running || !child.connected) return null;
      const id = ++probeSeq;
      return new Promise<ProbeSnapshot | null>((resolve) => {
        const done = (value: ProbeSnapshot | null) => {
          clearTimeout(timer);
          child.off('message', onMessage);
          resolve(value);
        };
        const onMessage = (message: unknown) => {
          if (isProbeMessage(message) && message.id === id) done(message as unknown as ProbeSnapshot);
        };
        const timer = setTimeout(() => done(null), 5000);
        child.on('message', onMessage);
        child.send({ type: PROBE_MESSAGE, id }, (error) => {
          if (error) done(null);
        });
      });
    },
    exited,
    async stop(graceMs = 15_000) {
      if (!running) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
  live.add(handle);
  return handle;
}

/** A free TCP port on the loopback interface (for a child's health endpoint). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** The last lines of a child's log, for an error message. */
export function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no output)';
  }
}
