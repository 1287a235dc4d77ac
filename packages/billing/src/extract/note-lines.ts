// Turning chosen mentions into proposed lines. A mention of something the technician already
// billed confirms that item (its confidence rises); a mention of something not billed becomes
// an added line with its note span as provenance. Declined, quoted and negated mentions never
// become lines. Repeated mentions of one SKU merge (the largest stated quantity wins).
import { ACTION_WORDS } from '../text/lexicon.ts';
import type { Mention } from '../text/mentions.ts';
import { type CatalogSku, type ExistingItem, isFlatRateTask, type ProposedLine } from '../types.ts';
import { matchEvidence, poundsFromOunces, type ScoredCandidate, skuSoldBy, skuWords } from './match.ts';

/** One decision per mention, from the local chooser or a model. */
export interface MentionDecision {
  mentionId: string;
  skuId: number | null;
  quantity: number | null;
  billable: boolean;
  /** 0..1, the chooser's own certainty about the SKU. */
  confidence: number;
  reason: string;
}

export interface NoteLinesInput {
  mentions: Mention[];
  decisions: MentionDecision[];
  scored: Map<string, ScoredCandidate[]>;
  catalog: Map<number, CatalogSku>;
  existing: ExistingItem[];
  /**
   * How often the tenant's past jobs of this type billed a SKU (null: not enough history). A part
   * never billed on this kind of job is not added from a note.
   */
  plausibility?: (skuId: number) => { rate: number; jobs: number } | null;
  /** Of past jobs billed `given`, the share also billed `sku` (a faucet with its install). */
  pairRate?: (given: number, sku: number) => { rate: number; jobs: number };
  /** Share of all past jobs billed the SKU: what co-occurrence to expect by chance. */
  skuShare?: (sku: number) => number;
  /**
   * Of past jobs billed `given`, the share also billed flat-rate work (a service that is not
   * hourly labor): none, over enough jobs, means jobs billed that way are time and materials.
   */
  flatRateBeside?: (given: number) => { rate: number; jobs: number };
  /**
   * The shop's own convention, for a task with too little history of its own: over its past
   * flat-rate tasks that name a part, whether they are billed without it (the task includes it).
   */
  tasksIncludeParts?: boolean;
}

export interface NoteLinesResult {
  added: ProposedLine[];
  /** Existing item id → mentions that confirm it. */
  confirmations: Map<number, Mention[]>;
  /** Mentions with no confident SKU (shown to reviewers, never billed). */
  unmatched: Mention[];
  /** Non-billable mentions (declined, quoted, negated) with the SKU they refer to, if any. */
  nonBillable: { mention: Mention; skuId: number | null }[];
  /**
   * Parts the notes count ("2 worn belts") without a word of what was done, that neither the
   * invoice nor the draft bills: never billed, but open questions for the invoice's confidence.
   */
  unplaced: Mention[];
}

/** Unit-aware quantity: pounds for per-pound SKUs, feet for per-foot, else a count. */
function quantityFor(mention: Mention, decided: number | null, sku: CatalogSku): number {
  // "condenser coils (2 gal coil cleaner)": a measure counts a task only if it is sold by it.
  if (sku.kind === 'service' && mention.unit && mention.unit !== 'each' && !skuSoldBy(mention.unit, sku))
    return 1;
  const q = decided ?? mention.quantity ?? 1;
  if (mention.unit === 'oz') return poundsFromOunces(q);
  return q > 0 && q < 10_000 ? q : 1;
}

/** Kinds a note may add: parts and work. Fees, discounts and equipment come from rules, history or a person. */
const NOTE_ADDABLE = new Set(['material', 'service']);
/** The least score a best match needs to be taken at all. */
export const MIN_MATCH_SCORE = 0.42;

const MIN_SERVICE_SCORE = 0.6;
/** How close a runner-up must be to take over when the best SKU is already accounted for. */
const REASSIGN_MARGIN = 0.12;
/** An existing line this close to the best match is taken to cover the mention. */
const COVER_MARGIN = 0.2;
const MIN_PLAUSIBILITY_JOBS = 20;
const MIN_PAIR_JOBS = 5;
const PAIR_RATE = 0.3;
/** Confidence kept by a part the shop has never billed on this kind of job. */
const UNHEARD_OF_FACTOR = 0.75;

