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
    phrases: [/\bdiagnos\w*/i, /\btrouble\s*shoot\w*/i, /\bservice\s+call\b/i],
    kinds: ['service', 'fee'],
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
  },
  refrigerant: {
    label: 'refrigerant by the pound',
    phrases: [/\brefrigerant\b/i, /\br-?\d{2,3}[a-z]?\b/i, /\bfreon\b/i, /\bpuron\b/i],
    kinds: ['material', 'service'],
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

/** SKUs that look like this concept, best first (several for refrigerant types). */
export function conceptSkus(concept: RuleConcept, catalog: CatalogSku[]): CatalogSku[] {
  const spec = CONCEPTS[concept];
  return catalog
    .filter((s) => s.active)
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
