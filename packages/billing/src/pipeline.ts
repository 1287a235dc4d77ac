// The billing stages as pure functions over typed inputs. Workers load the context and the
// tenant's knowledge (catalogue, vocabulary, history model, settings), call these, persist the
// outputs and enqueue the next stage. Retrieval and the model's choice are the only async
// steps and happen in the worker between `findJobMentions` and `noteLines`.
import type { TenantSettings } from '@invoicer/core';
import { companionLines } from './detect/companion-lines.ts';
import {
  ALL_CONCEPTS,
  conceptOfSku,
  conceptSkuIds,
  conceptSkus,
  type RuleConcept,
} from './detect/concepts.ts';
import { learnedSuggestions } from './detect/learned.ts';
import { withMeasuredQuantities } from './detect/measured-quantity.ts';
import {
  isPartOf,
  type PolicyInput,
  policyLines,
  policyMissingRisk,
  policyPredictions,
} from './detect/policy-lines.ts';
import { applyRulePack, RulePack, similarJobFeatures } from './detect/rules.ts';
import { validate } from './detect/validate.ts';
import { combineConfidence, mergeProposals, TECHNICIAN_ITEM_CONFIDENCE } from './draft/confidence.ts';
import { buildDraft, type DraftDocument } from './draft/draft.ts';
import { applyReviewerVerdicts, type ReviewerVerdicts } from './draft/reviewer-verdicts.ts';
import { skuWords } from './extract/match.ts';
import { namesPart } from './extract/note-lines.ts';
import { jobFeatures, skuTags, technicianItemInputs, type WorkingHours } from './history/features.ts';
import type { HistoryModel } from './history/model.ts';
import { laborLines, laborSkus } from './price/labor.ts';
import { priceLines } from './price/pricing.ts';
import { type RouteDecision, routeDraft } from './route/policy.ts';
import { ACTION_WORDS, WAIVER_PATTERNS } from './text/lexicon.ts';
import { findMentions, type Mention } from './text/mentions.ts';
import { htmlToText } from './text/tokens.ts';
import type { Vocabulary } from './text/vocabulary.ts';
import type { CatalogSku, Flag, JobContext, PricedLine, ProposedLine } from './types.ts';

export interface TenantKnowledge {
  catalog: CatalogSku[];
  catalogById: Map<number, CatalogSku>;
  vocabulary: Vocabulary;
  model: HistoryModel;
  jobTypeNames: Map<number, string>;
  settings: TenantSettings;
  /** What reviewers did with the lines our past drafts added, per SKU (none in a backtest). */
  reviewerVerdicts?: ReviewerVerdicts;
}

export function workingHours(settings: TenantSettings): WorkingHours {
  const r = settings.rules.afterHours;
  return { timezone: r.timezone, start: r.businessHoursStart, end: r.businessHoursEnd, weekends: r.weekends };
}

/** Notes plus the job summary (as note -1), as plain text. */
export function noteTexts(context: JobContext): { index: number; text: string }[] {
  return context.notes.map((n) => ({ index: n.index, text: n.index === -1 ? htmlToText(n.text) : n.text }));
}

export function findJobMentions(context: JobContext, knowledge: TenantKnowledge): Mention[] {
  const requests = requestNotes(context);
  return findMentions(noteTexts(context), knowledge.vocabulary).mentions.map((m) =>
    // What the customer asked for at booking ("Replace smoke detectors") is not evidence that
    // it was done: such a mention can confirm a billed item but never add one.
    requests.has(m.noteIndex) && m.use !== 'none' ? { ...m, use: 'none' as const } : m,
  );
}

/**
 * Notes written before anyone was due on site: the job summary, and notes created before the
 * first appointment started. They describe the request, not the work.
 */
export function requestNotes(context: JobContext): Set<number> {
  const starts = context.appointments.map((a) => Date.parse(a.start)).filter((t) => !Number.isNaN(t));
  const firstStart = starts.length ? Math.min(...starts) : null;
  const out = new Set<number>();
  for (const note of context.notes) {
    const created = note.createdOn ? Date.parse(note.createdOn) : Number.NaN;
    if (note.index === -1 || (firstStart !== null && created < firstStart)) out.add(note.index);
  }
  return out;
}

