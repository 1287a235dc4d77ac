// Photos described by an OpenAI-compatible vision model (issue 18): each photo as a base64
// image_url part, the draft's lines as the only things it may point at, and a structured answer
// validated by zod. The answer carries no numbers at all: it can support or question a line,
// never add money, a SKU or a price (the evidence package grounds it before anything uses it).
import OpenAI from 'openai';
import { zodResponseFormat } from 'openai/helpers/zod';
import { z } from 'zod';
import type { OpenAiProviderOptions } from './openai.ts';

/** Bump whenever VISION_PROMPT or the VisionReading schema changes: the evidence records it. */
export const VISION_PROMPT_VERSION = 'photo-findings-v1';

export const VISION_PROMPT = `You look at photos from a field-service job for the billing team.
For each photo, list what it shows that bears on the lines the technician billed: the item, its
state (new, old, damaged, removed, installed…), and the action visible (installed, replaced,
repaired, inspected, none, unclear). Point at a billed line only by its "key" from the list you
are given, or null. Say "present" when the photo shows that line's work was done, "contradicts"
when it shows otherwise, "unclear" when you cannot tell. Never state prices, amounts, quantities,
part numbers you cannot read, or new items to bill.`;

export const VisionAction = z.enum(['installed', 'replaced', 'repaired', 'inspected', 'none', 'unclear']);
export const VisionEvidence = z.enum(['present', 'contradicts', 'unclear']);

export const VisionReading = z.object({
  photos: z.array(
    z.object({
      photoId: z.number().int(),
      findings: z.array(
        z.object({
          item: z.string().max(120),
          state: z.string().max(120),
          action: VisionAction,
          lineKey: z.string().nullable(),
          evidence: VisionEvidence,
          observation: z.string().max(300),
        }),
      ),
    }),
  ),
});
export type VisionReading = z.infer<typeof VisionReading>;

export interface VisionInput {
  lines: { key: string; name: string; type: string }[];
  /** JPEG bytes, already downscaled (≤ 1,024 px). */
  photos: { photoId: number; jpeg: Buffer }[];
}

export async function describePhotos(
  options: OpenAiProviderOptions,
  input: VisionInput,
  signal?: AbortSignal,
): Promise<VisionReading> {
  const client = new OpenAI({
    apiKey: options.apiKey ?? process.env.OPENAI_API_KEY ?? 'not-needed-for-local-servers',
    baseURL: options.baseURL,
    timeout: options.timeoutMs,
    maxRetries: 1,
  });
  const completion = await client.chat.completions.parse(
    {
      model: options.model,
      temperature: 0,
      messages: [
        { role: 'system', content: VISION_PROMPT },
        {
          role: 'user',
          content: [
            {
              type: 'text',
              text: JSON.stringify({ lines: input.lines, photoIds: input.photos.map((p) => p.photoId) }),
            },
            ...input.photos.map((p) => ({
              type: 'image_url' as const,
              image_url: {
                url: `data:image/jpeg;base64,${p.jpeg.toString('base64')}`,
                detail: 'low' as const,
              },
            })),
          ],
        },
      ],
      response_format: zodResponseFormat(VisionReading, 'photo_findings'),
    },
    { signal },
  );
  const message = completion.choices[0]?.message;
  if (message?.refusal) throw new Error(`the model refused: ${message.refusal.slice(0, 200)}`);
  if (!message?.parsed) throw new Error('the model returned no parsable photo findings');
  return message.parsed;
}
