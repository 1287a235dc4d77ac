// One turn of a conversation: the provider answers through the link-scoped tools, the guard
// checks the reply against that turn's tool outputs, a handoff or dispute opens (or refreshes)
// the conversation's one review item and pauses reminders on the invoice, and the turn is stored.
import type { Db } from '@invoicer/db';
import { type CustomerFacts, loadCustomerFacts } from './facts.ts';
import { checkReply, type GuardDecision, groundingOf, safeReply } from './guard.ts';
import { handOff } from './handoff.ts';
import type { LinkScope } from './link.ts';
import { LocalAssistantProvider } from './local.ts';
import type { Answer, AssistantProvider } from './provider.ts';
import { ScopedTools } from './tools.ts';

export const MAX_QUESTION_CHARS = 1000;

export interface TurnResult {
  reply: string;
  intent: string;
  action: Answer['action'];
  provider: string;
  guard: GuardDecision & { replaced: boolean };
  fallback: string | null;
  reviewItemId: string | null;
}

export interface AskInput {
  scope: LinkScope;
  linkDigest: string;
  question: string;
  provider: AssistantProvider;
  /** Hours to the review item's SLA (the tenant's review SLA). */
  slaHours: number;
  /** The facts, when the caller has them already. */
  facts?: CustomerFacts;
}

export class FactsUnavailableError extends Error {}

async function conversationFor(db: Db, scope: LinkScope, linkDigest: string) {
  return db.assistantConversation.upsert({
    where: { linkDigest },
    create: {
      tenantId: scope.tenantId,
      customerId: scope.customerId,
      invoiceId: scope.invoiceId,
      linkDigest,
    },
    update: {},
    include: { turns: { orderBy: { id: 'asc' }, take: 50 } },
  });
}

export async function conversationTurns(db: Db, linkDigest: string) {
  const c = await db.assistantConversation.findUnique({
    where: { linkDigest },
    include: { turns: { orderBy: { id: 'asc' }, take: 50 } },
  });
  return c?.turns ?? [];
}

export async function ask(db: Db, input: AskInput): Promise<TurnResult> {
  const question = input.question.replace(/\s+/g, ' ').trim().slice(0, MAX_QUESTION_CHARS);
  const facts = input.facts ?? (await loadCustomerFacts(db, input.scope));
  if (!facts) throw new FactsUnavailableError('the invoice of this link is not available');
  const conversation = await conversationFor(db, input.scope, input.linkDigest);
  const history = conversation.turns.map((t) => ({ question: t.question, reply: t.reply }));

  let tools = new ScopedTools(db, input.scope, facts);
  let answer: Answer;
  let provider = input.provider.name;
  let fallback: string | null = null;
  try {
    answer = await input.provider.answer({ question, history, tools });
  } catch (error) {
    // A model that fails or times out: the local provider answers, with fresh tool outputs.
    fallback = (error as Error).message.slice(0, 200);
    tools = new ScopedTools(db, input.scope, facts);
    answer = await new LocalAssistantProvider().answer({ question, history, tools });
    provider = `local (fallback from ${input.provider.name})`;
  }
  const decision = checkReply(answer.reply, groundingOf(tools.outputs()));
  const reply = decision.ok ? answer.reply : safeReply(facts.invoice.shopName);

  let reviewItemId = conversation.reviewItemId;
  const details = {
    conversationId: conversation.id,
    customerId: input.scope.customerId,
    invoiceId: input.scope.invoiceId,
    invoiceNumber: facts.invoice.invoiceNumber,
    transcript: [...history, { question, reply }],
  };
  if (answer.action !== 'none') {
    reviewItemId = await handOff(db, {
      scope: input.scope,
      conversationId: conversation.id,
      action: answer.action,
      facts,
      details,
      slaHours: input.slaHours,
    });
  } else if (reviewItemId) {
    // Later questions reach the person handling it.
    await db.reviewItem.updateMany({
      where: { id: reviewItemId },
      data: { details },
    });
  }
  await db.assistantTurn.create({
    data: {
      conversationId: conversation.id,
      question,
      reply,
      intent: answer.intent,
      provider,
      action: answer.action === 'none' ? null : answer.action,
      toolCalls: JSON.parse(JSON.stringify(tools.calls)),
      guard: {
        ...decision,
        replaced: !decision.ok,
        original: decision.ok ? undefined : answer.reply,
        fallback,
        citations: answer.citations,
      },
    },
  });
  return {
    reply,
    intent: answer.intent,
    action: answer.action,
    provider,
    guard: { ...decision, replaced: !decision.ok },
    fallback,
    reviewItemId,
  };
}
