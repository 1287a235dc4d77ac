// Run the tenant's provider; if it fails, times out or answers outside its rules, fall back
// to the local provider and say so, so the run is marked and the audit trail records it.
import { errorMessage } from '@invoicer/core';
import { LocalProvider } from './local.ts';
import {
  type ChooseInput,
  type ChooseOutput,
  type ExtractionProvider,
  inputDigest,
  validateDecisions,
} from './provider.ts';

export async function chooseWithFallback(
  provider: ExtractionProvider,
  input: ChooseInput,
  timeoutMs: number,
): Promise<ChooseOutput> {
  const digest = inputDigest(input);
  const started = performance.now();
  const local = provider instanceof LocalProvider ? provider : new LocalProvider();
  const output = (
    p: ExtractionProvider,
    decisions: ChooseOutput['decisions'],
    fallback: ChooseOutput['fallback'],
  ): ChooseOutput => ({
    decisions,
    provider: p.name,
    model: p.model,
    promptVersion: p.promptVersion,
    inputDigest: digest,
    durationMs: Math.round(performance.now() - started),
    fallback,
  });
  if (!input.mentions.length) return output(provider, [], null);
  try {
    let timer: NodeJS.Timeout | undefined;
    const decisions = await Promise.race([
      provider.choose(input).finally(() => clearTimeout(timer)),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`${provider.name} timed out after ${timeoutMs} ms`)),
          timeoutMs,
        );
      }),
    ]);
    const checked = validateDecisions(input, decisions);
    if (checked.problems.length && provider !== local) {
      throw new Error(`invalid model output: ${checked.problems.slice(0, 3).join('; ')}`);
    }
    return output(provider, checked.decisions, null);
  } catch (error) {
    if (provider === local) throw error;
    const decisions = validateDecisions(input, await local.choose(input)).decisions;
    return output(local, decisions, { from: provider.name, error: errorMessage(error).slice(0, 500) });
  }
}
