// Scores the evidence stage's outputs on a generated shop against its ground truth
// (_truth/evidence.json): sold-but-not-invoiced items, flagged photos, nameplate serials.
import type { EvidenceOutput } from '@invoicer/evidence';
import { parseNameplate } from '@invoicer/evidence';
import type { EvidenceTruth, PhotoKind } from '@invoicer/st-sim/generator';

/** Findings that send an item to review (as apps/workers/src/evidence/photo-evidence.ts). */
const REVIEW_KINDS = new Set([
  'wrong_day',
  'wrong_place',
  'reused',
  'nameplate_mismatch',
  'vision_contradicts',
]);

export interface JobRun {
  jobId: number;
  /** The draft's lines (skuId, quantity) and the evidence stage's output. */
  draft: { skuId: number; quantity: string }[];
  evidence: EvidenceOutput | null;
}

export interface Ratio {
  n: number;
  of: number;
  rate: number | null;
}
const ratio = (n: number, of: number): Ratio => ({ n, of, rate: of ? n / of : null });

export interface EvidenceScore {
  jobs: number;
  soldNotInvoiced: {
    truth: number;
    /** Already billed by the draft (the pipeline found it without the estimate). */
    drafted: number;
    /** Suggested by the evidence stage as sold but not invoiced. */
    suggested: number;
    missed: { jobId: number; skuCode: string }[];
    /** Reaches the reviewer: on the draft or suggested. */
    recall: Ratio;
    /** Of the items the draft lacks, the share the stage suggests. */
    stageRecall: Ratio;
    /** Of the stage's suggestions, the share that are truly sold-not-invoiced. */
    precision: Ratio;
    falseSuggestions: { jobId: number; skuId: number; skuName: string }[];
  };
  photos: {
    /** Injected bad photos flagged with their kind, per kind. */
    injected: Record<Exclude<PhotoKind, 'good'>, Ratio>;
    injectedAll: Ratio;
    goodFlagged: Ratio;
    goodFlaggedList: { attachmentId: number; kinds: string[] }[];
    /** Photos of replayed jobs the stage did not read at all. */
    unread: number;
    /** Reused photos whose original's job was not replayed (cannot be found; not scored). */
    reusedWithoutOriginal: number;
  };
  nameplates: {
    serialExact: Ratio;
    serialMisses: { attachmentId: number; serial: string; read: string | null }[];
  };
}

export function scoreEvidence(truth: EvidenceTruth, runs: JobRun[]): EvidenceScore {
  const byJob = new Map(runs.map((r) => [r.jobId, r]));
  // Sold but not invoiced, per (job, SKU).
  const truthKeys = new Map<string, { jobId: number; skuId: number; skuCode: string }>();
  for (const job of truth.jobs)
    if (byJob.has(job.jobId))
      for (const s of job.soldNotInvoiced)
        truthKeys.set(`${job.jobId}:${s.skuId}`, { jobId: job.jobId, skuId: s.skuId, skuCode: s.skuCode });
  const suggestions = runs.flatMap((r) =>
    (r.evidence?.estimates?.differences ?? [])
      .filter((d) => d.class === 'sold_not_invoiced')
      .map((d) => ({ jobId: r.jobId, skuId: d.skuId, skuName: d.skuName })),
  );
  const suggested = new Set(suggestions.map((s) => `${s.jobId}:${s.skuId}`));
  let drafted = 0;
  let found = 0;
  const missed: EvidenceScore['soldNotInvoiced']['missed'] = [];
  for (const [key, t] of truthKeys) {
    if (byJob.get(t.jobId)!.draft.some((l) => l.skuId === t.skuId)) drafted++;
    else if (suggested.has(key)) found++;
    else missed.push({ jobId: t.jobId, skuCode: t.skuCode });
  }
  const falseSuggestions = suggestions.filter((s) => !truthKeys.has(`${s.jobId}:${s.skuId}`));

  // Photos.
  const readIds = new Set(runs.flatMap((r) => r.evidence?.photos.map((p) => p.attachmentId) ?? []));
  const flagged = new Map<number, string[]>();
  for (const r of runs)
    for (const f of r.evidence?.findings ?? [])
      if (REVIEW_KINDS.has(f.kind))
        flagged.set(f.attachmentId, [...(flagged.get(f.attachmentId) ?? []), f.kind]);
  const photos = truth.photos.filter((p) => byJob.has(p.jobId));
  const kinds = ['wrong_day', 'wrong_place', 'reused'] as const;
  const scorable = photos.filter((p) => p.kind !== 'reused' || byJob.has(p.original!.jobId));
  const injected = Object.fromEntries(
    kinds.map((k) => {
      const of = scorable.filter((p) => p.kind === k);
      return [k, ratio(of.filter((p) => flagged.get(p.attachmentId)?.includes(k)).length, of.length)];
    }),
  ) as EvidenceScore['photos']['injected'];
  const good = photos.filter((p) => p.kind === 'good');
  const goodFlaggedList = good
    .filter((p) => flagged.has(p.attachmentId))
    .map((p) => ({ attachmentId: p.attachmentId, kinds: flagged.get(p.attachmentId)! }));

  // Nameplates: the serial parsed from the OCR text the stage kept, compared exactly.
  const ocr = new Map(
    runs.flatMap((r) => r.evidence?.photos.map((p) => [p.attachmentId, p.ocrText ?? null] as const) ?? []),
  );
  const plates = photos.filter((p) => p.nameplate);
  const serialMisses = plates.flatMap((p) => {
    const text = ocr.get(p.attachmentId);
    const read = text ? parseNameplate(text).serial : null;
    return read === p.nameplate!.serial
      ? []
      : [{ attachmentId: p.attachmentId, serial: p.nameplate!.serial, read }];
  });

  return {
    jobs: runs.length,
    soldNotInvoiced: {
      truth: truthKeys.size,
      drafted,
      suggested: found,
      missed,
      recall: ratio(drafted + found, truthKeys.size),
      stageRecall: ratio(found, truthKeys.size - drafted),
      precision: ratio(suggestions.length - falseSuggestions.length, suggestions.length),
      falseSuggestions,
    },
    photos: {
      injected,
      injectedAll: ratio(
        kinds.reduce((a, k) => a + injected[k].n, 0),
        kinds.reduce((a, k) => a + injected[k].of, 0),
      ),
      goodFlagged: ratio(goodFlaggedList.length, good.length),
      goodFlaggedList,
      unread: photos.filter((p) => !readIds.has(p.attachmentId)).length,
      reusedWithoutOriginal: photos.length - scorable.length,
    },
    nameplates: { serialExact: ratio(plates.length - serialMisses.length, plates.length), serialMisses },
  };
}

