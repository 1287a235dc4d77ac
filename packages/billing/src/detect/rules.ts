// The missed-billable rule pack. Each rule reads direct signals (appointment times, equipment
// on the invoice, refrigerant in the notes) and, where a rule is about "jobs of this kind",
// the tenant's own history of how often such jobs carry the charge. Rules never invent a
// price: they name a SKU from the tenant's price book and a quantity.
import type { TenantSettings } from '@invoicer/core';
import { afterHours, type WorkingHours } from '../history/features.ts';
import type { HistoryModel } from '../history/model.ts';
import type { Mention } from '../text/mentions.ts';
import type { CatalogSku, Evidence, JobContext, ProposedLine } from '../types.ts';
import { CONCEPTS, conceptSkus, type RuleConcept } from './concepts.ts';

export interface RuleInput {
  context: JobContext;
  catalog: CatalogSku[];
  rules: TenantSettings['rules'];
  hours: WorkingHours;
  model: HistoryModel;
  mentions: Mention[];
  /** SKUs already on the invoice or proposed from the notes. */
  billedSkuIds: Set<number>;
  /** SKU kinds of everything billed so far (technician items and note lines). */
  billedKinds: Set<string>;
}

const MIN_HISTORY_JOBS = 5;

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

function resolveSku(concept: RuleConcept, input: RuleInput, pinned: number | undefined): CatalogSku | null {
  if (pinned !== undefined) return input.catalog.find((s) => s.id === pinned && s.active) ?? null;
  return conceptSkus(concept, input.catalog)[0] ?? null;
}

/** How often jobs with `feature` carried the SKU, as evidence text and a rate. */
function historyRate(
  input: RuleInput,
  sku: CatalogSku,
  feature: string,
  label: string,
): { rate: number; jobs: number; evidence: Evidence[] } {
  const { rate, jobs } = input.model.skuRate(sku.id, feature);
  if (jobs < MIN_HISTORY_JOBS) return { rate: 0, jobs, evidence: [] };
  return {
    rate,
    jobs,
    evidence: [
      {
        kind: 'history_pattern',
        detail: `${Math.round(rate * 100)}% of ${jobs} past ${label} jobs were billed ${sku.code}`,
        support: jobs,
        confidence: rate,
      },
    ],
  };
}

