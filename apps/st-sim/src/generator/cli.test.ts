import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../../../..');
const cli = path.join(import.meta.dirname, 'cli.ts');
const run = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', cli, ...args], { cwd: root, encoding: 'utf8' });

describe('tenant:generate CLI', () => {
  it.each([
    [['--jobs', 'abc', '--seed', '1', '--out', '/tmp/x'], /--jobs must be an integer/],
    [['--seed', '1', '--out', '/tmp/x'], /--jobs is required/],
    [['--jobs', '10', '--seed', '1'], /--out is required/],
    [['--jobs', '10', '--seed', '1', '--out', '/tmp/x', '--bogus'], /Unknown option '--bogus'/],
    [['--jobs', '10', '--seed', '1', '--out', '/tmp/x', '--start', '2025-02-30'], /--start must be a date/],
  ])('rejects %j with a usage message and exit code 2', (args, message) => {
    const r = run(...args);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toContain('Usage: npm run tenant:generate');
  });

  it('writes a fixture, with --no-payments leaving out payments and the bank', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tenant-cli-'));
    try {
      const r = run('--jobs', '40', '--seed', '3', '--out', dir, '--months', '2', '--no-payments');
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout).toContain('SYNTHETIC tenant written');
      expect(existsSync(path.join(dir, 'jpm/jobs.json'))).toBe(true);
      expect(existsSync(path.join(dir, 'accounting/payments.json'))).toBe(false);
      expect(existsSync(path.join(dir, '_bank'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