export function featuresOf(
  context: JobContext,
  mentions: Mention[],
  settings: TenantSettings,
  catalogById?: Map<number, CatalogSku>,
): string[] {
  const tagsOf = (id: number) => {
    const sku = catalogById?.get(id);
    return sku ? skuTags(sku) : [];
  };
  return jobFeatures(
    {
      ...technicianItemInputs(context.invoice.items, tagsOf),
      appointmentCount: context.appointments.length,
      recallDays: recallDays(context),
      customerTagIds: context.customer.tagTypeIds,
      customerFields: context.customer.customFields ?? [],
      taxZoneId: context.location.taxZoneId ?? context.taxZone?.id ?? null,
      city: context.location.city ?? null,
      jobTypeId: context.job.jobTypeId,
      businessUnitId: context.job.businessUnitId,
      appointmentStarts: context.appointments.map((a) => a.start),
      technicianSkuIds: context.invoice.items.flatMap((i) => (i.skuId !== null ? [i.skuId] : [])),
      technicianItemTypes: [...new Set(context.invoice.items.map((i) => i.type))],
      membershipActive: context.membership?.active === true,
      customerType: context.customer.type,
      technicianIds: [...new Set(context.labor.map((l) => l.technicianId))],
      recall: Boolean(context.job.recallForId),
      soldEstimateSkuIds: context.soldEstimateSkuIds,
      mentions,
    },
    workingHours(settings),
  );
}

/** Days between the recalled job's completion and this one's, when the prior job is known. */
export function recallDays(context: JobContext): number | null {
  const original = context.job.recallForId
    ? context.priorJobs.find((p) => p.jobId === context.job.recallForId)
    : undefined;
  if (!original) return null;
  return (Date.parse(context.job.completedOn) - Date.parse(original.completedOn)) / 86_400_000;
}

/** The technician's items as lines; notes that mention them raise their confidence. */
export function technicianLines(context: JobContext, confirmations: Map<number, Mention[]>): ProposedLine[] {
  return context.invoice.items.map((item) => {
    const confirming = confirmations.get(item.id) ?? [];
    return {
      key: `item:${item.id}`,
      skuId: item.skuId ?? -1,
      quantity: item.quantity,
      origin: 'technician' as const,
      existingItemId: item.id,
      provenance: { kind: 'technician_item' as const, itemId: item.id },
      evidence: confirming.map((m) => ({
        kind: 'note_span' as const,
        detail: `notes agree: "${m.text}"`,
        span: { noteIndex: m.noteIndex, start: m.start, end: m.end },
      })),
      confidence: confirming.length
        ? Math.min(0.99, TECHNICIAN_ITEM_CONFIDENCE + 0.03)
        : TECHNICIAN_ITEM_CONFIDENCE,
      reason: confirming.length
        ? 'Entered by the technician and confirmed by the notes.'
        : 'Entered by the technician.',
      unitPriceOverride: item.unitPrice,
    };
  });
}

/** Concepts the lines already cover, so a rule does not add a second trip charge. */
function coveredTags(skus: CatalogSku[], catalog: CatalogSku[]): Set<string> {
  const tags = new Set<string>(skus.map((s) => s.kind));
  for (const concept of [
    'tripCharge',
    'diagnosticFee',
    'afterHours',
    'disposal',
    'refrigerant',
    'consumables',
    'permits',
  ] as RuleConcept[]) {
    const ids = conceptSkuIds(concept, catalog);
    if (skus.some((s) => ids.has(s.id))) tags.add(concept === 'diagnosticFee' ? 'diagnostic' : concept);
  }
  return tags;
}

export interface DetectResult {
  lines: ProposedLine[];
  suggestions: ProposedLine[];
  flags: Flag[];
  features: string[];
}