export function applyRulePack(input: RuleInput): ProposedLine[] {
  const { context, rules } = input;
  const out: ProposedLine[] = [];
  const missing = (sku: CatalogSku | null): sku is CatalogSku =>
    sku !== null && !input.billedSkuIds.has(sku.id);
  const jobTypeFeature = `jt:${context.job.jobTypeId}`;
  const jobTypeLabel = `"${context.job.jobTypeName}"`;

  if (rules.tripCharge.enabled) {
    const sku = resolveSku('tripCharge', input, rules.tripCharge.skuId);
    if (missing(sku)) {
      const listed = rules.tripCharge.jobTypeIds;
      if (listed?.length) {
        if (listed.includes(context.job.jobTypeId))
          out.push(
            suggestion(
              'tripCharge',
              sku,
              1,
              0.9,
              `job type ${jobTypeLabel} is set to carry a trip charge`,
              [],
            ),
          );
      } else {
        const h = historyRate(input, sku, jobTypeFeature, jobTypeLabel);
        if (h.rate >= 0.5)
          out.push(
            suggestion('tripCharge', sku, 1, h.rate, `${jobTypeLabel} jobs usually carry it`, h.evidence),
          );
      }
    }
  }

  if (rules.diagnosticFee.enabled) {
    const sku = resolveSku('diagnosticFee', input, rules.diagnosticFee.skuId);
    if (missing(sku) && !input.billedKinds.has('diagnostic')) {
      const h = historyRate(input, sku, jobTypeFeature, jobTypeLabel);
      const repairDone = input.billedKinds.has('material') || input.billedKinds.has('equipment');
      const onlyProposals =
        input.mentions.some((m) => !m.billable) && !input.mentions.some((m) => m.billable);
      if (h.rate >= 0.5)
        out.push(
          suggestion('diagnosticFee', sku, 1, h.rate, `${jobTypeLabel} jobs usually carry it`, h.evidence),
        );
      else if (!repairDone && onlyProposals) {
        out.push(
          suggestion(
            'diagnosticFee',
            sku,
            1,
            0.55,
            'no repair was done; the visit diagnosed and quoted only',
            [],
          ),
        );
      }
    }
  }

  if (rules.afterHours.enabled) {
    const timing = afterHours(
      context.appointments.map((a) => a.start),
      input.hours,
    );
    if (timing.afterHours || timing.weekend) {
      const candidates =
        rules.afterHours.skuId !== undefined
          ? [resolveSku('afterHours', input, rules.afterHours.skuId)]
          : conceptSkus('afterHours', input.catalog);
      const preferred =
        candidates.find((s) => s && timing.weekend && /weekend|holiday/i.test(s.name)) ??
        candidates.find((s) => s && /after[\s-]?hours?|evening|night/i.test(s.name)) ??
        candidates[0] ??
        null;
      if (missing(preferred) && !candidates.some((s) => s && input.billedSkuIds.has(s.id))) {
        const h = historyRate(
          input,
          preferred,
          timing.weekend ? 'we' : 'ah',
          timing.weekend ? 'weekend' : 'after-hours',
        );
        const confidence = h.jobs >= MIN_HISTORY_JOBS ? Math.max(0.5, h.rate) : 0.7;
        out.push(
          suggestion(
            'afterHours',
            preferred,
            1,
            confidence,
            timing.evidence ?? 'outside working hours',
            h.evidence,
          ),
        );
      }
    }
  }

  if (rules.disposal.enabled && input.billedKinds.has('equipment')) {
    const sku = resolveSku('disposal', input, rules.disposal.skuId);
    if (missing(sku)) {
      const h = historyRate(input, sku, 'k:Equipment', 'equipment');
      const confidence = h.jobs >= MIN_HISTORY_JOBS ? Math.max(0.45, h.rate) : 0.65;
      out.push(
        suggestion(
          'disposal',
          sku,
          1,
          confidence,
          'equipment was replaced and the old unit needs hauling away',
          h.evidence,
        ),
      );
    }
  }

  if (rules.permits.enabled && input.billedKinds.has('equipment')) {
    const sku = resolveSku('permits', input, rules.permits.skuId);
    if (missing(sku)) {
      const h = historyRate(input, sku, jobTypeFeature, jobTypeLabel);
      const e = historyRate(input, sku, 'k:Equipment', 'equipment');
      const best = h.rate >= e.rate ? h : e;
      if (best.rate >= 0.5)
        out.push(
          suggestion(
            'permits',
            sku,
            1,
            best.rate,
            'equipment installs here usually need a permit',
            best.evidence,
          ),
        );
    }
  }

  if (rules.consumables.enabled) {
    const sku = resolveSku('consumables', input, rules.consumables.skuId);
    if (missing(sku)) {
      const h = historyRate(input, sku, jobTypeFeature, jobTypeLabel);
      if (h.rate >= 0.5)
        out.push(
          suggestion(
            'consumables',
            sku,
            1,
            h.rate,
            `${jobTypeLabel} jobs usually use consumables`,
            h.evidence,
          ),
        );
    }
  }

  if (rules.refrigerant.enabled) out.push(...refrigerantRule(input));
  return out;
}

/** Refrigerant the notes say was added but no refrigerant line bills. */
function refrigerantRule(input: RuleInput): ProposedLine[] {
  const skus =
    input.rules.refrigerant.skuId !== undefined
      ? [resolveSku('refrigerant', input, input.rules.refrigerant.skuId)].filter((s) => s !== null)
      : conceptSkus('refrigerant', input.catalog);
  if (!skus.length || skus.some((s) => input.billedSkuIds.has(s.id))) return [];
  const mention = input.mentions.find(
    (m) =>
      m.billable &&
      (m.words.includes('refrigerant') ||
        m.specs.some((s) => /^r-?\d{2,3}[a-z]?$/.test(s)) ||
        m.words.some((w) => /^r\d{2,3}[a-z]?$/.test(w))),
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
  const confidence = measured ? 0.8 : 0.5;
  return [
    suggestion(
      'refrigerant',
      sku,
      quantity,
      confidence,
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
