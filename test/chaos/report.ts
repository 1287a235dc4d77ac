// The chaos run's summary as printed by `npm run chaos` (and the short test on failure).
import { type ChaosReport, DRAIN_TARGET_RATIO } from './run.ts';

const fmt = (ms: number | null | undefined) =>
  ms === null || ms === undefined ? '—' : `${(ms / 1000).toFixed(1)} s`;

export function printReport(r: ChaosReport, out: (line: string) => void = console.log): void {
  const inv = r.invariants;
  const mark = (ok: boolean) => (ok ? 'ok  ' : 'FAIL');
  out('');
  out(`chaos: ${r.chaos.jobs} jobs under ${r.faults.count} faults (seed ${r.options.seed})`);
  out(
    `  faults: ${Object.entries(r.faults.byKind)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ')}`,
  );
  out('');
  out(
    `  ${mark(inv.stuck === 0)} runs final ${inv.final}, in review ${inv.inReview}, stuck ${inv.stuck} (of ${inv.jobs} jobs; ${inv.runs} runs)`,
  );
  out(
    `  ${mark(inv.duplicateWrites === 0 && inv.lostWrites.length === 0)} duplicate ServiceTitan writes ${inv.duplicateWrites} (items appended ${inv.itemsAppended}, ledger appends ${inv.ledgerAppends}, lost ${inv.lostWrites.length})`,
  );
  out(
    `  ${mark(inv.unapprovedPosts === 0)} unapproved posts ${inv.unapprovedPosts} (invoices changed ${inv.invoicesChanged}, posts refused ${inv.postRefusals})`,
  );
  out(
    `  ${mark(r.processes.deaths.length === 0)} process deaths ${r.processes.deaths.length} (killed by the suite ${r.processes.killedBySuite}, refused to boot while a dependency was down ${r.processes.refusedBoot})`,
  );
  out(
    `  ${mark(r.auditChain.ok)} audit chain ${r.auditChain.ok ? 'intact' : 'BROKEN'} (${r.auditChain.events} events)`,
  );
  const ratio = r.drainRatio;
  out(
    `  ${ratio === null ? '    ' : mark(ratio <= DRAIN_TARGET_RATIO)} time to drain ${fmt(r.chaos.drainMs)} (faults for ${fmt(r.chaos.faultWindowMs)}, then ${fmt(r.chaos.afterFaultsMs)})` +
      (r.baseline
        ? `; fault-free ${fmt(r.baseline.drainMs)}; ratio ${ratio ?? '—'} (target ≤ ${DRAIN_TARGET_RATIO})`
        : '; no baseline (--baseline)'),
  );
  const ac = r.afterCommit as { errors?: number; drops?: number };
  out(
    `  also: ${inv.postedUnmarked.length} posted invoice(s) without our marker (Reviewed + "AI Draft Status"), ${inv.unconfirmedWrites} ledger row(s) never confirmed on settled runs; the simulator failed ${ac.errors ?? 0} write(s) with a 500 and dropped ${ac.drops ?? 0} after commit`,
  );
  out(
    `  runs:resume ${r.chaos.resume ? `used once at +${fmt(r.chaos.resume.atMs)} (active runs' jobs before: ${JSON.stringify(r.chaos.resume.jobStatesBefore)}): ${r.chaos.resume.output.replace(/\s+/g, ' ')}` : 'not needed'}`,
  );
  out(
    `  statuses ${JSON.stringify(inv.statuses)}; review reasons ${JSON.stringify(inv.reviewReasons)}; re-drives ${inv.redrives}`,
  );
  for (const s of inv.stuckRuns.slice(0, 10))
    out(
      `    stuck: job ${s.stJobId} run ${s.runId ?? '—'} ${s.status ?? ''}/${s.stage ?? ''}: ${s.why} ${s.job ? JSON.stringify(s.job) : ''}`,
    );
  for (const d of inv.duplicates.slice(0, 10))
    out(
      `    duplicate: job ${d.stJobId} run ${d.runId} invoice ${d.invoiceId} item ${d.itemId} (sku ${d.skuId}): ${d.why}`,
    );
  for (const u of inv.unapproved.slice(0, 10))
    out(
      `    unapproved: job ${u.stJobId} run ${u.runId} (${u.runStatus}): ${u.why}; ${u.changes.join(', ')}`,
    );
  for (const d of r.processes.deaths.slice(0, 10))
    out(`    death: ${d.name} pid ${d.pid} exit ${d.code ?? d.signal} at +${fmt(d.atMs)}\n${d.tail}`);
  out('');
  out(r.pass ? 'PASS: every invariant held' : `FAIL: ${r.failures.join('; ')}`);
}