export function buildNoteLines(input: NoteLinesInput): NoteLinesResult {
  const byMention = new Map(input.mentions.map((m) => [m.id, m]));
  const added = new Map<number, ProposedLine>();
  const confirmations = new Map<number, Mention[]>();
  const unmatched: Mention[] = [];
  const nonBillable: NoteLinesResult['nonBillable'] = [];
  const topScore = (d: MentionDecision) => input.scored.get(d.mentionId)?.[0]?.score ?? 0;
  // Strongest matches first: each mention claims one line, a weaker one that lands on a line
  // already claimed moves to its runner-up when that is nearly as good ("7 20A breakers" next
  // to "6 20A AFCI breakers" are two different breakers).
  const claimed = new Set<number>();
  // Parts the notes count without saying what was done with them ("-> 2 worn belts (A38)").
  const counts: { mention: Mention; skuId: number }[] = [];
  const ordered = [...input.decisions].sort((a, b) => topScore(b) - topScore(a));
  // Whether the invoice is billed by time and materials: one answer for all its mentions.
  const hourly = timeAndMaterials(input);

  for (const decision of ordered) {
    const mention = byMention.get(decision.mentionId);
    if (!mention) continue;
    if (!decision.billable || !mention.billable) {
      nonBillable.push({ mention, skuId: decision.skuId });
      continue;
    }
    const scored = input.scored.get(mention.id) ?? [];
    let skuId = decision.skuId;
    // The item taken out ("the failed motor" of "replaced the failed motor with a 1/3 hp one") is
    // not a second item: it never moves to a runner-up.
    if (skuId !== null && claimed.has(skuId) && !mention.removed) {
      const best = scored.find((c) => c.sku.id === skuId)?.score ?? 0;
      const alternative = scored.find(
        (c) => !claimed.has(c.sku.id) && c.score >= best - REASSIGN_MARGIN && c.score >= MIN_MATCH_SCORE,
      );
      if (alternative) skuId = alternative.sku.id;
    }
    // The technician may have billed it under another SKU ("GFCI outlet install" covers the
    // receptacle; a 60A breaker line covers "50A breaker"): such a line confirms, never adds.
    const chosenCandidate = scored.find((c) => c.sku.id === skuId);
    const chosenScore = chosenCandidate?.score ?? 0;
    // Unless the shop bills the two together: "Replace lavatory faucet" (the work) does not
    // cover the faucet (the part) where past invoices usually carry both.
    const billedTogether = (cover: number) => {
      if (skuId === null) return false;
      const pair = input.pairRate?.(cover, skuId);
      if (pair === undefined || pair.jobs < MIN_PAIR_JOBS) return false;
      // Together at least as often as the part is billed at all: the line is beside it, not
      // for it (a shop-supplies kit does not cover "both supply lines").
      const share = input.skuShare?.(skuId);
      const independent = share !== undefined && pair.rate * pair.jobs >= 2 && pair.rate >= share;
      return pair.rate >= PAIR_RATE || independent;
    };
    // A flat-rate task the shop bills without the part ("Replace Condenser Fan Motor (up to 1/4
    // HP)" with no motor line on 5+ past jobs) includes it, whatever its spec wording costs it.
    const chosen = skuId === null ? undefined : input.catalog.get(skuId);
    // The shop bills the task without the part on enough jobs: the task includes it.
    const includes = (task: CatalogSku, part: CatalogSku, coverage: number) => {
      if (task.kind !== 'service' || part.kind !== 'material') return false;
      const pair = input.pairRate?.(task.id, part.id);
      return (
        (coverage >= 0.5 || namesPart(task, part)) &&
        pair !== undefined &&
        pair.rate === 0 &&
        // Too few jobs of the task to tell: what the shop does with such tasks in general.
        (pair.jobs >= MIN_PAIR_JOBS || input.tasksIncludeParts === true)
      );
    };
    const includesPart = (task: CatalogSku, coverage: number) => !!chosen && includes(task, chosen, coverage);
    // "Used 2 feet of 3/4 copper" is not the coupling on the invoice: a measured amount is
    // covered only by a line sold by that unit.
    const measuredIn = mention.unit !== null && mention.unit !== 'each' ? mention.unit : null;
    // "Ran five feet of 1/2 in. PEX" beside the technician's 5 ft of 3/4" PEX is that run, in
    // another size: the same measured amount of an item named as fully is the technician's line,
    // however its size lowers its score.
    const sameMeasure = (c: ScoredCandidate) =>
      measuredIn !== null &&
      c.components.coverage > 0 &&
      c.components.coverage >= (chosenCandidate?.components.coverage ?? 1) - 1e-9 &&
      input.existing.some((i) => i.skuId === c.sku.id && Number(i.quantity) === mention.quantity);
    const onInvoice = input.existing
      .map((i) => (i.skuId === null ? undefined : input.catalog.get(i.skuId)))
      .filter((s): s is CatalogSku => s !== undefined && s.id !== skuId);
    const cover =
      scored.find(
        (c) =>
          c.sku.id !== skuId &&
          input.existing.some((i) => i.skuId === c.sku.id) &&
          (measuredIn === null || skuSoldBy(measuredIn, c.sku)) &&
          (sameMeasure(c) ||
            (c.score >= 0.35 &&
              (c.score >= chosenScore - COVER_MARGIN || includesPart(c.sku, c.components.coverage)))) &&
          !billedTogether(c.sku.id),
      )?.sku ??
      // A task on the invoice whose name names the part, and that the shop never bills with it,
      // covers it however the note words the part ("capacitor 55+5 chg out"); the part on the
      // invoice covers such a task ("changed out the contactor" where the contactor is billed
      // by time and materials).
      onInvoice.find((task) => includesPart(task, 0)) ??
      (chosen ? onInvoice.find((part) => includes(chosen, part, 0)) : undefined);
    if (cover && !input.existing.some((i) => i.skuId === skuId)) skuId = cover.id;
    let sku = skuId !== null ? input.catalog.get(skuId) : undefined;
    if (!sku) {
      unmatched.push(mention);
      continue;
    }
    const existing = input.existing.find((i) => i.skuId === sku!.id);
    // A length is of a part sold by length: "12-2 wire x56'" is not 56 bags of wire connectors.
    if (!existing && mention.unit === 'foot' && sku.kind === 'material' && !skuSoldBy('foot', sku)) {
      unmatched.push(mention);
      continue;
    }
    // The old part says one came out, not which one went in: a question (when the notes say it
    // was worked on), not a line. It claims nothing: the part put in may bill or confirm it.
    if (mention.removed && sku.kind === 'material' && !existing) {
      if (mention.use !== 'none') unmatched.push(mention);
      continue;
    }
    if (!mention.removed) claimed.add(sku.id);
    if (existing) {
      confirmations.set(existing.id, [...(confirmations.get(existing.id) ?? []), mention]);
      // "INSTLD 2 GFCI RECEPT" confirms the install the technician billed; where the shop bills
      // that work with its part, the part the notes name is missing from the invoice.
      // The item taken out implies no part: the one put in is another mention's.
      const part =
        mention.use === 'none' || mention.removed
          ? undefined
          : partBilledWith(input, sku.id, scored, claimed);
      if (!part) continue;
      sku = part;
      skuId = part.id;
      claimed.add(part.id);
    }
    // On a time-and-materials invoice work is billed as labor and parts: the task the notes name
    // gives way to the part it names ("cont swapped" on an hourly job is the contactor).
    if (sku.kind === 'service' && mention.use === 'action' && hourly) {
      const task = sku;
      // The task's name names the part, so the part's own weak match (the note gives no size:
      // "Contactor 2-Pole 40A 24V Coil") does not count against it once the task matched well.
      const taskMatched = (scored.find((c) => c.sku.id === task.id)?.score ?? 0) >= MIN_SERVICE_SCORE;
      const part = scored.find(
        (c) =>
          c.sku.kind === 'material' &&
          (c.score >= 0.35 || taskMatched) &&
          !claimed.has(c.sku.id) &&
          namesPart(task, c.sku),
      )?.sku;
      const billed = part && input.existing.find((i) => i.skuId === part.id);
      if (billed) {
        confirmations.set(billed.id, [...(confirmations.get(billed.id) ?? []), mention]);
        continue;
      }
      if (part) {
        sku = part;
        skuId = part.id;
        claimed.add(part.id);
      }
    }
    // Work that will not be added, matched too weakly or never billed beside a line on the
    // invoice ("Reset Toilet with New Wax Ring" beside "Replace Toilet"), is not what the notes
    // name when a part scores nearly as well: "Installed one wax ring" is the ring.
    const taskScore = scored.find((c) => c.sku.id === sku!.id)?.score ?? 0;
    if (
      sku.kind === 'service' &&
      mention.use === 'action' &&
      (taskScore < MIN_SERVICE_SCORE || neverBilledBeside(input, sku.id))
    ) {
      const part = scored.find(
        (c) =>
          c.sku.kind === 'material' &&
          !claimed.has(c.sku.id) &&
          c.score >= Math.max(MIN_MATCH_SCORE, taskScore - REASSIGN_MARGIN) &&
          !input.existing.some((i) => i.skuId === c.sku.id),
      )?.sku;
      if (part) {
        sku = part;
        skuId = part.id;
        claimed.add(part.id);
      }
    }
    const best = scored.find((s) => s.sku.id === sku.id);
    // Only parts and work the notes say were used become lines; a bare mention ("checked the
    // furnace") or an equipment, fee or discount name does not.
    if (mention.use === 'none' && sku.kind === 'material' && counted(mention))
      counts.push({ mention, skuId: sku.id });
    if (mention.use === 'none' || !NOTE_ADDABLE.has(sku.kind)) continue;
    if (sku.kind === 'service' && (best?.score ?? 0) < MIN_SERVICE_SCORE) {
      // Work the notes say was done ("installed surge prot") that no task matches well enough
      // is left open, not dropped: the draft may be missing it. A lone verb ("swapped", where
      // the price book names tasks "Replace …") names no work of its own.
      if (mention.use === 'action' && mention.words.some((w) => !ACTION_WORDS.has(w)))
        unmatched.push(mention);
      continue;
    }
    // A part (material) never billed on this kind of job needs the notes to say plainly it was
    // used (a work verb); even then it is less sure than a part the shop bills on such jobs.
    const plausible = input.plausibility?.(sku.id);
    const unheardOf =
      plausible !== null &&
      plausible !== undefined &&
      plausible.jobs >= MIN_PLAUSIBILITY_JOBS &&
      plausible.rate === 0;
    // Work (a service) new to the job type is a task nobody does on such jobs: not added. Nor is
    // work the shop never bills beside a line already on the invoice (a flat-rate repair on a
    // job billed by the hour), when chance alone would have put them together often.
    if (
      (unheardOf && (mention.use !== 'action' || sku.kind !== 'material')) ||
      (sku.kind === 'service' && (neverBilledBeside(input, sku.id) || hourly))
    ) {
      unmatched.push(mention);
      continue;
    }
    const runnerUp = scored.find((s) => s.sku.id !== sku.id);
    const quantity = quantityFor(mention, decision.quantity, sku);
    const previous = added.get(sku.id);
    if (previous) {
      previous.quantity = String(Math.max(Number(previous.quantity), quantity));
      previous.confidence = Math.min(0.99, Math.max(previous.confidence, decision.confidence) + 0.03);
      previous.evidence.push(...(best ? matchEvidence(mention, best, runnerUp).slice(0, 1) : []));
      continue;
    }
    const reassigned = skuId !== decision.skuId;
    added.set(sku.id, {
      key: `note:${sku.id}`,
      skuId: sku.id,
      quantity: String(quantity),
      origin: 'added',
      existingItemId: null,
      provenance: {
        kind: 'note_span',
        noteIndex: mention.noteIndex,
        start: mention.start,
        end: mention.end,
        text: mention.text,
      },
      evidence: best
        ? matchEvidence(mention, best, runnerUp)
        : [
            {
              kind: 'note_span',
              detail: mention.text,
              span: { noteIndex: mention.noteIndex, start: mention.start, end: mention.end },
            },
          ],
      confidence:
        (reassigned ? Math.min(decision.confidence, 0.6) : decision.confidence) *
        (unheardOf ? UNHEARD_OF_FACTOR : 1),
      reason: `The notes say "${mention.text.trim()}" but the invoice does not bill ${sku.name}.`,
    });
  }
  // The notes also say this item was declined or only quoted ("offered a smoke/CO detector,
  // customer said no"): the explicit decision outweighs the other mention, so the line becomes a
  // suggestion for a person instead of going on the invoice.
  const declined = new Set(
    nonBillable.filter((n) => n.mention.polarity !== 'negated' && n.skuId !== null).map((n) => n.skuId),
  );
  for (const line of added.values()) {
    if (!declined.has(line.skuId)) continue;
    line.confidence = Math.min(line.confidence, CONFLICT_CONFIDENCE);
    line.evidence.push({ kind: 'note_span', detail: 'the notes also say this was declined or only quoted' });
  }
  // Counted but neither billed nor added: maybe replaced, maybe only found worn. Not a line,
  // but a question for a person that lowers the confidence.
  const unplaced = counts.filter((c) => !added.has(c.skuId)).map((c) => c.mention);
  return { added: [...added.values()], confirmations, unmatched, nonBillable, unplaced };
}

