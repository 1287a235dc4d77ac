import type { TenantSettings } from '@invoicer/core';
import { LocalProvider } from './local.ts';
import { OpenAiProvider } from './openai.ts';
import type { ExtractionProvider } from './provider.ts';

export * from './choose.ts';
export * from './local.ts';
export * from './openai.ts';
export * from './provider.ts';
export * from './read.ts';
export * from './reading.ts';

/** The provider a tenant's settings choose. */
export function providerFor(
  ai: TenantSettings['ai'],
  env: { OPENAI_API_KEY?: string; OPENAI_BASE_URL?: string } = process.env,
): ExtractionProvider {
  if (ai.provider === 'openai') {
    return new OpenAiProvider({
      apiKey: env.OPENAI_API_KEY,
      baseURL: ai.baseUrl ?? env.OPENAI_BASE_URL,
      model: ai.model,
      timeoutMs: ai.timeoutMs,
    });
  }
  return new LocalProvider();
}
export * from './plan-wording.ts';
export * from './vision.ts';
