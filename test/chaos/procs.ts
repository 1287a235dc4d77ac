// The cluster's processes as supervised children (`node --import tsx <entry>`, so the pid is the
// process doing the work and signals reach it, not a launcher). A process the suite kills is
// restarted after the delay the fault chose; one that refuses to boot (exit 2: Postgres or
// Redis unreachable at start) is started again with backoff; any other exit is a death the suite
// did not cause: it is recorded with the end of its log and the process is restarted.
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, closeSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');

export interface ProcExit {
  name: string;
  pid: number;
  code: number | null;
  signal: string | null;
  /** Since the supervisor started. */
  atMs: number;
  at: string;
  /** killed: by the suite; refused_boot: exit 2 at start; died: anything else (an invariant failure). */
  kind: 'killed' | 'refused_boot' | 'died' | 'stopped';
  /** The last lines of its log, for deaths. */
  tail?: string;
}

export function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no output)';
  }
}

export class Supervisor {
  readonly procs: Proc[] = [];
  readonly exits: ProcExit[] = [];
  readonly t0 = Date.now();
  closing = false;

  constructor(readonly logDir: string) {}

  add(name: string, entry: string, env: NodeJS.ProcessEnv, readyUrl: string): Proc {
    const proc = new Proc(this, name, entry, env, path.join(this.logDir, `${name}.log`), readyUrl);
    this.procs.push(proc);
    return proc;
  }

  elapsed(): number {
    return Date.now() - this.t0;
  }

  deaths(): ProcExit[] {
    return this.exits.filter((e) => e.kind === 'died');
  }

  /** SIGCONT every paused process and start every one that is down now (the end of the faults). */
  heal(): void {
    for (const proc of this.procs) {
      proc.cont();
      if (!proc.running) proc.startNow();
    }
  }

  async stopAll(graceMs = 8000): Promise<void> {
    this.closing = true;
    await Promise.allSettled(this.procs.map((p) => p.stop(graceMs)));
  }
}

export class Proc {
  child: ChildProcess | null = null;
  starts = 0;
  paused = false;
  private expectExit = false;
  private restartTimer: NodeJS.Timeout | null = null;
  private contTimer: NodeJS.Timeout | null = null;
  private refusals = 0;
  private exited: Promise<void> = Promise.resolve();

  constructor(
    private readonly sup: Supervisor,
    readonly name: string,
    readonly entry: string,
    readonly env: NodeJS.ProcessEnv,
    readonly logFile: string,
    readonly readyUrl: string,
  ) {}

  get running(): boolean {
    return this.child !== null;
  }

  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  startNow(): void {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    if (this.child || this.sup.closing) return;
    this.starts += 1;
    appendFileSync(
      this.logFile,
      `\n=== chaos: start #${this.starts} of ${this.name} at +${this.sup.elapsed()} ms ===\n`,
    );
    const out = openSync(this.logFile, 'a');
    const child = spawn(process.execPath, ['--import', 'tsx', this.entry], {
      cwd: ROOT,
      env: this.env,
      stdio: ['ignore', out, out],
    });
    closeSync(out);
    this.child = child;
    this.expectExit = false;
    this.paused = false;
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.onExit(child, code, signal);
        resolve();
      });
    });
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child !== child) return;
    this.child = null;
    this.paused = false;
    if (this.contTimer) clearTimeout(this.contTimer);
    const base = {
      name: this.name,
      pid: child.pid ?? 0,
      code,
      signal,
      atMs: this.sup.elapsed(),
      at: new Date().toISOString(),
    };
    if (this.sup.closing) {
      this.sup.exits.push({ ...base, kind: 'stopped' });
      return;
    }
    if (this.expectExit) {
      this.sup.exits.push({ ...base, kind: 'killed' });
      return; // the fault that killed it schedules the restart
    }
    if (code === 2) {
      // Refused to boot (a dependency is down): start again with backoff, up to 5 s.
      this.refusals += 1;
      this.sup.exits.push({ ...base, kind: 'refused_boot', tail: tail(this.logFile, 3) });
      this.restartIn(Math.min(5000, 1000 * this.refusals));
      return;
    }
    this.sup.exits.push({ ...base, kind: 'died', tail: tail(this.logFile) });
    this.restartIn(1000);
  }

  restartIn(ms: number): void {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => this.startNow(), ms);
  }

  /** SIGKILL it now and start it again after `restartAfterMs`. */
  async kill(restartAfterMs: number): Promise<boolean> {
    const child = this.child;
    if (!child) return false;
    this.expectExit = true;
    child.kill('SIGKILL');
    await this.exited;
    this.restartIn(restartAfterMs);
    return true;
  }

  /** SIGSTOP it for `ms`, then SIGCONT. */
  pause(ms: number): boolean {
    const child = this.child;
    if (!child || this.paused) return false;
    child.kill('SIGSTOP');
    this.paused = true;
    this.contTimer = setTimeout(() => this.cont(), ms);
    return true;
  }

  cont(): void {
    if (this.contTimer) clearTimeout(this.contTimer);
    this.contTimer = null;
    if (this.child && this.paused) this.child.kill('SIGCONT');
    this.paused = false;
  }

  /** Whether it answers its readiness probe (Postgres and Redis reachable from it). */
  async isReady(): Promise<boolean> {
    if (!this.child || this.paused) return false;
    try {
      return (await fetch(this.readyUrl, { signal: AbortSignal.timeout(2000) })).ok;
    } catch {
      return false;
    }
  }

  async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await this.isReady())) {
      if (Date.now() > deadline)
        throw new Error(`${this.name} was not ready within ${timeoutMs} ms:\n${tail(this.logFile)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** SIGTERM (after SIGCONT), then SIGKILL after `graceMs`. */
  async stop(graceMs: number): Promise<void> {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    const child = this.child;
    if (!child) return;
    this.cont();
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}
