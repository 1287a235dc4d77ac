// The rule pack's concepts and how each finds its SKU in a tenant's own price book: the
// tenant can pin a SKU in settings; otherwise the price book is searched for the concept's
// usual names, preferring the kind of entry shops use for it (a fee, a service, a material).
import type { CatalogSku, SkuKind } from '../types.ts';

export type RuleConcept =
  | 'tripCharge'
  | 'diagnosticFee'
  | 'afterHours'
  | 'disposal'
  | 'refrigerant'
  | 'consumables'
  | 'permits';

interface ConceptSpec {
  label: string;
  phrases: RegExp[];
  kinds: SkuKind[];
  /** Statements that the concept is not billed even though they do not negate its name. */
  waivers?: RegExp[];
  /** What else a SKU must be to stand for the concept, beyond its name. */
  accepts?: (sku: CatalogSku) => boolean;
}

export const CONCEPTS: Record<RuleConcept, ConceptSpec> = {
  tripCharge: {
    label: 'trip / dispatch charge',
    phrases: [
      /\btrip\b/i,
      /\bdispatch\b/i,
      /\btravel\s+(charge|fee)\b/i,
      /\btruck\s+(charge|fee|roll)\b/i,
      /\bservice\s+call\s+(charge|fee)\b/i,
    ],
    kinds: ['fee', 'service'],
  },
  diagnosticFee: {
    label: 'diagnostic fee',
    phrases: [/\bdiagnos\w*/i, /\bdiag\b/i, /\btrouble\s*shoot\w*/i, /\bservice\s+call\b/i],
    kinds: ['service', 'fee'],
    // The diagnostic is what shops credit toward the repair ("diag applied to repair").
    waivers: [
      /\b(applied|apply|credited|credit|counts?|goes)\s+(to|toward|towards|against)\s+(the\s+)?(repair|job|work|install\w*)/i,
    ],
  },
  afterHours: {
    label: 'after-hours / weekend premium',
    phrases: [
      /\bafter[\s-]?hours?\b/i,
      /\bweekend\b/i,
      /\bemergency\b/i,
      /\bovertime\s+(premium|surcharge|fee)\b/i,
      /\bholiday\b/i,
      /\bpremium\b/i,
    ],
    kinds: ['fee', 'service'],
  },
  disposal: {
    label: 'disposal / haul-away',
    phrases: [
      /\bdispos\w*/i,
      /\bhaul[\s-]?away\b/i,
      /\bhaul\w*/i,
      /\bremoval\b/i,
      /\bdump\b/i,
      /\brecycl\w*/i,
    ],
    kinds: ['fee', 'service'],
    // Nothing to haul when the customer keeps (or disposes of) the old equipment.
    waivers: [
      /\b(keep|keeps|keeping|kept|retain\w*|wants?)\b[^.;,]{0,30}\b(old|existing|original)\s+([\w-]+\s+){0,2}(unit|equipment|one|system|heater|tank|furnace|condenser|appliance|fixture)/i,
      /\b(cust(omer)?|ho|homeowner|owner|tenant|landlord|gc|contractor)\s+(will\s+|to\s+)?(dispos\w*|haul\w*|scrap\w*)/i,
      /\b(old|existing|original)\s+([\w-]+\s+){0,2}(left|stays?|stayed|remain\w*)\b/i,
      /\bleft\s+(w\/|with|for)\s+(the\s+)?(ho|homeowner|customer|cust|owner|tenant)\b/i,
      /\bleft\s+(the\s+)?((old|existing|original|removed)\s+)?([\w-]+\s+){0,2}(units?|equipment|one|system|heater|tank|furnace|condenser|appliance|fixture|it|them)\s+(w\/|with|for)\s+(the\s+)?(ho|homeowner|customer|cust|owner|tenant|landlord|property\s+manager)\b/i,
    ],
  },
  refrigerant: {
    label: 'refrigerant by the pound',
    phrases: [/\brefrigerant\b/i, /\br-?\d{2,3}[a-z]?\b/i, /\bfreon\b/i, /\bpuron\b/i],
    kinds: ['material', 'service'],
    // The gas itself: a part, or a line sold by weight. "Electronic Refrigerant Leak Search" (a
    // task) or a refrigerant handling fee on the invoice does not mean the gas is billed.
    accepts: (sku) =>
      sku.kind === 'material' ||
      /\b(lb|lbs|pound|pounds|oz|ounces?)\b/i.test(`${sku.unitOfMeasure ?? ''} ${sku.name}`),
  },
  consumables: {
    label: 'consumables / shop supplies',
    phrases: [
      /\bconsumable\w*/i,
      /\bshop\s+suppl\w*/i,
      /\bsupplies\b/i,
      /\bmaterials?\s+(kit|charge)\b/i,
      /\bmisc\w*\s+(parts|materials)\b/i,
    ],
    kinds: ['fee', 'material', 'service'],
  },
  permits: {
    label: 'permit',
    phrases: [/\bpermit\w*/i, /\binspection\s+fee\b/i, /\bcode\s+compliance\b/i],
    kinds: ['fee', 'service'],
  },
};

