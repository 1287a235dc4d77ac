// Any OpenAI-compatible endpoint (OpenAI, or a local Ollama / vLLM server via baseURL), with a
// structured output validated by zod. The model sees the notes, the parsed mentions and each
// mention's retrieved candidates; it answers with one decision per mention and may only name
// a candidate's SKU. Prices, tax and quantities' plausibility are checked afterwards.
import type { MentionDecision } from '@invoicer/billing';
import OpenAI from 'openai';
import { zodResponseFormat } from 'openai/helpers/zod';
import { z } from 'zod';
import type { ChooseInput, ExtractionProvider } from './provider.ts';

export const OPENAI_PROMPT_VERSION = 'choose-candidates-v1';

const Decisions = z.object({
  decisions: z.array(
    z.object({
      mentionId: z.string(),
      skuId: z.number().int().nullable(),
      quantity: z.number().nullable(),
      billable: z.boolean(),
      confidence: z.number(),
      reason: z.string(),
    }),
  ),
});

const SYSTEM_PROMPT = `You help a field-service billing team turn technician notes into invoice lines.
For every mention in the input, decide:
- billable: true only if the work or part was actually done or used on this job. Quoted, recommended,
  declined, deferred or "not needed" items are never billable.
- skuId: the id of the candidate that names this item, or null if none fits. Only ids from that
  mention's candidate list are allowed. Never invent an id.
- quantity: the count or measure the notes give (pounds of refrigerant, feet of pipe), or null.
- confidence: 0..1, how sure you are of the SKU choice.
- reason: one short sentence.
Answer every mention exactly once. Never output prices or tax.`;

export interface OpenAiProviderOptions {
  apiKey?: string;
  baseURL?: string;
  model: string;
  timeoutMs: number;
}

export class OpenAiProvider implements ExtractionProvider {
  readonly name = 'openai';
  readonly promptVersion = OPENAI_PROMPT_VERSION;
  private readonly client: OpenAI;

  constructor(private readonly options: OpenAiProviderOptions) {
    this.client = new OpenAI({
      apiKey: options.apiKey ?? process.env.OPENAI_API_KEY ?? 'not-needed-for-local-servers',
      baseURL: options.baseURL,
      timeout: options.timeoutMs,
      maxRetries: 1,
    });
  }

  get model(): string {
    return this.options.model;
  }

  async choose(input: ChooseInput): Promise<MentionDecision[]> {
    const completion = await this.client.chat.completions.parse({
      model: this.options.model,
      temperature: 0,
      messages: [
        { role: 'system', content: SYSTEM_PROMPT },
        { role: 'user', content: JSON.stringify(input) },
      ],
      response_format: zodResponseFormat(Decisions, 'decisions'),
    });
    const parsed = completion.choices[0]?.message.parsed;
    if (!parsed) throw new Error('the model returned no parsable decisions');
    return parsed.decisions;
  }
}