export function detectStage(
  context: JobContext,
  knowledge: TenantKnowledge,
  input: {
    mentions: Mention[];
    noteLines: ProposedLine[];
    confirmations: Map<number, Mention[]>;
    nonBillable?: { mentionId: string; skuId: number | null }[];
  },
): DetectResult {
  const { settings, catalogById, model } = knowledge;
  const features = featuresOf(context, input.mentions, settings, catalogById);
  const techLines = technicianLines(context, input.confirmations);
  const billed = [...techLines, ...input.noteLines];
  const billedSkus = billed
    .map((l) => catalogById.get(l.skuId))
    .filter((s): s is CatalogSku => s !== undefined);
  const billedSkuIds = new Set(billed.map((l) => l.skuId));
  const waived = withPartsNamed(
    withTasksOfParts(
      new Set((input.nonBillable ?? []).flatMap((n) => (n.skuId !== null ? [n.skuId] : []))),
      knowledge.catalog,
      catalogById,
    ),
    input.mentions,
    input.nonBillable ?? [],
    knowledge.catalog,
  );
  const ruleInput = {
    context,
    catalog: knowledge.catalog,
    rules: settings.rules,
    hours: workingHours(settings),
    model,
    mentions: input.mentions,
    features,
    billedSkuIds,
    waivedSkuIds: waived,
    billedKinds: coveredTags(billedSkus, knowledge.catalog),
  };
  const rules = applyRulePack(ruleInput);
  const pack = new RulePack(ruleInput);
  // The shop's learned policy decides, for each SKU it has seen the office add, whether this job
  // gets it; the hand-written rules are the prior for SKUs it has too little history on.
  const forbidden = forbiddenSkus(knowledge);
  const policyInput: PolicyInput = {
    model,
    features,
    catalog: catalogById,
    jobTypeNames: knowledge.jobTypeNames,
    billedSkuIds,
    waivedSkuIds: waived,
    forbiddenSkuIds: forbidden,
    // The notes waive the concept ("no trip fee - callback", "permit pulled by the builder").
    // (Whether another of its SKUs rules it out is the policy's own to learn: a troubleshooting
    // credit goes with the troubleshooting fee, a second trip charge does not.)
    covered: (skuId) => {
      const concept = conceptOfSku(knowledge.catalog, skuId);
      return concept !== null && pack.waived(concept);
    },
  };
  const firstPolicy = policyLines(policyInput);
  // Only policy lines sure enough for the draft shut companions out: one whose quantity the
  // policy is unsure of yields to a companion, which bills the part at its task's quantity.
  const surePolicyAdds = firstPolicy.lines.filter((l) => l.confidence >= ADD_THRESHOLD).map((l) => l.skuId);
  const companions = companionLines({
    model,
    catalog: catalogById,
    billed,
    excluded: new Set([...billedSkuIds, ...waived, ...forbidden, ...surePolicyAdds]),
    predictions: firstPolicy.predictions,
  });
  // A part a task brings is a part of the job for the policy too (its trees read "no angle stop
  // billed" as "no angle stop replaced"): the policy runs again with the sure ones on the invoice.
  const isPart = isPartOf(catalogById);
  const companionParts = companions
    .filter((c) => c.confidence >= ADD_THRESHOLD && isPart(c.skuId))
    .map((c) => c.skuId);
  const policy = companionParts.length
    ? policyLines({ ...policyInput, billedSkuIds: new Set([...billedSkuIds, ...companionParts]) })
    : firstPolicy;
  const policyAdds = new Set(policy.lines.map((l) => l.skuId));
  // Where the policy governs a SKU its decision stands. Two rules read this job's own facts and
  // stay: refrigerant the notes say was charged, and disposal (the units the notes say were
  // hauled away), the latter only when the policy adds it too.
  const measured = (l: ProposedLine) =>
    l.provenance.kind === 'rule' && (l.provenance.rule === 'refrigerant' || l.provenance.rule === 'disposal');
  const rulesKept = rules.filter(
    (l) =>
      !policy.governed.has(l.skuId) ||
      (l.provenance.kind === 'rule' && l.provenance.rule === 'refrigerant') ||
      (policyAdds.has(l.skuId) && measured(l)),
  );
  const learned = learnedSuggestions(
    {
      model,
      features,
      catalog: catalogById,
      billedSkuIds,
      minSupport: settings.rules.learnedMinSupport,
      minConfidence: settings.rules.learnedMinConfidence,
    },
    knowledge.jobTypeNames,
  );
  // Concepts with an enabled rule, hourly labor, anything the notes waived and anything the
  // learned policy governs have careful logic of their own; single-feature patterns defer.
  const hourly = new Set(laborSkus(knowledge.catalog).map((s) => s.id));
  const learnedKept = learned.filter((l) => {
    const concept = conceptOfSku(knowledge.catalog, l.skuId);
    return (
      !(concept && settings.rules[concept].enabled) &&
      !hourly.has(l.skuId) &&
      !waived.has(l.skuId) &&
      !policy.governed.has(l.skuId)
    );
  });
  const labor = laborLines({
    context,
    catalog: knowledge.catalog,
    model,
    pricing: settings.pricing,
    similarJobs: similarJobFeatures(features, context),
  });
  const companionSkus = new Set(companions.map((c) => c.skuId));
  const merged = mergeProposals([
    ...input.noteLines,
    ...rulesKept,
    ...policy.lines.filter((l) => !hourly.has(l.skuId) && !companionSkus.has(l.skuId)),
    ...companions,
    ...learnedKept,
    ...labor.filter((l) => l.origin === 'added'),
  ]);
  const proposals = applyReviewerVerdicts(
    withMeasuredQuantities(merged, catalogById, input.mentions),
    knowledge.reviewerVerdicts,
  );
  // Only what is more likely right than wrong goes on the draft; the rest stays a suggestion
  // the reviewer sees (and counts against the invoice's confidence).
  const suggestions = proposals.filter((l) => l.confidence < ADD_THRESHOLD);
  const lines = [...techLines, ...proposals.filter((l) => l.confidence >= ADD_THRESHOLD)];
  const described = lines.map((l) => {
    const sku = catalogById.get(l.skuId);
    const existing = context.invoice.items.find((i) => i.id === l.existingItemId);
    return {
      ...l,
      skuCode: sku?.code ?? existing?.skuCode ?? String(l.skuId),
      skuName: sku?.name ?? existing?.description ?? '',
      description: existing?.description ?? sku?.name ?? '',
    };
  });
  const flags = validate({
    context,
    lines: described,
    catalog: catalogById,
    model,
    declined: declinedSkus(input.mentions, input.nonBillable ?? []),
    membershipDiscountSkuIds: knowledge.catalog
      .filter((s) => s.kind === 'discount' && /member/i.test(`${s.name} ${s.code}`))
      .map((s) => s.id),
  });
  // Hours the technician entered are kept (offices mostly bill what the technician entered);
  // a difference from the timesheets is shown, not silently changed.
  for (const line of labor.filter((l) => l.origin === 'changed')) {
    const entered = context.invoice.items.find((i) => i.id === line.existingItemId);
    flags.push({
      code: 'labor_hours_differ',
      severity: 'info',
      lineKey: `item:${line.existingItemId}`,
      message: `${entered?.skuCode ?? 'Labor'} is billed at ${entered?.quantity ?? '?'} h; the timesheets show ${line.quantity} h.`,
      evidence: line.evidence,
    });
  }
  return { lines, suggestions, flags, features };
}