/** The concepts in the order they are tried (the first one a SKU belongs to names it). */
export const ALL_CONCEPTS: readonly RuleConcept[] = [
  'tripCharge',
  'diagnosticFee',
  'afterHours',
  'disposal',
  'refrigerant',
  'consumables',
  'permits',
];

/** SKUs that look like this concept, best first: one regex scan of the catalogue. */
function scanConceptSkus(concept: RuleConcept, catalog: readonly CatalogSku[]): CatalogSku[] {
  const spec = CONCEPTS[concept];
  return catalog
    .filter((s) => s.active && (spec.accepts?.(s) ?? true))
    .map((sku) => {
      const name = `${sku.name} ${sku.code}`;
      const hits = spec.phrases.filter((p) => p.test(name)).length;
      const descHits = spec.phrases.filter((p) => p.test(sku.description)).length;
      const kindRank = spec.kinds.indexOf(sku.kind);
      const score = hits * 2 + descHits * 0.5 + (kindRank === -1 ? -1 : (spec.kinds.length - kindRank) * 0.5);
      return { sku, score, hits };
    })
    .filter((x) => x.hits > 0 && x.score > 1)
    .sort((a, b) => b.score - a.score || a.sku.id - b.sku.id)
    .map((x) => x.sku);
}

interface CatalogConcepts {
  skus: Map<RuleConcept, readonly CatalogSku[]>;
  ids: Map<RuleConcept, ReadonlySet<number>>;
  /** SKU id → the first concept (ALL_CONCEPTS order) that names it. */
  conceptOf: Map<number, RuleConcept>;
}

/**
 * What the catalogue says about the concepts, computed once per catalogue array (the runtime
 * builds one per catalogue version and never changes it): the stages ask for it many times per
 * invoice, and each answer was a regex scan of the whole price book.
 */
const byCatalog = new WeakMap<readonly CatalogSku[], CatalogConcepts>();

function catalogConcepts(catalog: readonly CatalogSku[]): CatalogConcepts {
  let known = byCatalog.get(catalog);
  if (!known) {
    known = { skus: new Map(), ids: new Map(), conceptOf: new Map() };
    for (const concept of ALL_CONCEPTS) {
      const skus = scanConceptSkus(concept, catalog);
      known.skus.set(concept, skus);
      known.ids.set(concept, new Set(skus.map((s) => s.id)));
      for (const sku of skus) if (!known.conceptOf.has(sku.id)) known.conceptOf.set(sku.id, concept);
    }
    byCatalog.set(catalog, known);
  }
  return known;
}

/**
 * SKUs that look like this concept, best first (several for refrigerant types). Computed once
 * per catalogue array: the catalogue and its SKUs must not be changed after the first call.
 */
export function conceptSkus(concept: RuleConcept, catalog: readonly CatalogSku[]): CatalogSku[] {
  return [...catalogConcepts(catalog).skus.get(concept)!];
}

/** The ids of conceptSkus(concept, catalog), as a set. */
export function conceptSkuIds(concept: RuleConcept, catalog: readonly CatalogSku[]): ReadonlySet<number> {
  return catalogConcepts(catalog).ids.get(concept)!;
}

/** The first concept (ALL_CONCEPTS order) whose conceptSkus include the SKU, or null. */
export function conceptOfSku(catalog: readonly CatalogSku[], skuId: number): RuleConcept | null {
  return catalogConcepts(catalog).conceptOf.get(skuId) ?? null;
}
