// The missed-billable rule pack. Each rule reads direct signals (appointment times, equipment
// on the invoice, refrigerant in the notes) and, where a rule is about "jobs of this kind", the
// tenant's own history: which of its SKUs for the concept (a shop may have a residential and a
// commercial trip charge, one consumables kit per trade) jobs like this one carry, and how
// often. "Jobs like this one" is the most specific feature with enough history: job type and
// membership, job type and customer type, job type, business unit. Rules never invent a price.
import type { TenantSettings } from '@invoicer/core';
import { afterHours, startFeatures, toMinutes, type WorkingHours } from '../history/features.ts';
import type { HistoryModel } from '../history/model.ts';
import { type Mention, nonBillableTexts } from '../text/mentions.ts';
import { htmlToText } from '../text/tokens.ts';
import type { CatalogSku, Evidence, JobContext, ProposedLine } from '../types.ts';
import { type AfterHoursWindow, kindWithoutPremium } from './after-hours-kinds.ts';
import { CONCEPTS, conceptSkus, type RuleConcept } from './concepts.ts';

export interface RuleInput {
  context: JobContext;
  catalog: CatalogSku[];
  rules: TenantSettings['rules'];
  hours: WorkingHours;
  model: HistoryModel;
  mentions: Mention[];
  /** The job's learning features (see history/features.ts). */
  features: string[];
  /** SKUs already on the invoice or proposed from the notes. */
  billedSkuIds: Set<number>;
  /** SKUs the notes say not to bill (declined, quoted, "no trip fee"). */
  waivedSkuIds?: Set<number>;
  /** SKU kinds of everything billed so far (technician items and note lines). */
  billedKinds: Set<string>;
}

const MIN_HISTORY_JOBS = 5;

interface Choice {
  sku: CatalogSku;
  /** Share of similar past jobs that carried the SKU (which of the concept's SKUs applies). */
  presence: number;
  /** Share of similar past jobs where the office added it when the technician had not. */
  rate: number;
  jobs: number;
  feature: string;
}

function suggestion(
  concept: RuleConcept,
  sku: CatalogSku,
  quantity: number,
  confidence: number,
  detail: string,
  evidence: Evidence[],
): ProposedLine {
  return {
    key: `rule:${concept}:${sku.id}`,
    skuId: sku.id,
    quantity: String(quantity),
    origin: 'added',
    existingItemId: null,
    provenance: { kind: 'rule', rule: concept, detail },
    evidence: [{ kind: 'rule', detail: `${CONCEPTS[concept].label}: ${detail}` }, ...evidence],
    confidence: Math.min(0.99, confidence),
    reason: `Added ${sku.name}: ${detail}.`,
  };
}

function historyEvidence(choice: Choice, label: string): Evidence[] {
  return [
    {
      kind: 'history_pattern',
      detail: `${Math.round(choice.presence * 100)}% of ${choice.jobs} past ${label} jobs were billed ${choice.sku.code}; when the technician left it off, the office added it ${Math.round(choice.rate * 100)}% of the time`,
      support: choice.jobs,
      confidence: choice.rate,
    },
  ];
}

export class RulePack {
  private readonly pinned: Partial<Record<RuleConcept, number | undefined>>;

  constructor(private readonly input: RuleInput) {
    const r = input.rules;
    this.pinned = {
      tripCharge: r.tripCharge.skuId,
      diagnosticFee: r.diagnosticFee.skuId,
      afterHours: r.afterHours.skuId,
      disposal: r.disposal.skuId,
      refrigerant: r.refrigerant.skuId,
      consumables: r.consumables.skuId,
      permits: r.permits.skuId,
    };
  }

  /** The concept's SKUs: the one pinned in settings, or those the price book names for it. */
  skus(concept: RuleConcept): CatalogSku[] {
    const pinned = this.pinned[concept];
    if (pinned !== undefined) return this.input.catalog.filter((s) => s.id === pinned && s.active);
    return conceptSkus(concept, this.input.catalog);
  }

  /**
   * Nothing to add: already billed under one of the concept's SKUs, or the notes say not to
   * charge it ("No trip fee – callback"): a rule never overrides the technician's words.
   */
  covered(concept: RuleConcept): boolean {
    const skus = this.skus(concept);
    if (skus.some((s) => this.input.billedSkuIds.has(s.id) || this.input.waivedSkuIds?.has(s.id)))
      return true;
    return this.waived(concept);
  }

  /** The notes say not to charge the concept ("No trip fee – callback", "permit by the builder"). */
  waived(concept: RuleConcept): boolean {
    const spec = CONCEPTS[concept];
    if (
      this.input.mentions.some(
        (m) => !m.billable && spec.phrases.some((p) => p.test(m.clauseText) || p.test(m.words.join(' '))),
      )
    )
      return true;
    const notes = this.notes();
    if (spec.waivers?.some((w) => notes.some((n) => w.test(n.text)))) return true;
    this.negative ??= nonBillableTexts(notes);
    return this.negative.some((text) => spec.phrases.some((p) => p.test(text)));
  }

