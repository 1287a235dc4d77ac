// The contact policy shared by every customer message (invoice delivery, reminders, and
// collections/dunning later). A table of rules, evaluated in order; the first rule that
// suppresses wins, then the latest deferral. Pure: the caller gathers the facts.
//
// The defaults are conservative settings, NOT legal advice: quiet hours in the recipient's own
// time zone (08:00–21:00 for any message, 09:00–18:00 for reminders and collections), at most
// 2 messages per subject in 7 days, no reminder within 48 h of another message about the same
// subject, no reminder or collection message while the balance is 0, a payment is pending, a
// dispute or a payment plan pauses it, and nothing to anyone who opted out.
import { type LocalWindow, nextWindowOpening } from './local-time.ts';

export type Channel = 'email' | 'sms';

/**
 * What a message is for. 'transactional': the invoice itself (sent once, on the day of the
 * work); 'reminder': before/after the due date; 'collection': dunning (issue 16);
 * 'installment': a payment plan's own reminders (not paused by the plan).
 */
export type MessageCategory = 'transactional' | 'reminder' | 'collection' | 'installment';

export interface ContactPolicySettings {
  /** Local hours any message may be sent in. */
  quietHours: LocalWindow;
  /** Local hours reminders and collection messages may be sent in (inside quietHours). */
  reminderHours: LocalWindow;
  /** At most this many messages about one subject within `capWindowDays`. */
  maxPerSubject: number;
  capWindowDays: number;
  /** A reminder is skipped when another message about the subject went out this recently. */
  minHoursBetweenReminders: number;
}

export const DEFAULT_CONTACT_POLICY: ContactPolicySettings = {
  quietHours: { start: '08:00', end: '21:00' },
  reminderHours: { start: '09:00', end: '18:00' },
  maxPerSubject: 2,
  capWindowDays: 7,
  minHoursBetweenReminders: 48,
};

export interface PolicyFacts {
  now: Date;
  category: MessageCategory;
  channel: Channel;
  /** The recipient's IANA time zone. */
  timeZone: string;
  recipient: {
    /** ServiceTitan phoneSettings.doNotText on this number. */
    doNotText?: boolean;
    /** On ServiceTitan's Telecom opt-out list. */
    stOptedOut?: boolean;
    /** Replied STOP to us (our list). */
    stopped?: boolean;
    /** Unsubscribed from reminder emails (List-Unsubscribe). */
    unsubscribed?: boolean;
  };
  subject: {
    /** Open balance; null when unknown (treated as not zero only for transactional messages). */
    balanceCents: number | null;
    paymentPending?: boolean;
    disputed?: boolean;
    onPlan?: boolean;
  };
  /** When earlier messages about the same subject were sent (any channel, any purpose). */
  sentAt: Date[];
  /**
   * The ones the frequency cap counts: reminders and collection messages (the invoice itself and
   * a clerk's resend are not dunning). Defaults to sentAt.
   */
  capSentAt?: Date[];
  /** A person asked for this send in the console: caps and the reminder gap do not apply. */
  manual?: boolean;
}

export type PolicyDecision =
  | { outcome: 'allow' }
  | { outcome: 'defer'; until: Date; rule: string; reason: string }
  | { outcome: 'suppress'; rule: string; reason: string };

type RuleResult = Exclude<PolicyDecision, { outcome: 'allow' }> | null;

export interface PolicyRule {
  name: string;
  check(facts: PolicyFacts, settings: ContactPolicySettings): RuleResult;
}

const dunning = (c: MessageCategory) => c === 'reminder' || c === 'collection';
const suppress = (rule: string, reason: string): RuleResult => ({ outcome: 'suppress', rule, reason });

