// A local OpenAI-compatible vision model for the evidence tests: answers "photo_findings"
// requests from a script keyed by photo id, after checking the request's shape (strict JSON
// schema, base64 JPEG image_url parts). Other requests (notes, choices) get a 500, so the
// pipeline falls back to its local reader for them. Behaviours: ok, hallucinate (a line it was
// not shown and a dollar amount), garbage (not JSON), error (500).
import Fastify from 'fastify';

export type VisionScript = (
  photoId: number,
  lines: { key: string; name: string }[],
) =>
  | { lineKey: string | null; evidence: 'present' | 'contradicts' | 'unclear'; item: string }
  | 'hallucinate'
  | 'garbage'
  | 'error';

export interface FakeVision {
  url: string;
  requests: { model: string; photoIds: number[]; images: string[]; strict: boolean | undefined }[];
  script: VisionScript;
  close(): Promise<void>;
}

interface Part {
  type: string;
  text?: string;
  image_url?: { url: string; detail?: string };
}

export async function startFakeVision(): Promise<FakeVision> {
  const app = Fastify({ bodyLimit: 50 * 1024 * 1024 });
  const state: FakeVision = {
    url: '',
    requests: [],
    script: () => ({ lineKey: null, evidence: 'unclear', item: 'nothing' }),
    close: () => app.close(),
  };
  const completion = (model: string, content: string) => ({
    id: 'chatcmpl-vision',
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content, refusal: null },
        finish_reason: 'stop',
        logprobs: null,
      },
    ],
    usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
  });
  app.post('/v1/chat/completions', async (request, reply) => {
    const body = request.body as {
      model: string;
      messages: { role: string; content: string | Part[] }[];
      response_format?: { json_schema?: { name: string; strict?: boolean } };
    };
    if (body.response_format?.json_schema?.name !== 'photo_findings')
      return reply.code(500).send({ error: { message: 'only photos here', type: 'server_error' } });
    const parts = body.messages.find((m) => m.role === 'user')?.content as Part[];
    const images = parts.filter((p) => p.type === 'image_url').map((p) => p.image_url!.url);
    const { lines, photoIds } = JSON.parse(parts.find((p) => p.type === 'text')!.text!) as {
      lines: { key: string; name: string }[];
      photoIds: number[];
    };
    state.requests.push({
      model: body.model,
      photoIds,
      images,
      strict: body.response_format.json_schema.strict,
    });
    if (!images.every((u) => u.startsWith('data:image/jpeg;base64,')))
      return reply.code(400).send({ error: { message: 'images must be base64 JPEG data URLs' } });
    const answers = photoIds.map((id) => ({ id, answer: state.script(id, lines) }));
    if (answers.some((a) => a.answer === 'error'))
      return reply.code(500).send({ error: { message: 'boom' } });
    if (answers.some((a) => a.answer === 'garbage')) return completion(body.model, 'I see a nice condenser.');
    const photos = answers.map(({ id, answer }) => ({
      photoId: id,
      findings:
        typeof answer === 'string'
          ? [
              {
                item: 'compressor',
                state: 'new',
                action: 'installed',
                lineKey: 'item:nope',
                evidence: 'present',
                observation: 'A new compressor.',
              },
              {
                item: 'capacitor',
                state: 'new',
                action: 'replaced',
                lineKey: lines[0]?.key ?? null,
                evidence: 'present',
                observation: 'Worth $450 at list.',
              },
            ]
          : [
              {
                item: answer.item,
                state: 'as seen',
                action: 'replaced',
                lineKey: answer.lineKey,
                evidence: answer.evidence,
                observation: '',
              },
            ],
    }));
    return completion(body.model, JSON.stringify({ photos }));
  });
  state.url = `${await app.listen({ port: 0, host: '127.0.0.1' })}/v1`;
  return state;
}
