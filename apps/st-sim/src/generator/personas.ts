// Customer payment personas (issue 16), opt-in (`--personas`): each customer pays the invoices
// left open after the visit in a way of its own, so a collections risk score has something real
// to learn from the customer's history. Off by default: without it the generator's output is
// unchanged. Shares: prompt 55 %, slow 25 %, disputes 10 %, never pays after 90 days 10 %.
import { Rng } from './rng.ts';

export type PaymentPersona = 'prompt' | 'slow' | 'disputes' | 'never_after_90';

export function personaOf(seed: number, customerId: number): PaymentPersona {
  return Rng.derive(seed, 'persona', customerId).weighted<PaymentPersona>([
    ['prompt', 55],
    ['slow', 25],
    ['disputes', 10],
    ['never_after_90', 10],
  ]);
}

/**
 * Days from the work (or the month's last job, for Net 30 accounts) to the payment of what was
 * left open, or null when this persona never pays it. `net` adds the account's terms.
 */
export function personaPaymentDays(rng: Rng, persona: PaymentPersona, net = 0): number | null {
  switch (persona) {
    case 'prompt':
      return net + rng.int(2, 14);
    case 'slow':
      return net + rng.int(45, 85);
    case 'disputes':
      return rng.chance(0.5) ? net + rng.int(60, 120) : null;
    case 'never_after_90':
      return rng.chance(0.45) ? net + rng.int(10, 60) : null;
  }
}
