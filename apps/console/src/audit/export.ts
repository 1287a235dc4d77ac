// Audit history exports. CSV cells are quoted when needed, and cells that a spreadsheet would
// run as a formula (=, +, -, @ first) are prefixed with a quote.
import type { AuditEvent } from '@invoicer/db';

export interface AuditRow {
  id: string;
  occurredAt: string;
  tenantId: string;
  actorType: string;
  actor: string;
  action: string;
  stJobId: string | null;
  runId: string | null;
  reviewItemId: string | null;
  data: unknown;
  prevHash: string | null;
  hash: string;
}

export function toAuditRow(e: AuditEvent): AuditRow {
  return {
    id: e.id.toString(),
    occurredAt: e.occurredAt.toISOString(),
    tenantId: e.tenantId,
    actorType: e.actorType,
    actor: e.actor,
    action: e.action,
    stJobId: e.stJobId === null ? null : e.stJobId.toString(),
    runId: e.runId,
    reviewItemId: e.reviewItemId,
    data: e.data,
    prevHash: e.prevHash,
    hash: e.hash,
  };
}

export function csvCell(value: unknown): string {
  let text =
    value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

const COLUMNS: (keyof AuditRow)[] = [
  'id',
  'occurredAt',
  'tenantId',
  'actorType',
  'actor',
  'action',
  'stJobId',
  'runId',
  'reviewItemId',
  'data',
  'prevHash',
  'hash',
];

export function auditCsv(rows: AuditRow[]): string {
  const lines = [COLUMNS.join(',')];
  for (const row of rows) lines.push(COLUMNS.map((c) => csvCell(row[c])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