  private negative: string[] | undefined;

  private notes(): { index: number; text: string }[] {
    return this.input.context.notes.map((n) => ({
      index: n.index,
      text: n.index === -1 ? htmlToText(n.text) : n.text,
    }));
  }

  /**
   * Among the concept's SKUs, the one jobs like this carry most often, judged on the most
   * specific of `features` that has enough history.
   */
  choose(concept: RuleConcept, features: string[]): Choice | null {
    const skus = this.skus(concept);
    // The most precise view of "jobs like this one" with enough history decides which of the
    // concept's SKUs applies (by how often such jobs carry it) and how sure adding it is (how
    // often the office added it when the technician had not).
    for (const feature of features) {
      let best: Choice | null = null;
      for (const sku of skus) {
        const { rate: presence, jobs } = this.input.model.skuRate(sku.id, feature);
        if (jobs < MIN_HISTORY_JOBS) continue;
        if (!best || presence > best.presence) {
          const added = this.input.model.addRate(sku.id, feature);
          best = {
            sku,
            presence,
            rate: added.opportunities >= 3 ? added.rate : presence * 0.8,
            jobs,
            feature,
          };
        }
      }
      if (best) return best;
    }
    return null;
  }

  similarJobs(): string[] {
    return similarJobFeatures(this.input.features, this.input.context);
  }
}

/** The job's features for "jobs like this one", most specific first. */
export function similarJobFeatures(features: string[], context: JobContext): string[] {
  const job = context.job;
  // contextKeys() adds them most precise first; keep that order.
  return [
    ...features.filter((x) => x.startsWith(`jt:${job.jobTypeId}&`)),
    `jt:${job.jobTypeId}`,
    `bu:${job.businessUnitId}`,
  ];
}

export function applyRulePack(input: RuleInput): ProposedLine[] {
  const { context, rules } = input;
  const pack = new RulePack(input);
  const out: ProposedLine[] = [];
  const jobLabel = `"${context.job.jobTypeName}"`;
  const byHistory = (concept: RuleConcept, why: string) => {
    if (pack.covered(concept)) return;
    const choice = pack.choose(concept, pack.similarJobs());
    if (choice && choice.rate >= 0.5)
      out.push(suggestion(concept, choice.sku, 1, choice.rate, why, historyEvidence(choice, jobLabel)));
  };

  if (rules.tripCharge.enabled && !pack.covered('tripCharge')) {
    const listed = rules.tripCharge.jobTypeIds;
    if (listed?.length) {
      const sku = pack.skus('tripCharge')[0];
      if (sku && listed.includes(context.job.jobTypeId))
        out.push(
          suggestion('tripCharge', sku, 1, 0.9, `job type ${jobLabel} is set to carry a trip charge`, []),
        );
    } else byHistory('tripCharge', `${jobLabel} jobs like this one usually carry it`);
  }

  if (rules.diagnosticFee.enabled)
    byHistory('diagnosticFee', `${jobLabel} visits like this one usually carry it`);

  if (rules.afterHours.enabled && !pack.covered('afterHours')) out.push(...afterHoursRule(input, pack));

  const equipmentReplaced = input.billedKinds.has('equipment');
  if (rules.disposal.enabled && equipmentReplaced && !pack.covered('disposal')) {
    const choice = pack.choose('disposal', [...pack.similarJobs(), 'k:Equipment']);
    const sku = choice?.sku ?? pack.skus('disposal')[0];
    if (sku) {
      const units = removedUnits(input.mentions);
      const confidence = choice && choice.jobs >= MIN_HISTORY_JOBS ? Math.max(0.45, choice.rate) : 0.65;
      out.push(
        suggestion(
          'disposal',
          sku,
          Math.max(1, units),
          confidence,
          `equipment was replaced${units > 1 ? ` (${units} old units)` : ''} and the old unit needs hauling away`,
          choice ? historyEvidence(choice, 'equipment replacement') : [],
        ),
      );
    }
  }

  if (rules.permits.enabled && equipmentReplaced)
    byHistory('permits', 'installs like this one usually need a permit');
  if (rules.consumables.enabled) byHistory('consumables', `${jobLabel} jobs usually use consumables`);
  if (rules.refrigerant.enabled && !pack.covered('refrigerant')) out.push(...refrigerantRule(input, pack));
  return out;
}

/** Words naming one piece of equipment (an air handler is one unit, not "air" and "handler"). */
const UNIT_WORDS: Record<string, string> = {
  condenser: 'condenser',
  furnace: 'furnace',
  heater: 'heater',
  tank: 'heater',
  handler: 'air handler',
  pump: 'heat pump',
  boiler: 'boiler',
};

/**
 * Old units the notes say were taken out ("removed the old condenser and furnace"). "Unit" or
 * "system" is one more only when no unit is named: "old R-22 unit" after "pulled the heat pump
 * and air handler" is the same equipment again.
 */
