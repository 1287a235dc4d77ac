// The pure billing work of the burst's invoices, measured in the same run: each run's saved
// extract output holds its JobContext; with the tenant's knowledge from a TenantRuntime on the
// bench database (catalogue, vocabulary, history model, conventions, settings, as the workers
// get them), the functions the stages call from @invoicer/billing (and the local deterministic
// chooser from @invoicer/ai) are run again in this process, and their CPU time is taken with
// process.cpuUsage():
//   extract: findJobMentions, candidate assembly and scoring (mentionCandidates, as the extract
//            stage does), the local chooser, buildNoteLines;
//   detect:  detectStage (rules, learned policy, labor, validation);
//   price:   priceStage;
//   draft:   draftStage (tax, totals, diff, confidence);
//   route:   routeStage.
// What is not billing is done first and not timed: loading the inputs and the knowledge, and the
// retrieval SQL (searchSkus, historyLineVotes) whose hits the scoring reads. One untimed pass
// over some runs warms the JIT first, as the worker was warm. The replayed draft and routing are
// compared with the saved ones: the measured work is the work the workers did.
import { mkdirSync, writeFileSync } from 'node:fs';
import { chooseInputFor, chooseWithFallback, LocalProvider } from '@invoicer/ai';
import {
  buildNoteLines,
  detectStage,
  draftStage,
  findJobMentions,
  type JobContext,
  type Mention,
  mentionCandidates,
  noteLineEvidence,
  openMentions,
  priceStage,
  routeStage,
  type TenantKnowledge,
} from '@invoicer/billing';
import type { TenantSettings } from '@invoicer/core';
import { createDb, historyLineVotes, searchSkus } from '@invoicer/db';
import { createLogger } from '@invoicer/platform';
import { TenantRuntime } from '@invoicer/tenant';
import { Redis } from 'ioredis';
import pg from 'pg';
import { round, type Summary, summarize } from './stats.ts';

/** As the extract stage asks (apps/workers/src/stages/extract.ts). */
const CANDIDATES_PER_MENTION = 8;
const WARM_RUNS = 30;
const STEPS = ['extract', 'detect', 'price', 'draft', 'route'] as const;
type Step = (typeof STEPS)[number];

export interface PureBillingResult {
  runs: number;
  /** CPU ms per invoice (process.cpuUsage: user + system) of the pure functions, in total and by stage. */
  cpuMsPerInvoice: number;
  byStage: Record<Step, number>;
  perInvoiceMs: Summary;
  /** Runs whose replayed draft document and routing equal the saved ones. */
  identical: number;
  /** Runs that could not be replayed (no saved extract output). */
  skipped: number;
}

interface Prepared {
  runId: string;
  context: JobContext;
  completedOn: Date;
  settings: TenantSettings;
  retrieved: Map<string, { hits: { stId: number; similarity: number }[]; votes: Map<number, number> }>;
  saved: { draft: unknown; route: unknown };
  /** The saved extract output's open mentions and candidates, for BENCH_DIFF_DIR. */
  savedExtract: unknown;
}

/** jsonb reorders keys and drops undefined: compare in one canonical form. */
function canonical(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v && typeof v === 'object')
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, sort((v as Record<string, unknown>)[k])]),
      );
    return v;
  };
  return JSON.stringify(sort(JSON.parse(JSON.stringify(value ?? null))));
}

/** A saved stage output is `{ value, next }` (runner.ts); tolerate a bare value. */
function savedValue(output: unknown): unknown {
  return output && typeof output === 'object' && 'value' in output
    ? (output as { value: unknown }).value
    : output;
}

const cpuNow = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/** The extract stage's work after retrieval, then detect, price, draft and route, as the workers chain them. */
async function bill(
  p: Prepared,
  knowledge: TenantKnowledge,
  local: LocalProvider,
  times: Record<Step, number> | null,
) {
  const { context } = p;
  let mark = cpuNow();
  const lap = (step: Step) => {
    if (!times) return;
    const now = cpuNow();
    times[step] += now - mark;
    mark = now;
  };
  const mentions = findJobMentions(context, knowledge);
  const scored = mentionCandidates(
    mentions,
    mentions.map((m) => p.retrieved.get(m.id) ?? { hits: [], votes: new Map<number, number>() }),
    context,
    knowledge,
  );
  const input = chooseInputFor(context, mentions, scored);
  const chosen = await chooseWithFallback(local, input, knowledge.settings.ai.timeoutMs);
  const lines = buildNoteLines({
    mentions,
    decisions: chosen.decisions,
    scored,
    catalog: knowledge.catalogById,
    existing: context.invoice.items,
    ...noteLineEvidence(context, knowledge),
  });
  lap('extract');
  const detected = detectStage(context, knowledge, {
    mentions,
    noteLines: lines.added,
    confirmations: lines.confirmations as Map<number, Mention[]>,
    nonBillable: lines.nonBillable.map((n) => ({ mentionId: n.mention.id, skuId: n.skuId })),
  });
  lap('detect');
  const priced = priceStage(context, knowledge, detected.lines);
  lap('price');
  const open = openMentions(lines);
  const document = draftStage(context, knowledge, {
    lines: priced,
    flags: detected.flags,
    // As the draft stage counts them (extract's unmatchedMentionIds): used items no SKU was
    // placed for, and counted parts nobody bills.
    unmatchedBillableMentions: open.length,
    features: detected.features,
    suggestions: detected.suggestions,
  });
  lap('draft');
  const decision = routeStage(context, document, p.settings);
  lap('route');
  return { document, decision, open, scored };
}

