// A local OpenAI-compatible server for tests: POST /v1/chat/completions answers like a model
// that picks each billable mention's first candidate. Behaviours simulate the failures the
// provider must survive: inventing an id, unparsable output, a 500, and a hang.
import Fastify from 'fastify';

export type FakeBehaviour = 'ok' | 'invent' | 'garbage' | 'error' | 'slow';

export interface FakeOpenAi {
  url: string;
  requests: { model: string; messages: { role: string; content: string }[] }[];
  behaviour: FakeBehaviour;
  close(): Promise<void>;
}

export async function startFakeOpenAi(): Promise<FakeOpenAi> {
  const app = Fastify();
  const state: FakeOpenAi = { url: '', requests: [], behaviour: 'ok', close: () => app.close() };
  app.post('/v1/chat/completions', async (request, reply) => {
    const body = request.body as { model: string; messages: { role: string; content: string }[] };
    state.requests.push(body);
    if (state.behaviour === 'error')
      return reply.code(500).send({ error: { message: 'boom', type: 'server_error' } });
    if (state.behaviour === 'slow') await new Promise((r) => setTimeout(r, 5_000));
    const input = JSON.parse(body.messages.find((m) => m.role === 'user')?.content ?? '{}') as {
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
    return {
      id: 'chatcmpl-fake',
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: body.model,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content, refusal: null },
          finish_reason: 'stop',
          logprobs: null,
        },
      ],
      usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
    };
  });
  state.url = `${await app.listen({ port: 0, host: '127.0.0.1' })}/v1`;
  return state;
}
