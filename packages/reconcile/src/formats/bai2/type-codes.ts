// BAI2 type-code ranges and the few 88-text keys banks use for the other party's name.

export type Direction = 'credit' | 'debit';

/** 100–399 credits, 400–699 debits; bank-custom 920–959 credits, 960–999 debits. */
export function directionOf(typeCode: string): Direction | undefined {
  if (!/^\d{3}$/.test(typeCode)) return undefined;
  const code = Number(typeCode);
  if ((code >= 100 && code <= 399) || (code >= 920 && code <= 959)) return 'credit';
  if ((code >= 400 && code <= 699) || (code >= 960 && code <= 999)) return 'debit';
  return undefined;
}

// Fedwire-style ("ORG:=", "BNF NAME:=") and Goldman-style ("DBNM:", "CRNM:") keys.
const PAYER_KEYS = /^(?:ORG|ORIGINATOR|B\/O|DBNM|SENDER NAME)\s*:=?\s*(.+)$/i;
const PAYEE_KEYS = /^(?:BNF NAME|BENEFICIARY|CRNM)\s*:=?\s*(.+)$/i;

/** The other party: the payer on a credit, the payee on a debit. */
export function counterpartyFrom(texts: string[], direction: Direction): string | undefined {
  const pattern = direction === 'credit' ? PAYER_KEYS : PAYEE_KEYS;
  for (const t of texts) {
    const m = pattern.exec(t.trim());
    if (m?.[1]?.trim()) return m[1].trim();
  }
  return undefined;
}
