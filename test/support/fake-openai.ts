// A local OpenAI-compatible server for tests: POST /v1/chat/completions answers like a model.
// A choose request (response_format "decisions") picks each billable mention's first
// candidate; a read-notes request (response_format "note_mentions") answers from a script,
// note text → mentions. Behaviours simulate the failures the providers must survive: inventing
// an id or a note span, unparsable output, output outside the schema, a 500, and a hang.
import Fastify from 'fastify';

export type FakeBehaviour = 'ok' | 'invent' | 'garbage' | 'error' | 'slow';

/** How the fake answers a read-notes request: scripted, or one of the failure modes. */
export type FakeReadBehaviour =
  | 'ok'
  /** Not JSON at all. */
  | 'garbage'
  /** JSON that breaks the schema (an unknown status). */
  | 'invalid'
  /** Only mentions whose text is not in the notes. */
  | 'hallucinate'
  | 'error'
  | 'slow';

/** A scripted mention (the fake fills in noteIndex). */
export interface FakeReadMention {
  text: string;
  itemText?: string;
  quantity?: number | null;
  unit?: 'each' | 'lb' | 'oz' | 'foot' | 'gallon' | 'quart' | 'hour' | null;
  status: 'done' | 'declined' | 'quoted' | 'tested_ok' | 'customer_supplied' | 'not_needed';
  /** Answer for another note than the one scripted (a wrong noteIndex). */
  noteIndex?: number;
}

export interface FakeRequest {
  model: string;
  messages: { role: string; content: string }[];
  response_format?: { type: string; json_schema?: { name: string; strict?: boolean; schema: unknown } };
}

export interface FakeOpenAi {
  url: string;
  requests: FakeRequest[];
  behaviour: FakeBehaviour;
  readBehaviour: FakeReadBehaviour;
  /**
   * Script for read-notes requests: what the model "reads" in a note, by the note's text (or a
   * function of it); a behaviour instead of mentions fails the whole request that way.
   */
  readings: Map<string, FakeReadMention[] | Exclude<FakeReadBehaviour, 'ok'>>;
  reader: ((note: { index: number; text: string }) => FakeReadMention[]) | null;
  /** The answer to a payment-plan wording request (response_format "plan_wording"). */
  planWording: { opening: string; closing: string };
  close(): Promise<void>;
}

export async function startFakeOpenAi(): Promise<FakeOpenAi> {
  const app = Fastify();
  const state: FakeOpenAi = {
    url: '',
    requests: [],
    behaviour: 'ok',
    readBehaviour: 'ok',
    readings: new Map(),
    reader: null,
    planWording: {
      opening: 'Thank you for choosing us, and for talking it through with our team.',
      closing: 'If any of these dates is hard for you, reply here and we will work it out.',
    },
    close: () => app.close(),
  };
  const completion = (model: string, content: string) => ({
    id: 'chatcmpl-fake',
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
  const hang = () => new Promise((r) => setTimeout(r, 5_000));
  app.post('/v1/chat/completions', async (request, reply) => {
    const body = request.body as FakeRequest;
    state.requests.push(body);
    const user = body.messages.find((m) => m.role === 'user')?.content ?? '{}';

    if (body.response_format?.json_schema?.name === 'note_mentions') {
      const { notes } = JSON.parse(user) as { notes: { index: number; text: string }[] };
      const scripted = notes.map((n) => state.readings.get(n.text) ?? state.reader?.(n) ?? []);
      const failure = scripted.find((s): s is Exclude<FakeReadBehaviour, 'ok'> => typeof s === 'string');
      const behaviour = state.readBehaviour === 'ok' ? (failure ?? 'ok') : state.readBehaviour;
      if (behaviour === 'error')
        return reply.code(500).send({ error: { message: 'boom', type: 'server_error' } });
      if (behaviour === 'slow') await hang();
      if (behaviour === 'garbage') return completion(body.model, 'The notes mention a capacitor.');
      if (behaviour === 'invalid') {
        const bad = { noteIndex: notes[0]?.index ?? 0, text: 'cap', itemText: 'cap', quantity: null };
        return completion(
          body.model,
          JSON.stringify({ mentions: [{ ...bad, unit: null, status: 'maybe' }] }),
        );
      }
      const mentions =
        behaviour === 'hallucinate'
          ? notes.map((n) => ({
              noteIndex: n.index,
              text: 'replaced compressor',
              itemText: 'compressor',
              quantity: null,
              unit: null,
              status: 'done',
            }))
          : notes.flatMap((n, i) =>
              (scripted[i] as FakeReadMention[]).map((m) => ({
                noteIndex: m.noteIndex ?? n.index,
                text: m.text,
                itemText: m.itemText ?? m.text,
                quantity: m.quantity ?? null,
                unit: m.unit ?? null,
                status: m.status,
              })),
            );
      return completion(body.model, JSON.stringify({ mentions }));
    }

    if (state.behaviour === 'error')
      return reply.code(500).send({ error: { message: 'boom', type: 'server_error' } });
    if (state.behaviour === 'slow') await hang();
    if (body.response_format?.json_schema?.name === 'plan_wording')
      return completion(
        body.model,
        state.behaviour === 'garbage' ? 'Dear customer, pay soon.' : JSON.stringify(state.planWording),
      );
    const input = JSON.parse(user) as {
      mentions: { id: string; billable: boolean; quantity: number | null }[];
      candidates: Record<string, { skuId: number }[]>;
    };
    const decisions = input.mentions.map((m) => ({
      mentionId: m.id,
      skuId: state.behaviour === 'invent' ? 999_999 : (input.candidates[m.id]?.[0]?.skuId ?? null),
      quantity: m.quantity,
      billable: m.billable,
      confidence: 0.9,
      reason: 'first candidate',
    }));
    const content =
      state.behaviour === 'garbage' ? 'I think it is a capacitor.' : JSON.stringify({ decisions });
    return completion(body.model, content);
  });
  state.url = `${await app.listen({ port: 0, host: '127.0.0.1' })}/v1`;
  return state;
}
