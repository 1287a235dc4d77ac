// Retrieval of price-book candidates for a mention. Production uses Postgres (pg_trgm +
// full-text over the tenant's catalogue and past invoice lines, packages/db); tests and
// offline tools use this in-memory version with the same contract.

import { contentWords } from '../text/vocabulary.ts';
import type { CatalogSku } from '../types.ts';

export interface SkuCandidate {
  sku: CatalogSku;
  /** 0..1 text similarity from the retriever. */
  similarity: number;
  /** Past invoice lines with similar descriptions that used this SKU. */
  historyVotes: number;
}

export interface Retriever {
  search(text: string, limit: number): Promise<SkuCandidate[]>;
}

function trigrams(text: string): Set<string> {
  const grams = new Set<string>();
  for (const word of text
    .toLowerCase()
    .split(/[^a-z0-9/]+/)
    .filter(Boolean)) {
    const padded = `  ${word} `;
    for (let i = 0; i < padded.length - 2; i++) grams.add(padded.slice(i, i + 3));
  }
  return grams;
}

/** pg_trgm's similarity(): shared trigrams over the union. */
export function trigramSimilarity(a: string, b: string): number {
  const ta = trigrams(a);
  const tb = trigrams(b);
  if (!ta.size || !tb.size) return 0;
  let shared = 0;
  for (const g of ta) if (tb.has(g)) shared += 1;
  return shared / (ta.size + tb.size - shared);
}

export function skuSearchText(sku: CatalogSku): string {
  return `${sku.code} ${sku.name} ${sku.description} ${sku.categoryNames.join(' ')}`;
}

export class MemoryRetriever implements Retriever {
  private readonly entries: { sku: CatalogSku; text: string; words: Set<string> }[];

  constructor(skus: CatalogSku[]) {
    this.entries = skus.map((sku) => {
      const text = skuSearchText(sku);
      return { sku, text, words: new Set(contentWords(text)) };
    });
  }

  async search(text: string, limit: number): Promise<SkuCandidate[]> {
    const words = contentWords(text);
    return this.entries
      .map((e) => {
        const overlap = words.filter((w) => e.words.has(w)).length;
        const similarity = Math.max(trigramSimilarity(text, e.sku.name), overlap / Math.max(1, words.length));
        return { sku: e.sku, similarity, historyVotes: 0 };
      })
      .filter((c) => c.similarity > 0.1)
      .sort((a, b) => b.similarity - a.similarity)
      .slice(0, limit);
  }
}
