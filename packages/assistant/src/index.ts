// @invoicer/assistant: the customer invoice assistant (issue 19) behind a signed invoice link.
export * from './assistant.ts';
export * from './facts.ts';
export * from './guard.ts';
export * from './handoff.ts';
export * from './intents.ts';
export * from './link.ts';
export * from './local.ts';
export * from './model.ts';
export * from './policies.ts';
export * from './provider.ts';
export * from './tools.ts';

import type { TenantSettings } from '@invoicer/core';
import { LocalAssistantProvider } from './local.ts';
import { OpenAiAssistantProvider } from './model.ts';
import type { AssistantProvider } from './provider.ts';

/** The provider a tenant's `ai` settings choose (the same settings as extraction). */
export function assistantProviderFor(
  ai: TenantSettings['ai'],
  env: { OPENAI_API_KEY?: string; OPENAI_BASE_URL?: string } = process.env,
): AssistantProvider {
  if (ai.provider === 'openai')
    return new OpenAiAssistantProvider({
      apiKey: env.OPENAI_API_KEY,
      baseURL: ai.baseUrl ?? env.OPENAI_BASE_URL,
      model: ai.model,
      timeoutMs: ai.timeoutMs,
    });
  return new LocalAssistantProvider();
}
