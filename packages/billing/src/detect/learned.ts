// Missed billables learned from the tenant's history: "when a job has feature F, the office
// ends up adding SKU S" with enough support and confidence. Suggestions carry the pattern,
// its support and its confidence as evidence.
import type { HistoryModel } from '../history/model.ts';
import type { CatalogSku, ProposedLine } from '../types.ts';

export interface LearnedInput {
  model: HistoryModel;
  features: string[];
  catalog: Map<number, CatalogSku>;
  billedSkuIds: Set<number>;
  minSupport: number;
  minConfidence: number;
}

export function describeFeature(
  feature: string,
  catalog: Map<number, CatalogSku>,
  jobTypeNames: Map<number, string>,
): string {
  const [kind, value] = feature.split(/:(.*)/s) as [string, string | undefined];
  switch (kind) {
    case 'jt':
      return `job type "${jobTypeNames.get(Number(value)) ?? value}"`;
    case 'bu':
      return `business unit ${value}`;
    case 'ah':
      return 'an after-hours appointment';
    case 'we':
      return 'a weekend appointment';
    case 'mem':
      return 'an active membership';
    case 's':
      return `technician billed ${catalog.get(Number(value))?.code ?? `SKU ${value}`}`;
    case 'k':
      return `${value} on the invoice`;
    case 'w':
      return `notes mention "${value}"`;
    case 'd':
      return `notes mention "${value}" as not done`;
    case 't':
      return value === 'labor'
        ? 'hourly labor on the invoice'
        : value?.startsWith('cat:')
          ? `an item from "${value.slice(4).replace(/_/g, ' ')}" on the invoice`
          : `${value?.replace(/^kind:/, '')} on the invoice`;
    case 'zone':
      return `tax zone ${value}`;
    case 'city':
      return `a job in ${value?.replace(/_/g, ' ')}`;
    case 'ctag':
      return `customer tag ${value}`;
    case 'cf':
      return value?.includes('=')
        ? `customer's ${value.split('=')[0]!.replace(/_/g, ' ')} is "${value.split('=')[1]!.replace(/_/g, ' ')}"`
        : `customer has a ${value?.replace(/_/g, ' ')}`;
    case 'ct':
      return `customer type ${value}`;
    case 'tech':
      return `technician ${value}`;
    case 'holiday':
      return 'a holiday appointment';
    case 'hol':
      return value === 'major'
        ? 'an appointment on a holiday most businesses close on'
        : value === 'shifted'
          ? 'an appointment on the weekday a weekend holiday is observed on'
          : `an appointment on ${HOLIDAY_WORDS[value ?? ''] ?? value}`;
    case 'recall':
      return 'a recall';
    case 'declined':
      return 'work declined or proposed';
    default:
      return describeOrdinal(feature) ?? feature;
  }
}

const HOLIDAY_WORDS: Record<string, string> = {
  'new-year': "New Year's Day",
  mlk: 'Martin Luther King Jr. Day',
  presidents: "Presidents' Day",
  memorial: 'Memorial Day',
  juneteenth: 'Juneteenth',
  independence: 'Independence Day',
  labor: 'Labor Day',
  columbus: 'Columbus Day',
  veterans: 'Veterans Day',
  thanksgiving: 'Thanksgiving',
  christmas: 'Christmas',
};

function describeOrdinal(feature: string): string | null {
  if (feature === 'items:none') return 'the technician entered nothing';
  if (feature === 'work') return 'the technician billed work (a line the office does not add itself)';
  const ctx = /^ctx>=([\d.]+)$/.exec(feature);
  if (ctx) return `jobs of this kind get it at least ${Math.round(Number(ctx[1]) * 100)}% of the time`;
  const situation = /^tb>=([\d.]+)$/.exec(feature);
  if (situation)
    return `technicians bill it themselves on at least ${Math.round(Number(situation[1]) * 100)}% of jobs in this situation`;
  const billed = /^bill>=([\d.]+)$/.exec(feature);
  if (billed)
    return `technicians bill it themselves on at least ${Math.round(Number(billed[1]) * 100)}% of jobs of this kind`;
  const m = /^(h|svc|sub|appts|recall)(<|>=)(\d+)$/.exec(feature);
  if (!m) return null;
  const [, what, op, n] = m;
  const at = op === '<' ? 'under' : 'at least';
  switch (what) {
    case 'h':
      return `first appointment ${op === '<' ? 'before' : 'from'} ${n}:00`;
    case 'svc':
      return `services ${at} $${n}`;
    case 'sub':
      return `technician's items ${at} $${n}`;
    case 'recall':
      return `a recall ${op === '<' ? 'within' : 'after'} ${n} days of the original job`;
    default:
      return `${at} ${n} visits`;
  }
}

export function learnedSuggestions(
  input: LearnedInput,
  jobTypeNames: Map<number, string> = new Map(),
): ProposedLine[] {
  const out: ProposedLine[] = [];
  for (const rule of input.model.officeAddRules(input.features, input.minSupport)) {
    if (rule.confidence < input.minConfidence) break;
    const sku = input.catalog.get(rule.skuId);
    if (!sku?.active || input.billedSkuIds.has(sku.id)) continue;
    const when = describeFeature(rule.feature, input.catalog, jobTypeNames);
    // The line is right only if the quantity is too: the usual quantity, as sure as it is usual.
    const usual = input.model.officeQuantityMode(sku.id);
    const quantity = usual?.quantity ?? 1;
    const confidence = rule.confidence * (usual && usual.n >= 3 ? usual.share : 1);
    const pct = Math.round(rule.confidence * 100);
    out.push({
      key: `learned:${sku.id}`,
      skuId: sku.id,
      quantity: String(quantity),
      origin: 'added',
      existingItemId: null,
      provenance: {
        kind: 'history_pattern',
        pattern: `${rule.feature} → ${sku.code}`,
        support: rule.support,
        confidence: rule.confidence,
      },
      evidence: [
        {
          kind: 'history_pattern',
          detail: `when ${when}, the office added ${sku.code} in ${rule.support} of ${rule.opportunities} past jobs (${pct}%)`,
          support: rule.support,
          confidence: rule.confidence,
        },
      ],
      confidence,
      reason: `Added ${sku.name}: when ${when} the office usually adds it (${pct}% of ${rule.opportunities} past jobs).`,
    });
  }
  return out;
}
