// A worker process of its own (`node <entry>`, so the pid is the process doing the work, not a
// launcher), its output in a log file, and its memory and CPU read from /proc. After
// buildChildren() the entry runs as the JavaScript scripts/build-workers.mjs compiled into dist/
// (plain node, no tsx loader thread in the process measured); without it, or with BENCH_TSX=1,
// as TypeScript through `node --import tsx`. With `probe`, probe.ts is preloaded too (compiled
// or not, as the entry) and answers over an IPC channel with the statements the process has sent
// to Postgres and its own CPU time.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
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

const PROBE_SOURCE = 'test/bench/probe.ts';
const PROBE_URL = pathToFileURL(path.join(ROOT, PROBE_SOURCE)).href;
let probeSeq = 0;

/** How the children run: 'compiled' (node dist/…, see buildChildren) or 'tsx' (node --import tsx …). */
export type ChildRuntime = 'compiled' | 'tsx';

/** Source entry → compiled file (relative to ROOT), once buildChildren() has built them. */
let compiled: Record<string, string> | null = null;

/**
 * Compiles the children's entries with scripts/build-workers.mjs --bench (esbuild, about a
 * second) so startChild runs them on plain node; a fresh build every time, never a stale dist/.
 * BENCH_TSX=1 skips it and keeps `--import tsx`.
 */
export function buildChildren(): ChildRuntime {
  const tsx = process.env.BENCH_TSX;
  if (tsx && tsx !== '0') {
    compiled = null;
    return 'tsx';
  }
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/build-workers.mjs'), '--bench'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const manifest = JSON.parse(readFileSync(path.join(ROOT, 'dist/manifest.json'), 'utf8')) as {
    entries: Record<string, string>;
  };
  if (!manifest.entries[PROBE_SOURCE]) throw new Error(`dist/manifest.json has no ${PROBE_SOURCE}`);
  compiled = manifest.entries;
  return 'compiled';
}

/** The node arguments that run `entry` (and the probe): its compiled file if built, else through tsx. */
function entryArgs(entry: string, probed: boolean): string[] {
  const built = compiled?.[entry];
  if (built) {
    const probe = pathToFileURL(path.join(ROOT, compiled![PROBE_SOURCE]!)).href;
    return [...(probed ? ['--import', probe] : []), path.join(ROOT, built)];
  }
  return ['--import', 'tsx', ...(probed ? ['--import', PROBE_URL] : []), entry];
}

export function startChild(
  entry: string,
  env: NodeJS.ProcessEnv,
  logFile: string,
  options: { probe?: boolean; nodeFlags?: readonly string[] } = {},
): Child {
  const out = openSync(logFile, 'w');
  const probed = options.probe === true;
  const child = spawn(
    process.execPath,
    [
      // BENCH_CPU_PROF=<dir>: a V8 CPU profile of each child, for finding where the time goes.
      ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
      // BENCH_NODE_FLAGS="--trace-gc …": node flags for each child, for finding where the memory goes.
      ...(process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean),
      ...(options.nodeFlags ?? []),
      ...entryArgs(entry, probed),
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
