// What answers a question: the local template provider or an OpenAI-compatible model. Either one
// reaches the customer's data only through the scoped tools, and its reply goes through the guard.
import type { ScopedTools } from './tools.ts';

export type AssistantAction = 'none' | 'handoff' | 'dispute';

export interface AnswerInput {
  question: string;
  /** Earlier turns of this conversation (what was shown), oldest first. */
  history: { question: string; reply: string }[];
  tools: ScopedTools;
}

export interface Answer {
  reply: string;
  intent: string;
  /** Structured, never read from the reply's words (a template or a prompt cannot break it). */
  action: AssistantAction;
  /** Invoice line ids and policy chunk ids the reply is based on. */
  citations: string[];
}

export interface AssistantProvider {
  readonly name: string;
  answer(input: AnswerInput): Promise<Answer>;
}
