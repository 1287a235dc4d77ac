// A child Node process whose stdout and stderr are kept, and whose exit is recorded, for tests
// that start a real entry point (ingest, the built workers) and read its log or its end.
import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';

export interface Exit {
  code: number | null;
  signal: string | null;
}

export interface LoggedChild {
  process: ChildProcess;
  /** Everything it wrote so far, stdout and stderr interleaved. */
  output(): string;
  /** How it ended, or null while it runs. */
  exited(): Exit | null;
}

export function spawnLogged(args: string[], options: SpawnOptions): LoggedChild {
  const child = spawn(process.execPath, args, options);
  let output = '';
  let exit: Exit | null = null;
  child.stdout?.on('data', (d) => {
    output += d;
  });
  child.stderr?.on('data', (d) => {
    output += d;
  });
  child.on('exit', (code, signal) => {
    exit = { code, signal };
  });
  return { process: child, output: () => output, exited: () => exit };
}
