// CPU time of processes from Linux's /proc (null elsewhere): /proc/<pid>/stat fields 14–17
// (utime, stime, cutime, cstime) in clock ticks, for the whole process (all its threads).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

let tickMs: number | null = null;

/** Milliseconds per clock tick (getconf CLK_TCK, 100 on Linux). */
export function msPerTick(): number {
  if (tickMs === null) {
    let hz = 100;
    try {
      hz = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {}
    tickMs = 1000 / hz;
  }
  return tickMs;
}

export interface ProcCpu {
  /** The executable's name as the kernel knows it (`postgres`, `redis-server`, `node`). */
  comm: string;
  /** utime + stime of the process itself, in ms. */
  selfMs: number;
  /** cutime + cstime: children it has waited for (a postmaster's exited backends), in ms. */
  childrenMs: number;
}

export function procCpu(pid: number): ProcCpu | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // "pid (comm) state ppid …": comm may hold spaces and parentheses, so split after the last ')'.
  const open = stat.indexOf('(');
  const close = stat.lastIndexOf(')');
  const fields = stat.slice(close + 2).split(' '); // fields[0] is field 3 (state)
  const tick = msPerTick();
  return {
    comm: stat.slice(open + 1, close),
    selfMs: (Number(fields[11]) + Number(fields[12])) * tick,
    childrenMs: (Number(fields[13]) + Number(fields[14])) * tick,
  };
}

/** The process's command line as `ps` shows it (Postgres writes its status there). */
export function procTitle(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return null;
  }
}

export function procAvailable(): boolean {
  return procCpu(process.pid) !== null;
}

/** Every process whose comm is `comm`, with its CPU so far. */
export function processesNamed(comm: string): Map<number, ProcCpu> {
  const out = new Map<number, ProcCpu>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return out;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const cpu = procCpu(Number(entry));
    if (cpu?.comm === comm) out.set(Number(entry), cpu);
  }
  return out;
}