/**
 * What the notes name that the draft leaves open, for the invoice's confidence and the
 * reviewer: used items no SKU was placed for, and counted parts nobody bills.
 */
export function openMentions(result: Pick<NoteLinesResult, 'unmatched' | 'unplaced'>): Mention[] {
  return [...result.unmatched.filter((m) => m.use !== 'none'), ...result.unplaced];
}

/**
 * The task's name names the part: most of the part's name words are in it ("Replace Dual Run
 * Capacitor" and "Dual Run Capacitor 35/5 MFD 440V"), whatever the note's own wording.
 */
export function namesPart(task: CatalogSku, part: CatalogSku): boolean {
  const taskWords = skuWords(task).name;
  // Sizes and ratings ("35/5", "440v") tell variants apart; task names rarely carry them.
  const partWords = skuWords(part).sizeless;
  return partWords.length > 0 && partWords.filter((w) => taskWords.has(w)).length * 2 >= partWords.length;
}

/** Parts each flat-rate task names, per catalogue. */
const namedPartsCache = new WeakMap<Map<number, CatalogSku>, Map<number, Set<number>>>();

function namedParts(catalog: Map<number, CatalogSku>): Map<number, Set<number>> {
  let named = namedPartsCache.get(catalog);
  if (named) return named;
  named = new Map();
  // A part sold by a measure (refrigerant by the pound, pipe by the foot) is billed as used,
  // beside any task: not a part a task could include.
  const measures = ['lb', 'oz', 'foot', 'gallon', 'quart'] as const;
  const parts = [...catalog.values()].filter(
    (s) => s.kind === 'material' && !measures.some((unit) => skuSoldBy(unit, s)),
  );
  for (const task of catalog.values()) {
    if (!isFlatRateTask(task)) continue;
    const ids = new Set(parts.filter((p) => namesPart(task, p)).map((p) => p.id));
    if (ids.size) named.set(task.id, ids);
  }
  namedPartsCache.set(catalog, named);
  return named;
}

