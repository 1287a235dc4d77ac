// The short chaos run CI does (`npm run chaos -- --short`): about 200 jobs on the suite's own
// Postgres cluster and Redis while workers and ingest are killed and paused, Redis restarts,
// Postgres stops, and the simulator throws 429s, 5xx, slow answers, expired tokens and failures
// after commit. Every invariant must hold. Skipped (saying why) where pg_createcluster or
// redis-server is missing.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { missingTools } from './infra.ts';
import { ROOT } from './procs.ts';
import { printReport } from './report.ts';
import { runChaos, SHORT_OPTIONS } from './run.ts';

const missing = missingTools();
if (missing) console.warn(`chaos-short skipped: ${missing}`);

describe('chaos (short)', () => {
  it.skipIf(missing !== null)(
    `nothing lost, nothing posted twice, nothing posted unapproved, no process died${missing ? ` (skipped: ${missing})` : ''}`,
    async () => {
      const outDir = path.join(ROOT, '.data/chaos/short');
      const lines: string[] = [];
      const report = await runChaos({
        ...SHORT_OPTIONS,
        seed: 7,
        outDir,
        say: (line) => lines.push(line),
      });
      mkdirSync(outDir, { recursive: true });
      writeFileSync(path.join(outDir, 'chaos.json'), `${JSON.stringify(report, null, 2)}\n`);
      printReport(report, (line) => lines.push(line));
      const summary = lines.join('\n');

      // It was a real storm: a handful of faults of most kinds, after-commit failures included.
      expect(report.faults.count, summary).toBeGreaterThanOrEqual(SHORT_OPTIONS.minFaults!);
      expect(Object.keys(report.faults.byKind).length, summary).toBeGreaterThanOrEqual(9);
      expect(report.faults.byKind['st.after_commit'] ?? 0, summary).toBeGreaterThan(0);
      const lost = report.afterCommit as { errors: number; drops: number };
      expect(lost.errors + lost.drops, summary).toBeGreaterThan(0);
      expect(report.invariants.jobs, summary).toBe(SHORT_OPTIONS.jobs! + 3);

      expect(report.invariants.stuckRuns, summary).toEqual([]);
      expect(report.invariants.final + report.invariants.inReview, summary).toBe(report.invariants.jobs);
      expect(report.invariants.duplicates, summary).toEqual([]);
      expect(report.invariants.lostWrites, summary).toEqual([]);
      expect(report.invariants.unapproved, summary).toEqual([]);
      expect(report.processes.deaths, summary).toEqual([]);
      expect(report.auditChain.ok, summary).toBe(true);
      expect(report.chaos.drainMs, summary).not.toBeNull();
      expect(report.failures, summary).toEqual([]);
    },
    270_000,
  );
});
