// The local intent router: rules and keywords, in priority order. A request for a person and a
// dispute come first, so a customer who is upset is never answered by a template instead.

export const INTENTS = [
  'talk_to_person',
  'dispute',
  'how_to_pay',
  'payments',
  'due_date',
  'balance',
  'covered',
  'policy',
  'history',
  'total',
  'why_charge',
  'greeting',
  'unknown',
] as const;
export type Intent = (typeof INTENTS)[number];

const RULES: [Intent, RegExp][] = [
  [
    'talk_to_person',
    /\b(talk|speak|chat|call|contact|reach)\b.{0,30}\b(person|human|someone|somebody|agent|representative|rep|manager|office|staff|real)\b|\b(human|live agent|representative|call me|callback|call back)\b/i,
  ],
  [
    'dispute',
    /\b(disput\w*|overcharg\w*|incorrect|wrong|mistake|error|not fair|unfair|rip ?off|scam|refus\w* to pay|won'?t pay|not paying|refund|charged twice|double[- ]charged|never (agreed|authori[sz]ed|approved)|did ?n[o']t (agree|authori[sz]e|approve|ask)|unauthori[sz]ed|complain\w*)\b/i,
  ],
  ['due_date', /\b(due date|when\b.{0,40}\b(due|pay)|deadline|by when)\b/i],
  [
    'how_to_pay',
    /\bhow (can|do|should|would) i pay\b|\b(pay(ing)? (by|with|online|over|in)|payment (method|option|plan)s?|ways? to pay|credit card|debit card|check|cheque|ach|bank transfer|cash|financ\w*|installments?|apple pay|zelle|venmo)\b/i,
  ],
  [
    'payments',
    /\b(did you (get|receive)|received my|my payments?|payments? (received|made|applied|posted)|receipt|already paid|i paid|been paid)\b/i,
  ],
  [
    'balance',
    /\b(balance|owe|owing|outstanding|left to pay|remaining|still due|how much (is|do|does|should|must)|amount due|what do i owe)\b/i,
  ],
  [
    'covered',
    /\b(covered|cover|warrant\w*|guarantee\w*|membership|member|insurance|free of charge|no charge)\b/i,
  ],
  [
    'policy',
    /\b(polic\w*|trip (charge|fee)|service (call|fee|charge)|diagnostic fee|terms|cancel\w*|after[- ]hours|weekend rate)\b/i,
  ],
  [
    'history',
    /\b(statement|other invoices?|history|previous|past invoices?|all (of )?my invoices|my account|older invoices?)\b/i,
  ],
  ['total', /\b(total|grand total|subtotal|sales tax|tax)\b/i],
  [
    'why_charge',
    /\b(why|what (is|was|are|were|does)|explain|charged?|charges|fee|line|item|for what|labor|part)\b/i,
  ],
  ['greeting', /^\s*(hi|hello|hey|good (morning|afternoon|evening)|thanks?|thank you)\b[\s!.,]*$/i],
];

export function routeIntent(question: string): Intent {
  for (const [intent, pattern] of RULES) if (pattern.test(question)) return intent;
  return 'unknown';
}

const STOP = new Set([
  'the',
  'a',
  'an',
  'for',
  'of',
  'and',
  'is',
  'was',
  'what',
  'why',
  'this',
  'that',
  'my',
  'me',
  'on',
  'to',
  'i',
  'it',
  'charge',
  'charged',
  'line',
  'item',
  'invoice',
  'fee',
  'did',
  'you',
  'do',
  'are',
  'were',
  'does',
  'explain',
]);
const words = (text: string) =>
  new Set(
    text
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter((w) => w.length > 1 && !STOP.has(w))
      .map((w) => w.replace(/(ing|es|s)$/, '')),
  );

/** The invoice line a question is about: the one sharing the most words with it (ties: none). */
export function matchLine<T extends { lineId: string; description: string; kind: string }>(
  question: string,
  lines: T[],
): T | null {
  const asked = words(question);
  let best: T | null = null;
  let bestScore = 0;
  let tie = false;
  for (const line of lines) {
    const have = words(`${line.description} ${line.kind}`);
    const score = [...asked].filter((w) => have.has(w)).length;
    if (score > bestScore) {
      best = line;
      bestScore = score;
      tie = false;
    } else if (score === bestScore && score > 0) tie = true;
  }
  return bestScore > 0 && !tie ? best : null;
}
