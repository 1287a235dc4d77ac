// Reviewers' verdicts on our past suggestions, fed back: a SKU our drafts added and reviewers
// then removed (or swapped) stops being added with the confidence its sources claim. The line's
// confidence is capped at the chance a reviewer kept such a line, (kept + 1) / (reviewed + 2)
// (Laplace's rule), once at least MIN_REMOVED reviewers removed it; below the draft's add
// threshold it becomes a suggestion the reviewer sees instead of a line. Nothing is raised: a
// suggestion reviewers always keep keeps its own confidence.
import type { ProposedLine } from '../types.ts';

export interface ReviewerVerdict {
  kept: number;
  removed: number;
}

export type ReviewerVerdicts = ReadonlyMap<number, ReviewerVerdict>;

/** One removal may be a one-off; two are a pattern worth acting on. */
const MIN_REMOVED = 2;

export function keptShare(verdict: ReviewerVerdict): number {
  return (verdict.kept + 1) / (verdict.kept + verdict.removed + 2);
}

export function applyReviewerVerdicts(
  lines: ProposedLine[],
  verdicts: ReviewerVerdicts | undefined,
): ProposedLine[] {
  if (!verdicts?.size) return lines;
  return lines.map((line) => {
    const verdict = line.origin === 'added' ? verdicts.get(line.skuId) : undefined;
    if (!verdict || verdict.removed < MIN_REMOVED) return line;
    const cap = keptShare(verdict);
    if (cap >= line.confidence) return line;
    const reviewed = verdict.kept + verdict.removed;
    return {
      ...line,
      confidence: cap,
      evidence: [
        ...line.evidence,
        {
          kind: 'history_pattern',
          detail: `Reviewers removed this suggestion on ${verdict.removed} of ${reviewed} reviewed invoice${reviewed === 1 ? '' : 's'}.`,
          support: reviewed,
          confidence: cap,
        },
      ],
    };
  });
}
