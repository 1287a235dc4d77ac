// The CSR's draft for a suggested plan: the local provider (a fixed template) unless the tenant
// configured a model (settings `ai.provider` "openai"); then the model writes only the opening and
// closing, code inserts the schedule, and both checks run (no number in the model's words; every
// amount and date of the plan stated verbatim, no other amount). A model that fails, answers
// badly or breaks a check is replaced by the local draft, and the reason is kept.

import { writePlanWording } from '@invoicer/ai';
import {
  checkModelWording,
  checkPlanDraft,
  composePlanDraft,
  draftPlanMessage,
  type PlanDraftFacts,
} from '@invoicer/collections';
import { errorMessage, type TenantSettings } from '@invoicer/core';

export interface PlanDraft {
  text: string;
  provider: 'local' | 'openai';
  model: string | null;
  /** Why the configured model's draft was not used. */
  fallback: string | null;
}

export async function draftForPlan(
  ai: TenantSettings['ai'],
  facts: PlanDraftFacts,
  env: NodeJS.ProcessEnv = process.env,
): Promise<PlanDraft> {
  const local = (fallback: string | null): PlanDraft => {
    const text = draftPlanMessage(facts);
    const problems = checkPlanDraft(text, facts.balanceCents, facts.option);
    if (problems.length) throw new Error(`plan draft failed its check: ${problems.join('; ')}`);
    return { text, provider: 'local', model: null, fallback };
  };
  if (ai.provider !== 'openai') return local(null);
  try {
    const wording = await writePlanWording(
      ai,
      { businessName: facts.businessName, customerName: facts.customerName },
      env,
    );
    const problems = checkModelWording(wording);
    const text = composePlanDraft(facts, wording);
    problems.push(...checkPlanDraft(text, facts.balanceCents, facts.option));
    if (problems.length) return local(`the model's draft was refused: ${problems.join('; ')}`);
    return { text, provider: 'openai', model: wording.model, fallback: null };
  } catch (error) {
    return local(`the model failed: ${errorMessage(error)}`);
  }
}
