// Any OpenAI-compatible endpoint (OpenAI, or a local Ollama / vLLM server via baseURL), with a
// structured output validated by zod. The model sees the notes, the parsed mentions and each
// mention's retrieved candidates; it answers with one decision per mention and may only name
// a candidate's SKU. Prices, tax and quantities' plausibility are checked afterwards.
// It can also read the notes itself (readNotes): a list of item mentions with verbatim note
// spans and a status, which read.ts grounds in the notes and guards before anything uses it.
import type { MentionDecision } from '@invoicer/billing';
import OpenAI from 'openai';
import { zodResponseFormat } from 'openai/helpers/zod';
import { z } from 'zod';
import type { ChooseInput, ExtractionProvider } from './provider.ts';
import { NoteReading, type NoteText, type ReadMention } from './reading.ts';

export const OPENAI_PROMPT_VERSION = 'choose-candidates-v1';
/** Bump whenever READ_PROMPT or the NoteReading schema changes: the audit records it. */
export const READ_PROMPT_VERSION = 'read-notes-v1';

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

export const READ_PROMPT = `You read a field-service technician's job notes for the billing team.
List every part, material, piece of equipment or service the notes mention, one entry per item,
in the order they appear. For each:
- noteIndex: the index of the note it is in.
- text: the words of that note that name the item, copied exactly as written: same spelling,
  abbreviations and numbers, a short phrase such as "45/5 cap" or "3 lbs R-410A". Never correct,
  rephrase or join words from different places; if an item is mentioned twice, list it twice.
- itemText: the item in plain words, e.g. "45/5 MFD dual run capacitor".
- quantity: the count or measure the note writes for it (3 for "3 lbs", 2 for "2x"), else null.
  Never guess one.
- unit: each, lb, oz, foot, gallon, quart or hour when the note gives one, else null.
- status:
  done: installed, replaced, added, used or performed on this job.
  declined: offered or recommended, and the customer said no or put it off.
  quoted: only recommended, quoted or estimated, with no answer from the customer.
  tested_ok: inspected, tested or checked and found fine; nothing was replaced or added.
  customer_supplied: the customer provided the part.
  not_needed: the note says it was not needed, not used or not added.
If you are not sure something was done, do not answer done. Never output SKUs, prices or tax.`;

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

  readonly readPromptVersion = READ_PROMPT_VERSION;

  /** The notes as a list of item mentions (structured output, parsed and validated by zod). */
  async readNotes(notes: NoteText[], options: { signal?: AbortSignal } = {}): Promise<ReadMention[]> {
    const completion = await this.client.chat.completions.parse(
      {
        model: this.options.model,
        temperature: 0,
        messages: [
          { role: 'system', content: READ_PROMPT },
          { role: 'user', content: JSON.stringify({ notes }) },
        ],
        response_format: zodResponseFormat(NoteReading, 'note_mentions'),
      },
      { signal: options.signal },
    );
    const message = completion.choices[0]?.message;
    if (message?.refusal) throw new Error(`the model refused: ${message.refusal.slice(0, 200)}`);
    if (!message?.parsed) throw new Error('the model returned no parsable reading');
    return message.parsed.mentions;
  }
}