export const POLICY_RULES: readonly PolicyRule[] = [
  {
    name: 'sms_do_not_text',
    check: (f) =>
      f.channel === 'sms' && f.recipient.doNotText
        ? suppress('sms_do_not_text', 'the number is marked Do Not Text in ServiceTitan')
        : null,
  },
  {
    name: 'sms_st_opt_out',
    check: (f) =>
      f.channel === 'sms' && f.recipient.stOptedOut
        ? suppress('sms_st_opt_out', "the number is on ServiceTitan's SMS opt-out list")
        : null,
  },
  {
    name: 'sms_stop',
    check: (f) =>
      f.channel === 'sms' && f.recipient.stopped ? suppress('sms_stop', 'the number replied STOP') : null,
  },
  {
    name: 'email_unsubscribed',
    check: (f) =>
      f.channel === 'email' && f.recipient.unsubscribed && f.category !== 'transactional'
        ? suppress('email_unsubscribed', 'the address unsubscribed from reminders')
        : null,
  },
  {
    name: 'dispute_pause',
    check: (f) =>
      f.category !== 'transactional' && f.subject.disputed
        ? suppress('dispute_pause', 'the invoice is disputed')
        : null,
  },
  {
    name: 'plan_pause',
    check: (f) =>
      dunning(f.category) && f.subject.onPlan
        ? suppress('plan_pause', 'the invoice is on a payment plan')
        : null,
  },
  {
    name: 'zero_balance',
    check: (f) =>
      f.category !== 'transactional' && f.subject.balanceCents !== null && f.subject.balanceCents <= 0
        ? suppress('zero_balance', 'nothing is owed')
        : null,
  },
  {
    name: 'balance_unknown',
    check: (f) =>
      f.category !== 'transactional' && f.subject.balanceCents === null
        ? suppress('balance_unknown', 'the balance could not be read just before sending')
        : null,
  },
  {
    name: 'payment_pending',
    check: (f) =>
      f.category !== 'transactional' && f.subject.paymentPending
        ? suppress('payment_pending', 'a payment is pending')
        : null,
  },
  {
    name: 'reminder_gap',
    check: (f, s) => {
      if (f.manual || !dunning(f.category)) return null;
      const since = f.now.getTime() - s.minHoursBetweenReminders * 3600_000;
      return f.sentAt.some((t) => t.getTime() > since)
        ? suppress('reminder_gap', `another message about it went out within ${s.minHoursBetweenReminders} h`)
        : null;
    },
  },
  {
    name: 'frequency_cap',
    check: (f, s) => {
      if (f.manual || f.category === 'transactional') return null;
      const windowMs = s.capWindowDays * 86_400_000;
      const recent = (f.capSentAt ?? f.sentAt)
        .map((t) => t.getTime())
        .filter((t) => t > f.now.getTime() - windowMs)
        .sort((a, b) => a - b);
      if (recent.length < s.maxPerSubject) return null;
      // Wait until enough of them age out of the window.
      const until = new Date(recent[recent.length - s.maxPerSubject]! + windowMs);
      return {
        outcome: 'defer',
        until,
        rule: 'frequency_cap',
        reason: `${recent.length} messages in ${s.capWindowDays} days (cap ${s.maxPerSubject})`,
      };
    },
  },
];

/** Quiet hours last: they move the send time, they never drop a message. */
function quietHours(f: PolicyFacts, s: ContactPolicySettings, from: Date): RuleResult {
  const window = f.category === 'transactional' ? s.quietHours : s.reminderHours;
  const opening = nextWindowOpening(from, f.timeZone, window);
  if (opening.getTime() === from.getTime()) return null;
  return {
    outcome: 'defer',
    until: opening,
    rule: 'quiet_hours',
    reason: `outside ${window.start}–${window.end} in ${f.timeZone}`,
  };
}

/** Apply every rule: the first suppression wins; otherwise the latest time every rule allows. */
export function decideContact(
  facts: PolicyFacts,
  settings: ContactPolicySettings = DEFAULT_CONTACT_POLICY,
): PolicyDecision {
  let deferred: Extract<PolicyDecision, { outcome: 'defer' }> | null = null;
  for (const rule of POLICY_RULES) {
    const result = rule.check(facts, settings);
    if (!result) continue;
    if (result.outcome === 'suppress') return result;
    if (!deferred || result.until > deferred.until) deferred = result;
  }
  const quiet = quietHours(facts, settings, deferred?.until ?? facts.now);
  if (quiet) return deferred ? { ...quiet, rule: `${deferred.rule}+quiet_hours` } : quiet;
  return deferred ?? { outcome: 'allow' };
}