export const TARGETS = {
  soldRecall: 0.95,
  soldPrecision: 0.95,
  injectedFlagged: 1,
  goodFlagged: 0.02,
  serialExact: 0.9,
} as const;

const pct = (r: Ratio) => (r.rate === null ? 'n/a' : `${(100 * r.rate).toFixed(1)}% (${r.n}/${r.of})`);

export function formatScore(s: EvidenceScore): string {
  const sold = s.soldNotInvoiced;
  return [
    `jobs replayed: ${s.jobs}`,
    `sold but not invoiced: ${sold.truth} items — ${sold.drafted} already on the draft, ${sold.suggested} suggested by the stage, ${sold.missed.length} missed`,
    `  recall ${pct(sold.recall)} [target ≥ ${100 * TARGETS.soldRecall}%] · stage recall on items the draft lacks ${pct(sold.stageRecall)}`,
    `  precision ${pct(sold.precision)} [target ≥ ${100 * TARGETS.soldPrecision}%]`,
    `photos: injected flagged ${pct(s.photos.injectedAll)} [target 100%] — wrong day ${pct(s.photos.injected.wrong_day)}, wrong place ${pct(s.photos.injected.wrong_place)}, reused ${pct(s.photos.injected.reused)}`,
    `  good photos flagged ${pct(s.photos.goodFlagged)} [target ≤ ${100 * TARGETS.goodFlagged}%] · unread ${s.photos.unread} · reused with original not replayed ${s.photos.reusedWithoutOriginal}`,
    `nameplates: serial read exactly ${pct(s.nameplates.serialExact)} [target ≥ ${100 * TARGETS.serialExact}%]`,
  ].join('\n');
}

/** Targets not met, as sentences (empty when all are). */
export function unmetTargets(s: EvidenceScore): string[] {
  const out: string[] = [];
  const below = (r: Ratio, min: number, what: string) => {
    if (r.rate !== null && r.rate < min) out.push(`${what} ${pct(r)} < ${100 * min}%`);
  };
  below(s.soldNotInvoiced.recall, TARGETS.soldRecall, 'sold-not-invoiced recall');
  below(s.soldNotInvoiced.precision, TARGETS.soldPrecision, 'sold-not-invoiced precision');
  below(s.photos.injectedAll, TARGETS.injectedFlagged, 'injected photos flagged');
  below(s.nameplates.serialExact, TARGETS.serialExact, 'nameplate serials read');
  if (s.photos.goodFlagged.rate !== null && s.photos.goodFlagged.rate > TARGETS.goodFlagged)
    out.push(`good photos flagged ${pct(s.photos.goodFlagged)} > ${100 * TARGETS.goodFlagged}%`);
  return out;
}
