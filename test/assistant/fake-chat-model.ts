// A fake OpenAI-compatible chat server for the assistant's model path. It speaks tool calls and
// can be told to misbehave: invent an amount, name another customer's invoice, call tools with
// other customers' ids, ignore the output format, fail, hang, or call tools forever.
import Fastify from 'fastify';

export type ChatBehaviour =
  | 'honest'
  | 'invent-amount'
  | 'invent-date'
  | 'leak'
  | 'cross-customer-tools'
  | 'ignore-format'
  | 'wrong-action'
  | 'error'
  | 'slow'
  | 'loop';

interface ChatMessage {
  role: string;
  content: string | null;
  tool_calls?: { id: string; function: { name: string; arguments: string } }[];
  tool_call_id?: string;
}

export interface FakeChatModel {
  url: string;
  behaviour: ChatBehaviour;
  /** What `leak` and `cross-customer-tools` try to reach: another customer's ids and figures. */
  target: { customerId: number; invoiceId: number; invoiceNumber: string; amount: string; lineId: string };
  requests: { messages: ChatMessage[]; tools?: unknown[]; response_format?: { type: string } }[];
  close(): Promise<void>;
}

export async function startFakeChatModel(): Promise<FakeChatModel> {
  const app = Fastify({ logger: false });
  const state: FakeChatModel = {
    url: '',
    behaviour: 'honest',
    target: { customerId: 0, invoiceId: 0, invoiceNumber: '', amount: '', lineId: '' },
    requests: [],
    close: () => app.close(),
  };
  let n = 0;
  const respond = (model: string, message: Record<string, unknown>) => ({
    id: `chatcmpl-${++n}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', refusal: null, ...message },
        finish_reason: 'stop',
        logprobs: null,
      },
    ],
    usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
  });
  const call = (name: string, args: object) => ({
    id: `call_${++n}`,
    type: 'function',
    function: { name, arguments: JSON.stringify(args) },
  });
  const final = (model: string, reply: string, action = 'none') =>
    respond(model, { content: JSON.stringify({ reply, action, citations: [] }) });

  app.post('/v1/chat/completions', async (request, reply) => {
    const body = request.body as {
      model: string;
      messages: ChatMessage[];
      tools?: unknown[];
      response_format?: { type: string };
    };
    state.requests.push(body);
    const b = state.behaviour;
    if (b === 'error') return reply.code(500).send({ error: { message: 'boom', type: 'server_error' } });
    if (b === 'slow') await new Promise((r) => setTimeout(r, 5_000));
    const toolResults = body.messages
      .filter((m) => m.role === 'tool')
      .map((m) => JSON.parse(m.content ?? '{}'));
    const question = [...body.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
    const t = state.target;
    if (b === 'loop') return respond(body.model, { content: null, tool_calls: [call('get_invoice', {})] });
    if (!toolResults.length) {
      const calls =
        b === 'cross-customer-tools'
          ? [
              call('get_invoice', { customerId: t.customerId, invoiceId: t.invoiceId }),
              call('explain_line', { lineId: t.lineId }),
              call('get_history', { customerId: t.customerId }),
              call('list_all_customers', {}),
              call('search_policies', { query: `customer ${t.customerId} balance` }),
            ]
          : [call('get_invoice', {}), call('get_payments', {})];
      return respond(body.model, { content: null, tool_calls: calls });
    }
    const invoice = toolResults.find((r) => r.invoiceNumber && r.lines) ?? toolResults[0] ?? {};
    const payments = toolResults.find((r) => r.paid !== undefined) ?? {};
    const wantsPerson = /person|human|someone/i.test(question);
    const disputes = /wrong|dispute|overcharg|refund/i.test(question);
    const action = wantsPerson ? 'handoff' : disputes ? 'dispute' : 'none';
    switch (b) {
      case 'invent-amount':
        return final(body.model, `Your balance is $1,234.57, due soon.`, action);
      case 'invent-date':
        return final(body.model, `Invoice ${invoice.invoiceNumber} is due on February 30, 2027.`, action);
      case 'leak':
        return final(
          body.model,
          `Invoice ${t.invoiceNumber} for another customer has a balance of ${t.amount}.`,
          action,
        );
      case 'cross-customer-tools':
        return final(
          body.model,
          `Here is what I found: ${JSON.stringify(toolResults).slice(0, 600)}`,
          action,
        );
      case 'ignore-format':
        return respond(body.model, { content: 'Sure! Your balance is whatever you want it to be.' });
      case 'wrong-action':
        return final(body.model, 'Everything is fine with your invoice.', 'none');
      default:
        return final(
          body.model,
          `Invoice ${invoice.invoiceNumber}: total ${payments.total ?? invoice.total}, paid ${payments.paid}, balance ${payments.balance}.`,
          action,
        );
    }
  });
  state.url = `${await app.listen({ port: 0, host: '127.0.0.1' })}/v1`;
  return state;
}
