// Payment review items carry `details.candidates`: the invoices a payment or bank line might
// belong to, each with its evidence. The reconcile package decides the exact shape; the console
// reads it tolerantly and shows whatever fields it does not know as plain key/value text.

export interface PaymentCandidate {
  title: string;
  amount: string | null;
  confidence: number | null;
  rule: string | null;
  evidence: { kind: string; detail: string }[];
  fields: [string, string][];
}

const KNOWN = new Set([
  'invoiceId',
  'invoiceNumber',
  'referenceNumber',
  'customerName',
  'amount',
  'confidence',
  'rule',
  'evidence',
]);

function text(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function evidenceOf(value: unknown): { kind: string; detail: string }[] {
  if (!Array.isArray(value)) return [];
  return value.map((e) => {
    if (typeof e === 'string') return { kind: '', detail: e };
    const o = (e ?? {}) as Record<string, unknown>;
    const { kind, detail, ...rest } = o;
    return {
      kind: text(kind),
      detail:
        text(detail) ||
        Object.entries(rest)
          .map(([k, v]) => `${k}: ${text(v)}`)
          .join(', '),
    };
  });
}

export function paymentCandidates(details: unknown): PaymentCandidate[] {
  const raw = (details as { candidates?: unknown } | null)?.candidates;
  if (!Array.isArray(raw)) return [];
  return raw.map((entry, i) => {
    const c = (entry ?? {}) as Record<string, unknown>;
    const ref = text(c.invoiceNumber ?? c.referenceNumber ?? c.invoiceId);
    const title = [ref ? `Invoice ${ref}` : `Candidate ${i + 1}`, text(c.customerName)]
      .filter(Boolean)
      .join(' · ');
    return {
      title,
      amount: c.amount === undefined ? null : text(c.amount),
      confidence: typeof c.confidence === 'number' ? c.confidence : null,
      rule: c.rule === undefined ? null : text(c.rule),
      evidence: evidenceOf(c.evidence),
      fields: Object.entries(c)
        .filter(([k]) => !KNOWN.has(k))
        .map(([k, v]) => [k, text(v)]),
    };
  });
}

/** The payment or bank line itself, as label/value pairs for display. */
export function paymentSubject(details: unknown): [string, string][] {
  const d = (details ?? {}) as Record<string, unknown>;
  const subject = (d.payment ?? d.bankLine ?? d.subject) as Record<string, unknown> | undefined;
  if (!subject || typeof subject !== 'object') return [];
  return Object.entries(subject).map(([k, v]) => [k, text(v)]);
}
