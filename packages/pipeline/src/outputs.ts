// What each pipeline stage saves, defined once: its TypeScript type and the zod schema every
// reader checks it against (the stage runner, the failure path, the console, the backtest).
// The schemas check the shape other code relies on and let the rest through, so a saved
// output from an older version or a damaged row is refused with a message naming the field
// instead of crashing a page or a worker further on.
import type { ChooseOutput, ReaderInfo } from '@invoicer/ai';
import type {
  DetectResult,
  DraftDocument,
  JobContext,
  Mention,
  PricedLine,
  ProposedLine,
  RouteDecision,
} from '@invoicer/billing';
import type { PipelineStage } from '@invoicer/core';
import { type EvidenceOutput, EvidenceOutputSchema } from '@invoicer/evidence';
import { z } from 'zod';

export interface ExtractOutput {
  context: JobContext;
  mentions: Mention[];
  candidates: Record<string, { skuId: number; code: string; name: string; score: number }[]>;
  decisions: ChooseOutput['decisions'];
  provider: {
    name: string;
    model: string;
    promptVersion: string;
    inputDigest: string;
    durationMs: number;
    fallback: { from: string; error: string } | null;
  };
  noteLines: ProposedLine[];
  confirmations: [number, string[]][];
  unmatchedMentionIds: string[];
  nonBillable: { mentionId: string; skuId: number | null }[];
  /**
   * Which reader found the mentions, when a model is configured (provider, prompt version,
   * fallback, what grounding dropped and the guard rail overruled). Absent: the local parser.
   */
  reader?: ReaderInfo;
}

export interface PriceOutput {
  lines: PricedLine[];
}

export interface StageOutputs {
  extract: ExtractOutput;
  detect: DetectResult;
  price: PriceOutput;
  draft: DraftDocument;
  evidence: EvidenceOutput;
  route: RouteDecision;
}

const amount = z.string().regex(/^-?\d+(\.\d+)?$/, 'an amount like 12.34');
const line = z.looseObject({ key: z.string(), skuId: z.number(), quantity: z.string() });
const pricedLine = z.looseObject({
  key: z.string(),
  skuId: z.number(),
  skuCode: z.string(),
  origin: z.string(),
  quantity: z.string(),
  unitPrice: z.string(),
  total: amount,
});

const jobContext = z.looseObject({
  tenantId: z.string(),
  job: z.looseObject({
    id: z.number(),
    number: z.string().nullable(),
    jobTypeId: z.number(),
    jobTypeName: z.string(),
    businessUnitId: z.number(),
    completedOn: z.string(),
  }),
  invoice: z.looseObject({
    id: z.number(),
    total: amount,
    items: z.array(z.looseObject({ id: z.number() })),
  }),
  customer: z.looseObject({ name: z.string() }),
});

const SCHEMAS: { [S in PipelineStage]: z.ZodType } = {
  extract: z.looseObject({
    context: jobContext,
    mentions: z.array(z.looseObject({ id: z.string(), text: z.string() })),
    candidates: z.record(z.string(), z.array(z.looseObject({ skuId: z.number() }))),
    decisions: z.array(z.looseObject({ mentionId: z.string() })),
    provider: z.looseObject({ name: z.string(), model: z.string() }),
    noteLines: z.array(line),
    confirmations: z.array(z.tuple([z.number(), z.array(z.string())])),
    unmatchedMentionIds: z.array(z.string()),
    nonBillable: z.array(z.object({ mentionId: z.string(), skuId: z.number().nullable() })),
  }),
  detect: z.looseObject({
    lines: z.array(line),
    suggestions: z.array(line),
    flags: z.array(z.looseObject({ code: z.string() })),
    features: z.array(z.string()),
  }),
  price: z.looseObject({ lines: z.array(pricedLine) }),
  draft: z.looseObject({
    lines: z.array(pricedLine),
    subTotal: amount,
    salesTax: amount,
    total: amount,
    confidence: z.number(),
  }),
  evidence: EvidenceOutputSchema,
  route: z.looseObject({
    route: z.string(),
    reasons: z.array(z.string()),
    mode: z.enum(['shadow', 'suggest', 'auto']),
  }),
};

export class StageOutputError extends Error {
  constructor(stage: string, issues: string[]) {
    super(`the saved ${stage} output is not readable: ${issues.slice(0, 5).join('; ')}`);
    this.name = 'StageOutputError';
  }
}

/** Check a saved value against its stage's schema; throws StageOutputError naming the fields. */
export function checkStageOutput<S extends PipelineStage>(stage: S, value: unknown): StageOutputs[S] {
  const parsed = SCHEMAS[stage].safeParse(value);
  if (!parsed.success)
    throw new StageOutputError(
      stage,
      parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
    );
  // The schema checks what is relied on; the value itself (not zod's copy) is returned whole.
  return value as StageOutputs[S];
}
