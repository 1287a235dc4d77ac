// `npm run build:workers`: the worker process as compiled JavaScript, so it runs on plain `node`
// without tsx's loader (a thread with a V8 heap of its own: 40–60 MB of RSS at start-up).
// esbuild bundles apps/workers/src/main.ts with the workspace packages (@invoicer/*, which
// export their .ts sources) into dist/workers/ as ESM; every other bare import (bullmq, pg,
// @prisma/client, …) stays external and is resolved from node_modules at run time, as under
// tsx. The handlers app.ts imports on their first job stay separate chunks, loaded as lazily
// as before.
//
//   node scripts/build-workers.mjs [--bench] [--sourcemap]
//
// --bench also builds the benchmark's child entries (test/bench/probe.ts, raw-worker.ts) into
// dist/bench/. --sourcemap writes .map files; run with `node --enable-source-maps` to use them
// (it costs memory, so the bench does not). dist/manifest.json maps each source entry to its
// output (read by test/bench/child.ts).
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as esbuild from 'esbuild';

const ROOT = path.resolve(import.meta.dirname, '..');
const DIST = path.join(ROOT, 'dist');

/** Output name (under dist/, without .js) → source entry (relative to the repository root). */
const WORKER_ENTRIES = { 'workers/main': 'apps/workers/src/main.ts' };
const BENCH_ENTRIES = {
  'bench/probe': 'test/bench/probe.ts',
  'bench/raw-worker': 'test/bench/raw-worker.ts',
};

/** Workspace packages are bundled in; any other bare specifier is left to Node at run time. */
const externalPackages = {
  name: 'external-packages',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('@invoicer/')) return undefined;
      if (path.isAbsolute(args.path)) return undefined;
      return { path: args.path, external: true };
    });
  },
};

const COMMON = {
  absWorkingDir: ROOT,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // As tsx: class and function names survive bundling (error.name, logs).
  keepNames: true,
  logLevel: 'warning',
  metafile: true,
  plugins: [externalPackages],
};

/**
 * Builds the entries into dist/ and returns the manifest (source entry → output file, relative
 * to the repository root). Each group is its own build, so the worker's chunks do not depend on
 * the bench's entries.
 */
export async function buildWorkers({ bench = false, sourcemap = false } = {}) {
  const groups = [['workers', WORKER_ENTRIES]];
  if (bench) groups.push(['bench', BENCH_ENTRIES]);
  const manifest = {};
  const externals = new Set();
  for (const [dir, entries] of groups) {
    rmSync(path.join(DIST, dir), { recursive: true, force: true });
    const result = await esbuild.build({
      ...COMMON,
      entryPoints: entries,
      outdir: DIST,
      splitting: true,
      chunkNames: `${dir}/chunks/[name]-[hash]`,
      sourcemap: sourcemap ? 'linked' : false,
    });
    for (const [out, src] of Object.entries(entries)) manifest[src] = `dist/${out}.js`;
    for (const output of Object.values(result.metafile.outputs))
      for (const imported of output.imports) if (imported.external) externals.add(imported.path);
  }
  // A bare import the bundle leaves to Node must resolve from dist/ as it does from the sources
  // (every workspace dependency is hoisted to the root node_modules).
  const unresolved = [...externals].filter((specifier) => {
    if (specifier.startsWith('node:')) return false;
    try {
      import.meta.resolve(specifier);
      return false;
    } catch {
      return true;
    }
  });
  if (unresolved.length) throw new Error(`cannot resolve from ${DIST}: ${unresolved.join(', ')}`);
  writeFileSync(
    path.join(DIST, 'manifest.json'),
    `${JSON.stringify({ sourcemap, entries: manifest }, null, 2)}\n`,
  );
  return manifest;
}

if (import.meta.filename === process.argv[1]) {
  const { values } = parseArgs({
    options: { bench: { type: 'boolean', default: false }, sourcemap: { type: 'boolean', default: false } },
  });
  const started = performance.now();
  const manifest = await buildWorkers(values);
  const ms = Math.round(performance.now() - started);
  for (const [src, out] of Object.entries(manifest)) console.log(`${src} → ${out}`);
  console.log(`built in ${ms} ms${values.sourcemap ? ' (with source maps: node --enable-source-maps)' : ''}`);
}