/** Jobs of named-part tasks the convention needs, and the share with the part that says "included". */
const MIN_CONVENTION_JOBS = 20;
const INCLUDED_AT_MOST = 0.2;

/**
 * Whether the shop bills its flat-rate tasks without the parts they name ("Replace Condenser Fan
 * Motor" with no motor line): over every past job of such a task, the share that also billed one
 * of the parts it names. `alsoBilled(task, matches)` is the history's co-billing rate.
 */
export function tasksIncludeParts(
  catalog: Map<number, CatalogSku>,
  alsoBilled: (task: number, matches: (skuId: number) => boolean) => { rate: number; jobs: number },
): boolean {
  let jobs = 0;
  let withPart = 0;
  for (const [task, parts] of namedParts(catalog)) {
    const billed = alsoBilled(task, (id) => parts.has(id));
    jobs += billed.jobs;
    withPart += billed.rate * billed.jobs;
  }
  return jobs >= MIN_CONVENTION_JOBS && withPart / jobs <= INCLUDED_AT_MOST;
}

/** A count of two or more in the note's own words: "2 worn belts", "(3) filters". */
function counted(mention: Mention): boolean {
  return (
    mention.polarity === 'neutral' &&
    mention.billable &&
    (mention.unit === 'each' || mention.unit === null) &&
    (mention.quantity ?? 0) >= 2
  );
}