/**
 * Declining a part declines the task that installs it: "rec exp tank - cust wants to wait"
 * waives "Install Thermal Expansion Tank (labor)" as well as the tank.
 */
export function withTasksOfParts(
  waived: Set<number>,
  catalog: readonly CatalogSku[],
  catalogById: Map<number, CatalogSku>,
): Set<number> {
  const parts = [...waived].flatMap((id) => {
    const sku = catalogById.get(id);
    return sku?.kind === 'material' ? [sku] : [];
  });
  if (!parts.length) return waived;
  const out = new Set(waived);
  for (const sku of catalog)
    if (sku.kind === 'service' && parts.some((part) => namesPart(sku, part))) out.add(sku.id);
  return out;
}

/**
 * The parts a non-billable mention names, whatever SKU its words matched best: "they had their
 * own faucet" (matched to the faucet install the technician billed) is no faucet of ours, so no
 * policy or rule adds one. A part is named when its name has every item word of the mention.
 */
export function withPartsNamed(
  waived: Set<number>,
  mentions: Mention[],
  nonBillable: { mentionId: string }[],
  catalog: readonly CatalogSku[],
): Set<number> {
  const byId = new Map(mentions.map((m) => [m.id, m]));
  const wordLists = nonBillable.flatMap(({ mentionId }) => {
    const mention = byId.get(mentionId);
    if (!mention || !notOurs(mention)) return [];
    const words = mention.words.filter((w) => !ACTION_WORDS.has(w));
    return words.length ? [words] : [];
  });
  if (!wordLists.length) return waived;
  const out = new Set(waived);
  for (const sku of catalog) {
    if (sku.kind !== 'material' && sku.kind !== 'equipment') continue;
    const name = skuWords(sku).name;
    if (wordLists.some((words) => words.every((w) => name.has(w)))) out.add(sku.id);
  }
  return out;
}

/**
 * Declined, or supplied by someone else ("their own faucet", "customer bought"): an item the shop
 * does not bill. Not a plain negation, the part taken out, or work "per estimate" ("old water
 * heater out", "Replace water heater per estimate"): those say nothing about the new heater's pan
 * or flex lines.
 */