export async function measurePureBilling(options: {
  databaseUrl: string;
  redisUrl: string;
  tenantId: string;
  prefix: string;
  credentialsKey: Buffer;
  /** The measured runs' ST job ids. */
  stJobIds: number[];
}): Promise<PureBillingResult> {
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 2 });
  pool.on('error', () => {});
  const db = createDb(options.databaseUrl, { poolSize: 4 });
  // Knowledge needs no Redis (only the ServiceTitan client does): never connected.
  const redis = new Redis(options.redisUrl, { lazyConnect: true });
  const runtime = new TenantRuntime({
    db,
    redis,
    prefix: options.prefix,
    credentialsKey: options.credentialsKey,
    log: createLogger({ name: 'bench-billing', level: 'error' }),
  });
  try {
    const { rows } = await pool.query<{ id: string; stage: string; output: unknown }>(
      `SELECT r.id, so.stage, so.output
         FROM pipeline_runs r JOIN stage_outputs so ON so.run_id = r.id
        WHERE r.tenant_id = $1 AND r.st_job_id = ANY($2::bigint[]) AND so.stage = ANY($3::text[])
        ORDER BY r.created_at, r.id`,
      [options.tenantId, options.stJobIds, ['extract', 'draft', 'route']],
    );
    const byRun = new Map<string, Record<string, unknown>>();
    for (const row of rows) {
      const outputs = byRun.get(row.id) ?? {};
      outputs[row.stage] = savedValue(row.output);
      byRun.set(row.id, outputs);
    }
    const settings = await runtime.settings(options.tenantId);
    const prepared: Prepared[] = [];
    for (const [runId, outputs] of byRun) {
      const context = (outputs.extract as { context?: JobContext } | undefined)?.context;
      if (!context) continue;
      const saved = { draft: outputs.draft, route: outputs.route };
      const completedOn = new Date(context.job.completedOn);
      const { unmatchedMentionIds, candidates, mentions } = (outputs.extract ?? {}) as Record<
        string,
        unknown
      >;
      const savedExtract = { unmatchedMentionIds, candidates, mentions };
      prepared.push({ runId, context, completedOn, settings, retrieved: new Map(), saved, savedExtract });
    }
    // In completion order, so each day's history model is built once and then advanced (the
    // runtime advances its newest model in place).
    prepared.sort((a, b) => a.completedOn.getTime() - b.completedOn.getTime());
    const knowledgeFor = (p: Prepared) => runtime.knowledge(options.tenantId, p.completedOn);
    for (const p of prepared) {
      const knowledge = await knowledgeFor(p);
      for (const mention of findJobMentions(p.context, knowledge)) {
        const [hits, votes] = await Promise.all([
          searchSkus(db, options.tenantId, mention.text, mention.words, CANDIDATES_PER_MENTION),
          historyLineVotes(db, options.tenantId, mention.text, p.completedOn),
        ]);
        p.retrieved.set(mention.id, { hits, votes });
      }
    }
    // The knowledge is asked for just before each run, as a stage does; that lookup is not timed.
    const local = new LocalProvider();
    for (const p of prepared.slice(0, WARM_RUNS)) await bill(p, await knowledgeFor(p), local, null);
    const byStage: Record<Step, number> = { extract: 0, detect: 0, price: 0, draft: 0, route: 0 };
    const perInvoice: number[] = [];
    let identical = 0;
    for (const p of prepared) {
      const times: Record<Step, number> = { extract: 0, detect: 0, price: 0, draft: 0, route: 0 };
      const { document, decision, open, scored } = await bill(p, await knowledgeFor(p), local, times);
      let ms = 0;
      for (const step of STEPS) {
        byStage[step] += times[step];
        ms += times[step];
      }
      perInvoice.push(ms);
      if (
        canonical(document) === canonical(p.saved.draft) &&
        canonical(decision) === canonical(p.saved.route)
      )
        identical += 1;
      else if (process.env.BENCH_DIFF_DIR)
        dumpDifference(
          p.runId,
          { draft: document, route: decision, open: open.map((m) => m.id), scored: [...scored] },
          { ...p.saved, extract: p.savedExtract },
        );
    }
    const n = Math.max(1, prepared.length);
    return {
      runs: prepared.length,
      cpuMsPerInvoice: round(perInvoice.reduce((s, v) => s + v, 0) / n, 2),
      byStage: Object.fromEntries(STEPS.map((s) => [s, round(byStage[s] / n, 2)])) as Record<Step, number>,
      perInvoiceMs: summarize(perInvoice),
      identical,
      skipped: options.stJobIds.length - prepared.length,
    };
  } finally {
    redis.disconnect();
    await db.$disconnect().catch(() => {});
    await pool.end().catch(() => {});
  }
}

/** BENCH_DIFF_DIR=<dir>: write each run whose replay differs (saved and replayed), to find why. */
function dumpDifference(runId: string, replayed: unknown, saved: unknown): void {
  const dir = process.env.BENCH_DIFF_DIR!;
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}/${runId}.json`, JSON.stringify({ replayed, saved }, null, 1));
}
