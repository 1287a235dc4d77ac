// The collectors' call list: open past-due invoices ranked by expected recovery = balance ×
// P(paid within 30 days after due). Until outcome data can estimate the lift of a call, the
// probability of paying stands in for it (FEATURES-RESEARCH B.3). Invoices that dunning must
// skip (disputed, on a plan) are left out; ties go to the older invoice.
import type { RiskScore } from './scorecard.ts';

export interface CallCandidate {
  invoiceId: number;
  customerId: number;
  customerName: string;
  balanceCents: number;
  daysPastDue: number;
  score: RiskScore;
  excluded?: string | null;
}

export interface CallListEntry extends CallCandidate {
  /** Cents, rounded to the cent: what calling this one is expected to bring in (a ranking figure, never billed). */
  expectedRecoveryCents: number;
  priority: 'Urgent' | 'High' | 'Normal' | 'Low';
  reason: string;
}

export function expectedRecoveryCents(balanceCents: number, risk: number): number {
  return Math.round(balanceCents * Math.min(1, Math.max(0, 1 - risk)));
}

export function rankCallList(candidates: readonly CallCandidate[], limit = 50): CallListEntry[] {
  const ranked = candidates
    .filter((c) => !c.excluded && c.balanceCents > 0 && c.daysPastDue > 0)
    .map((c) => ({ ...c, expectedRecoveryCents: expectedRecoveryCents(c.balanceCents, c.score.risk) }))
    .sort(
      (a, b) =>
        b.expectedRecoveryCents - a.expectedRecoveryCents ||
        b.daysPastDue - a.daysPastDue ||
        a.invoiceId - b.invoiceId,
    )
    .slice(0, limit);
  const n = ranked.length;
  return ranked.map((c, i) => ({
    ...c,
    // Bands by rank: top 10% Urgent, next 20% High, next 40% Normal, rest Low (ServiceTitan task priorities).
    priority:
      i < Math.ceil(n * 0.1)
        ? 'Urgent'
        : i < Math.ceil(n * 0.3)
          ? 'High'
          : i < Math.ceil(n * 0.7)
            ? 'Normal'
            : 'Low',
    reason: c.score.reasons
      .filter((r) => r.points > 0)
      .slice(0, 2)
      .map((r) => r.text)
      .join('; '),
  }));
}