function notOurs(mention: Mention): boolean {
  if (mention.removed) return false;
  if (mention.polarity === 'declined') return true;
  return WAIVER_PATTERNS.some((p) => p.test(mention.clauseText));
}

/** Proposed lines below this confidence are suggestions, not draft lines. */
export const ADD_THRESHOLD = 0.5;

function declinedSkus(mentions: Mention[], nonBillable: { mentionId: string; skuId: number | null }[]) {
  const byId = new Map(mentions.map((m) => [m.id, m]));
  return nonBillable.flatMap(({ mentionId, skuId }) => {
    const mention = byId.get(mentionId);
    return mention?.polarity === 'declined' && skuId !== null ? [{ mention, skuId }] : [];
  });
}

/** SKUs of concepts whose rule a setting turned off: nothing adds them. */
function forbiddenSkus(knowledge: TenantKnowledge): Set<number> {
  return new Set(
    ALL_CONCEPTS.filter((c) => !knowledge.settings.rules[c].enabled).flatMap((c) =>
      conceptSkus(c, knowledge.catalog).map((s) => s.id),
    ),
  );
}

export function priceStage(
  context: JobContext,
  knowledge: TenantKnowledge,
  lines: ProposedLine[],
): PricedLine[] {
  const priced = priceLines({
    lines,
    catalog: knowledge.catalogById,
    membershipActive: context.membership?.active === true,
    customerId: context.customer.id,
    pricing: knowledge.settings.pricing,
    existingDescriptions: new Map(context.invoice.items.map((i) => [i.id, i.description])),
  });
  // A percentage fee or discount we would add that comes to nothing (nothing in its base) is no
  // line at all: nobody bills "10% off" of $0.
  return priced.filter(
    (l) =>
      !(
        l.origin === 'added' &&
        l.type === 'PriceModifier' &&
        knowledge.catalogById.get(l.skuId)?.amountType === 'Percentage' &&
        Number(l.total) === 0
      ),
  );
}

export function draftStage(
  context: JobContext,
  knowledge: TenantKnowledge,
  input: {
    lines: PricedLine[];
    flags: Flag[];
    unmatchedBillableMentions: number;
    features?: string[];
    /** Lines proposed below ADD_THRESHOLD (detect's suggestions). */
    suggestions?: ProposedLine[];
  },
): DraftDocument {
  const features = input.features ?? [];
  const present = new Set(input.lines.map((l) => l.skuId));
  // Work the notes say was done that became only a suggestion ("dual cap 40+5 chg" matched too
  // weakly to add) is as open as a mention nothing matched: the draft may be missing it.
  const suggestedFromNotes = new Set(
    (input.suggestions ?? [])
      .filter((s) => s.provenance.kind === 'note_span' && !present.has(s.skuId))
      .map((s) => s.skuId),
  ).size;
  // Concepts judged from direct signals (appointment times, the notes, replaced equipment) are
  // not a hidden risk when their rule did not fire.
  const skip = new Set(
    (['afterHours', 'refrigerant', 'disposal'] as RuleConcept[])
      .filter((c) => knowledge.settings.rules[c].enabled)
      .flatMap((c) => conceptSkus(c, knowledge.catalog).map((s) => s.id)),
  );
  const model = knowledge.model;
  // What the learned policy knows about is judged SKU by SKU; the rest from how often jobs like
  // this one, and each technician (some forget more than others), needed other additions.
  const predictions = policyPredictions(model, knowledge.catalogById, features, present);
  for (const p of predictions) skip.add(p.skuId);
  const other = Math.max(
    model.missingRisk(similarJobFeatures(features, context), present, skip).risk,
    ...features.filter((f) => f.startsWith('tech:')).map((f) => model.missingRisk([f], present, skip).risk),
  );
  const missing = 1 - (1 - other) * (1 - policyMissingRisk(predictions, present));
  return buildDraft({
    context,
    lines: input.lines,
    flags: input.flags,
    tax: knowledge.settings.tax,
    unmatchedBillableMentions: input.unmatchedBillableMentions + suggestedFromNotes,
    residualRisk: missing,
  });
}

export function routeStage(
  context: JobContext,
  draft: DraftDocument,
  settings: TenantSettings,
): RouteDecision {
  return routeDraft(context, draft, settings.policy);
}

export { combineConfidence };