export function removedUnits(mentions: Mention[]): number {
  const removal = /\b(remov\w*|demo\w*|old|haul\w*|took out|pulled out|disconnected)\b/i;
  const units = new Set<string>();
  let generic = false;
  for (const m of mentions) {
    if (!removal.test(m.clauseText)) continue;
    for (const w of m.words) {
      const unit = UNIT_WORDS[w];
      if (unit) units.add(unit);
      else if (w === 'unit' || w === 'system') generic = true;
    }
  }
  return units.size || (generic ? 1 : 0);
}

/**
 * After-hours and weekend premiums. With enough history the shop's own window is learned: an
 * appointment hour (or a weekend) counts as after hours when its jobs usually carry a
 * premium. Without it, the working hours in settings decide.
 */
function afterHoursRule(input: RuleInput, pack: RulePack): ProposedLine[] {
  const starts = input.context.appointments.map((a) => a.start);
  if (!starts.length) return [];
  const [hourFeature, dayFeature] = startFeatures(starts, input.hours.timezone);
  if (!hourFeature || !dayFeature) return [];
  const learned = pack.choose(
    'afterHours',
    dayFeature === 'day:weekend' ? [dayFeature, hourFeature] : [hourFeature],
  );
  if (learned) {
    if (learned.rate < 0.5 || !premiumKind(input, pack)) return [];
    const when =
      dayFeature === 'day:weekend'
        ? 'weekend appointments'
        : `appointments starting at ${hourFeature.slice(2)}:00`;
    return [
      suggestion(
        'afterHours',
        learned.sku,
        1,
        learned.rate,
        `${when} usually carry it`,
        historyEvidence(learned, when),
      ),
    ];
  }
  const timing = afterHours([starts.sort()[0]!], input.hours);
  if ((!timing.afterHours && !timing.weekend) || !premiumKind(input, pack)) return [];
  const skus = pack.skus('afterHours');
  const sku =
    skus.find((s) => timing.weekend && /weekend|holiday/i.test(s.name)) ??
    skus.find((s) => /after[\s-]?hours?|evening|night/i.test(s.name)) ??
    skus[0];
  return sku ? [suggestion('afterHours', sku, 1, 0.7, timing.evidence ?? 'outside working hours', [])] : [];
}

/** When a start counts as after hours: by the shop's history where it has one, else settings. */
function afterHoursWindow(input: RuleInput, pack: RulePack): AfterHoursWindow {
  const after = (feature: string, bySettings: boolean) => {
    const learned = pack.choose('afterHours', [feature]);
    return learned ? learned.rate >= 0.5 : bySettings;
  };
  const hours = new Set<number>();
  for (let h = 0; h < 24; h++) {
    const bySettings = h * 60 < toMinutes(input.hours.start) || h * 60 >= toMinutes(input.hours.end);
    if (after(`h:${h}`, bySettings)) hours.add(h);
  }
  return { hours, weekend: after('day:weekend', input.hours.weekends) };
}

/**
 * False when the shop's past after-hours jobs of this kind show it does not bill the premium on
 * such work (a time-and-materials call bills overtime labor instead).
 */
function premiumKind(input: RuleInput, pack: RulePack): boolean {
  const skus = pack.skus('afterHours').map((s) => s.id);
  if (!skus.length) return true;
  return !kindWithoutPremium(input.model, afterHoursWindow(input, pack), skus, pack.similarJobs());
}

/** Refrigerant the notes say was added but no refrigerant line bills. */
function refrigerantRule(input: RuleInput, pack: RulePack): ProposedLine[] {
  const skus = pack.skus('refrigerant');
  if (!skus.length) return [];
  const mention = input.mentions.find(
    (m) =>
      m.billable &&
      m.use !== 'none' &&
      (m.words.includes('refrigerant') || [...m.specs, ...m.words].some((s) => /^r-?\d{2,3}[a-z]?$/.test(s))),
  );
  if (!mention) return [];
  const spec = [...mention.specs, ...mention.words]
    .find((s) => /^r-?\d{2,3}[a-z]?$/.test(s))
    ?.replace('-', '');
  const sku =
    (spec && skus.find((s) => `${s.name} ${s.code}`.toLowerCase().replace(/-/g, '').includes(spec))) ||
    skus[0]!;
  const measured = mention.unit === 'lb' || mention.unit === 'oz';
  const quantity =
    measured && mention.quantity
      ? mention.unit === 'oz'
        ? mention.quantity / 16
        : mention.quantity
      : (input.model.officeQuantity(sku.id) ?? 1);
  return [
    suggestion(
      'refrigerant',
      sku,
      quantity,
      measured ? 0.8 : 0.5,
      `the notes say refrigerant was added ("${mention.text}")`,
      [
        {
          kind: 'note_span',
          detail: `"${mention.clauseText}"`,
          span: { noteIndex: mention.noteIndex, start: mention.start, end: mention.end },
        },
      ],
    ),
  ];
}
