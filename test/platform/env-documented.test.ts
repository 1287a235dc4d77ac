// Every environment variable the code reads is in the README's Configuration section: names
// read as `process.env.X` / `env.X` / `env['X']`, and the keys of the zod env schemas (BaseEnv and
// each app's config, the CLIs' credential schemas).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const SKIP_DIRS = new Set(['node_modules', 'generated', '.data', 'dist', 'coverage']);

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (SKIP_DIRS.has(name) || name.startsWith('.')) continue;
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) sourceFiles(full, out);
    else if (/\.(ts|mts|mjs|js)$/.test(name) && !name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

const NAME = '[A-Z][A-Z0-9]*_[A-Z0-9_]*|[A-Z]{3,}';
const READS = [
  // process.env.X, options.env.X, cluster.env?.X
  new RegExp(`\\benv\\??\\.(${NAME})\\b`, 'g'),
  // process.env['X']
  new RegExp(`\\benv\\[['"\`](${NAME})['"\`]\\]`, 'g'),
  // a zod env schema key: `  X: z.…`, `  X: flag…`, `  X: seconds(…)`, `  X: url(…)`
  new RegExp(`^\\s+(${NAME}):\\s*(?:z\\.|z$|flag\\b|seconds\\(|url\\()`, 'gm'),
  // a typed env parameter: `env: { OPENAI_API_KEY?: string; … }`
  new RegExp(`[{;,]\\s*(${NAME})\\?:\\s*string`, 'g'),
];

export function envVarsReadIn(text: string): Set<string> {
  const names = new Set<string>();
  for (const pattern of READS) for (const m of text.matchAll(pattern)) names.add(m[1]!);
  return names;
}

function configurationSection(readme: string): string {
  const start = readme.indexOf('### Configuration\n');
  expect(start, 'README has a "### Configuration" section').toBeGreaterThan(-1);
  const next = readme.slice(start + 1).search(/\n##{1,2} /);
  return next === -1 ? readme.slice(start) : readme.slice(start, start + 1 + next);
}

describe('environment variables', () => {
  it('finds the names in each way the code reads them', () => {
    const sample = [
      'const a = process.env.LOG_LEVEL ?? "info";',
      "const b = process.env['SIM_PORT'];",
      'port: options.env?.WORKER_HTTP_PORT,',
      'export const E = BaseEnv.extend({',
      '  INGEST_HOST: z.string().default("127.0.0.1"),',
      '  COOKIE_SECURE: flag.default(true),',
      '  SESSION_TTL: seconds(3600),',
      '});',
      'function f(env: { OPENAI_API_KEY?: string; OPENAI_BASE_URL?: string } = process.env) {}',
      'const notEnv = { FOO_BAR: 1 }; // not read from the environment',
    ].join('\n');
    expect([...envVarsReadIn(sample)].sort()).toEqual([
      'COOKIE_SECURE',
      'INGEST_HOST',
      'LOG_LEVEL',
      'OPENAI_API_KEY',
      'OPENAI_BASE_URL',
      'SESSION_TTL',
      'SIM_PORT',
      'WORKER_HTTP_PORT',
    ]);
  });

  it('every variable read anywhere is in the README Configuration section', () => {
    const files = [
      ...sourceFiles(path.join(root, 'apps')),
      ...sourceFiles(path.join(root, 'packages')),
      ...sourceFiles(path.join(root, 'prisma')),
      ...sourceFiles(path.join(root, 'test')),
    ].filter((file) => file !== import.meta.filename);
    const readBy = new Map<string, string>();
    for (const file of files)
      for (const name of envVarsReadIn(readFileSync(file, 'utf8')))
        if (!readBy.has(name)) readBy.set(name, path.relative(root, file));
    // The ones the issue named, so a scanner that finds nothing cannot pass.
    for (const name of ['SIM_PORT', 'WORKER_HTTP_PORT', 'INGEST_HOST', 'DATABASE_URL', 'CONSOLE_PORT'])
      expect(readBy.has(name), `${name} found in the code`).toBe(true);

    const section = configurationSection(readFileSync(path.join(root, 'README.md'), 'utf8'));
    const documented = new Set([...section.matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1]!));
    const missing = [...readBy]
      .filter(([name]) => !documented.has(name))
      .map(([name, file]) => `${name} (read in ${file})`);
    expect(missing, 'add these to the README "Configuration" tables').toEqual([]);
  });
});
