// Dunning levels: ordered per tenant, each with a channel and a number of days past due. The
// level due for an invoice is the highest one it has reached that was not done yet; a level is
// never repeated (the message ledger's key is the invoice + level) and nothing is done for an
// invoice that is paid, disputed, on a plan or whose customer opted out of the channel.
export type DunningChannel = 'email' | 'sms' | 'call_task' | 'manager_review';

export interface DunningLevel {
  key: string;
  channel: DunningChannel;
  afterDaysPastDue: number;
}

export const DEFAULT_DUNNING_LEVELS: readonly DunningLevel[] = [
  { key: 'l1-email', channel: 'email', afterDaysPastDue: 7 },
  { key: 'l2-sms', channel: 'sms', afterDaysPastDue: 21 },
  { key: 'l3-call', channel: 'call_task', afterDaysPastDue: 35 },
  { key: 'l4-review', channel: 'manager_review', afterDaysPastDue: 60 },
];

export interface DunningFacts {
  balanceCents: number;
  daysPastDue: number | null;
  disputed: boolean;
  onPlan: boolean;
  optedOut: Partial<Record<DunningChannel, boolean>>;
  /** Level keys already done (sent, suppressed or skipped) for this invoice. */
  done: ReadonlySet<string>;
}

export type DunningDecision =
  | { action: 'none'; reason: string }
  | { action: 'skip'; reason: string }
  | { action: 'do'; level: DunningLevel };

export function nextDunningStep(levels: readonly DunningLevel[], f: DunningFacts): DunningDecision {
  if (f.balanceCents <= 0) return { action: 'skip', reason: 'paid' };
  if (f.disputed) return { action: 'skip', reason: 'disputed' };
  if (f.onPlan) return { action: 'skip', reason: 'on a payment plan' };
  if (f.daysPastDue === null) return { action: 'none', reason: 'no due date' };
  const reached = levels.filter((l) => f.daysPastDue! >= l.afterDaysPastDue);
  const level = reached[reached.length - 1];
  if (!level) return { action: 'none', reason: 'not yet at the first level' };
  if (f.done.has(level.key)) return { action: 'none', reason: `${level.key} already done` };
  if (f.optedOut[level.channel]) return { action: 'skip', reason: `opted out of ${level.channel}` };
  return { action: 'do', level };
}