/** Of past jobs billed a piece of work, the share that also billed the part for it to be implied. */
const PART_WITH_WORK_RATE = 0.6;

/** The part (material) a mention names that the shop bills with work already on the invoice. */
function partBilledWith(
  input: NoteLinesInput,
  workSkuId: number,
  scored: ScoredCandidate[],
  claimed: Set<number>,
): CatalogSku | undefined {
  if (!input.pairRate || input.catalog.get(workSkuId)?.kind !== 'service') return undefined;
  const billedWith = (skuId: number) => {
    const pair = input.pairRate!(workSkuId, skuId);
    return pair.jobs >= MIN_PAIR_JOBS && pair.rate >= PART_WITH_WORK_RATE;
  };
  return scored.find(
    (c) =>
      c.sku.kind === 'material' &&
      c.score >= MIN_MATCH_SCORE &&
      !claimed.has(c.sku.id) &&
      !input.existing.some((i) => i.skuId === c.sku.id) &&
      billedWith(c.sku.id),
  )?.sku;
}

/** How many co-occurrences chance predicts before "never together" means the shop keeps them apart. */
const MIN_EXPECTED_TOGETHER = 3;

function neverBilledBeside(input: NoteLinesInput, skuId: number): boolean {
  if (!input.pairRate || !input.skuShare) return false;
  const share = input.skuShare(skuId);
  return input.existing.some((item) => {
    if (item.skuId === null || item.skuId === skuId) return false;
    const pair = input.pairRate!(item.skuId, skuId);
    return pair.rate === 0 && pair.jobs * share >= MIN_EXPECTED_TOGETHER;
  });
}

