// The message ledger key and what is derived from it. One message per (tenant, subject, purpose,
// step, revision); its SMTP Message-ID is a digest of the key, so a resend after an unknown
// outcome carries the same Message-ID and a receiver (or our sink) can recognise it.
import { createHash } from 'node:crypto';

export interface MessageKey {
  tenantId: string;
  /** What the message is about: 'invoice' (ST invoice id), later 'plan', 'customer'... */
  subjectKind: string;
  subjectId: string;
  /** 'invoice' (the invoice itself), 'reminder', 'collection', 'installment'... */
  purpose: string;
  /** Which message of the purpose: 'send', 'd-3', 'd+7', 'manual-2'... */
  step: string;
  /** The subject's revision (the posted draft revision for invoices). */
  revision: number;
}

export function messageKeyText(k: MessageKey): string {
  return [k.tenantId, k.subjectKind, k.subjectId, k.purpose, k.step, `r${k.revision}`].join('/');
}

export function messageIdFor(key: MessageKey, fromAddress: string): string {
  const domain = fromAddress.split('@')[1]?.replace(/[>\s]/g, '') || 'invoicer.local';
  const digest = createHash('sha256').update(messageKeyText(key)).digest('hex').slice(0, 32);
  return `<inv-${digest}@${domain}>`;
}
