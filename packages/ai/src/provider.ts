// Model providers behind one interface. A provider reads the notes and, for each mention the
// parser found, picks among the price-book candidates retrieval returned (or none). It never
// sets prices or tax. Whatever it returns is validated like untrusted input.

import type { JobContext, Mention, MentionDecision, Polarity, ScoredCandidate } from '@invoicer/billing';
import { digestOf } from '@invoicer/core';
import type { NoteText, ReadMention } from './reading.ts';

export interface ChooseInput {
  jobType: string;
  notes: { index: number; text: string }[];
  mentions: {
    id: string;
    text: string;
    clause: string;
    polarity: Polarity;
    billable: boolean;
    quantity: number | null;
    unit: string | null;
  }[];
  /** Per mention id, the candidates retrieval found, best first. */
  candidates: Record<string, { skuId: number; code: string; name: string; score: number }[]>;
  existingItems: { skuId: number | null; name: string; quantity: string }[];
}

export interface ChooseOutput {
  decisions: MentionDecision[];
  provider: string;
  model: string;
  promptVersion: string;
  inputDigest: string;
  durationMs: number;
  /** Set when the configured provider failed and the local one answered instead. */
  fallback: { from: string; error: string } | null;
}

export interface ExtractionProvider {
  readonly name: string;
  readonly model: string;
  readonly promptVersion: string;
  choose(input: ChooseInput): Promise<MentionDecision[]>;
  /**
   * A model that can read the notes itself lists the items they mention, each with the note
   * text that names it and a status (see reading.ts). Providers without it use the local parser.
   */
  readonly readPromptVersion?: string;
  readNotes?(notes: NoteText[], options?: { signal?: AbortSignal }): Promise<ReadMention[]>;
}

export function inputDigest(input: ChooseInput): string {
  return digestOf(input);
}

/**
 * Check a provider's decisions against what it was allowed to say: known mentions only, each
 * once, SKUs only from that mention's candidates, sane quantities, confidence in [0, 1]. A
 * mention the parser marked declined, quoted or negated stays non-billable whatever the
 * model says (a declined item must never be billed).
 */
export function validateDecisions(
  input: ChooseInput,
  decisions: MentionDecision[],
): { decisions: MentionDecision[]; problems: string[] } {
  const problems: string[] = [];
  const byId = new Map(input.mentions.map((m) => [m.id, m]));
  const seen = new Set<string>();
  const valid: MentionDecision[] = [];
  for (const d of decisions) {
    const mention = byId.get(d.mentionId);
    if (!mention) {
      problems.push(`unknown mention ${d.mentionId}`);
      continue;
    }
    if (seen.has(d.mentionId)) {
      problems.push(`mention ${d.mentionId} answered twice`);
      continue;
    }
    seen.add(d.mentionId);
    const allowed = new Set((input.candidates[d.mentionId] ?? []).map((c) => c.skuId));
    let skuId = d.skuId;
    if (skuId !== null && !allowed.has(skuId)) {
      problems.push(`mention ${d.mentionId}: SKU ${skuId} was not among its candidates`);
      skuId = null;
    }
    let quantity = d.quantity;
    if (quantity !== null && (!Number.isFinite(quantity) || quantity <= 0 || quantity > 1000)) {
      problems.push(`mention ${d.mentionId}: quantity ${quantity} is not plausible`);
      quantity = mention.quantity;
    }
    const confidence = Number.isFinite(d.confidence) ? Math.max(0, Math.min(1, d.confidence)) : 0;
    valid.push({
      mentionId: d.mentionId,
      skuId,
      quantity,
      billable: d.billable && mention.billable,
      confidence,
      reason: String(d.reason).slice(0, 300),
    });
  }
  for (const m of input.mentions) {
    if (!seen.has(m.id))
      valid.push({
        mentionId: m.id,
        skuId: null,
        quantity: m.quantity,
        billable: false,
        confidence: 0,
        reason: 'not answered by the model',
      });
  }
  return { decisions: valid, problems };
}

/**
 * What a provider is asked to choose from: the job, its notes, each mention and its five best
 * scored candidates, and what the technician already billed. Built the same way wherever
 * extraction runs.
 */
export function chooseInputFor(
  context: JobContext,
  mentions: Mention[],
  scored: Map<string, ScoredCandidate[]>,
): ChooseInput {
  return {
    jobType: context.job.jobTypeName,
    notes: context.notes.map((n) => ({ index: n.index, text: n.text })),
    mentions: mentions.map((m) => ({
      id: m.id,
      text: m.text,
      clause: m.clauseText,
      polarity: m.polarity,
      billable: m.billable,
      quantity: m.quantity,
      unit: m.unit,
    })),
    candidates: Object.fromEntries(
      [...scored].map(([id, list]) => [
        id,
        list.slice(0, 5).map((c) => ({
          skuId: c.sku.id,
          code: c.sku.code,
          name: c.sku.name,
          score: Number(c.score.toFixed(4)),
        })),
      ]),
    ),
    existingItems: context.invoice.items.map((i) => ({
      skuId: i.skuId,
      name: i.description,
      quantity: i.quantity,
    })),
  };
}