/** Jobs billed a SKU this many times or more, none with a flat-rate task, make it time and materials. */
const MIN_TM_JOBS = 10;

/**
 * The invoice is billed by time and materials: a line on it (hourly labor, a commercial dispatch
 * fee) has, in the shop's history, never stood beside a flat-rate task over enough jobs. Work the
 * notes describe ("replaced the main shut-off") is then the labor's, not a task to add.
 */
function timeAndMaterials(input: NoteLinesInput): boolean {
  if (!input.flatRateBeside) return false;
  return input.existing.some((item) => {
    if (item.skuId === null) return false;
    const beside = input.flatRateBeside!(item.skuId);
    return beside.jobs >= MIN_TM_JOBS && beside.rate === 0;
  });
}

/** A line the notes both use and decline: kept below the draft threshold (a suggestion). */
const CONFLICT_CONFIDENCE = 0.35;

/** The deterministic choice: the best-scoring candidate when it is good enough and clearly ahead. */
export function decideFromScores(
  mention: { id: string; quantity: number | null; billable: boolean },
  ranked: { skuId: number; code: string; score: number }[],
  minScore = MIN_MATCH_SCORE,
): MentionDecision {
  const [best, second] = ranked;
  if (!best || best.score < minScore) {
    return {
      mentionId: mention.id,
      skuId: null,
      quantity: mention.quantity,
      billable: mention.billable,
      confidence: 0,
      reason: 'no price-book entry matches well enough',
    };
  }
  const margin = best.score - (second?.score ?? 0);
  // Certainty grows with the score and with the lead over the runner-up.
  const confidence = Math.max(
    0,
    Math.min(
      0.97,
      0.35 + 0.45 * best.score + 0.6 * Math.min(margin, 0.3) + (mention.quantity !== null ? 0.03 : 0),
    ),
  );
  return {
    mentionId: mention.id,
    skuId: best.skuId,
    quantity: mention.quantity,
    billable: mention.billable,
    confidence,
    reason: `best match ${best.code} (score ${best.score.toFixed(2)}, lead ${margin.toFixed(2)})`,
  };
}
