// The default provider: deterministic and offline. For each mention it takes the best-scoring
// candidate when it is good enough and clearly ahead; scores come from the tenant's own
// vocabulary, specs, units, retrieval and past invoice lines (@invoicer/billing match.ts).
import { decideFromScores, type MentionDecision, MIN_MATCH_SCORE } from '@invoicer/billing';
import type { ChooseInput, ExtractionProvider } from './provider.ts';

export const LOCAL_PROMPT_VERSION = 'local-scorer-v1';

export class LocalProvider implements ExtractionProvider {
  readonly name = 'local';
  readonly model = 'deterministic-scorer';
  readonly promptVersion = LOCAL_PROMPT_VERSION;

  constructor(private readonly minScore = MIN_MATCH_SCORE) {}

  async choose(input: ChooseInput): Promise<MentionDecision[]> {
    return input.mentions.map((mention) =>
      decideFromScores(mention, input.candidates[mention.id] ?? [], this.minScore),
    );
  }
}
