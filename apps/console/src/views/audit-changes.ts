// An audit event's data in words, for people: "Status: Open → Approved (posting)", "Total:
// $154.06", "Changed the quantity of line CAP-45-5 to 2", the note in quotes. Values are
// formatted by what they are (money, statuses, reasons, yes/no); nested objects become
// "key: value" pairs instead of JSON. The exports keep the raw data.
import { money, reasonLabel, statusLabel } from './format.ts';

type Data = Record<string, unknown>;

const LABELS: Record<string, string> = {
  status: 'Status',
  runStatus: 'Run',
  amount: 'Amount',
  total: 'Total',
  subTotal: 'Subtotal',
  salesTax: 'Tax',
  needsManager: 'Needs a manager',
  reasons: 'Reasons',
  revision: 'Revision',
  lines: 'Lines',
  flags: 'Flags',
  note: 'Note',
  reason: 'Reason',
  managerRule: 'Manager approval because',
  secondsLeft: 'Seconds left to undo',
  requestedRevision: 'Requested revision',
  differences: 'Differences',
};

const MONEY_KEYS = new Set(['amount', 'total', 'subTotal', 'salesTax', 'unitPrice', 'price']);
/** Shown elsewhere on the row (who), or internal ids that mean nothing to a clerk. */
const HIDDEN = new Set(['by', 'hash', 'prevHash', 'approvedBy', 'reviewItemId', 'inputDigest']);

function label(key: string): string {
  return (
    LABELS[key] ??
    key
      .replace(/([a-z])([A-Z])/g, '$1 $2')
      .replace(/_/g, ' ')
      .replace(/^./, (c) => c.toUpperCase())
  );
}

function isObject(v: unknown): v is Data {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** One value in words, by what its key says it is. */
export function valueText(key: string, value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (MONEY_KEYS.has(key) && (typeof value === 'string' || typeof value === 'number'))
    return money(String(value));
  if (key === 'status') return statusLabel(String(value)).replace(/_/g, ' ');
  // The pipeline run's own states ("awaiting review", "approved", "posting").
  if (key === 'runStatus') return String(value).replace(/_/g, ' ');
  if (key === 'reasons' && Array.isArray(value))
    return value.map((r) => reasonLabel(String(r))).join(', ') || '—';
  if (key === 'note' || key === 'reason') return `“${String(value)}”`;
  if (Array.isArray(value)) {
    if (!value.length) return 'none';
    return value.map((v) => (isObject(v) ? pairs(v) : valueText('', v))).join('; ');
  }
  if (isObject(value)) return pairs(value);
  return String(value);
}

function pairs(obj: Data): string {
  return Object.entries(obj)
    .filter(([k]) => !HIDDEN.has(k))
    .map(([k, v]) => `${label(k).toLowerCase()} ${valueText(k, v)}`)
    .join(', ');
}

/** A draft edit as a sentence. */
export function editText(edit: unknown): string {
  if (!isObject(edit)) return valueText('', edit);
  const line = typeof edit.key === 'string' ? edit.key.replace(/^item:/, 'item ') : '';
  switch (edit.op) {
    case 'add':
      return `Added SKU ${String(edit.skuId ?? edit.sku ?? '?')} × ${String(edit.quantity ?? '1')}`;
    case 'remove':
      return `Removed line ${line}`;
    case 'quantity':
      return `Changed the quantity of line ${line} to ${String(edit.quantity)}`;
    case 'sku':
      return `Changed line ${line} to SKU ${String(edit.skuId ?? edit.sku ?? '?')}`;
    case 'price':
      return `Set the unit price of line ${line} to ${money(String(edit.unitPrice))}`;
    default:
      return pairs(edit);
  }
}

/** What changed between `before` and `after`, one line per field that differs. */
function diffLines(before: Data, after: Data, prefix = ''): string[] {
  const out: string[] = [];
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (HIDDEN.has(key) || JSON.stringify(before[key]) === JSON.stringify(after[key])) continue;
    out.push(`${prefix}${label(key)}: ${valueText(key, before[key])} → ${valueText(key, after[key])}`);
  }
  return out;
}

/** The event's data as lines of text, changes first. */
export function describeChanges(data: unknown): string[] {
  if (!isObject(data)) return data === undefined || data === null ? [] : [valueText('', data)];
  const lines: string[] = [];
  if (isObject(data.before) && isObject(data.after)) lines.push(...diffLines(data.before, data.after));
  for (const [key, value] of Object.entries(data)) {
    if (HIDDEN.has(key) || key === 'before' || key === 'after') continue;
    if (key === 'edits' && Array.isArray(value)) lines.push(...value.map(editText));
    else if (isObject(value) && isObject(value.before) && isObject(value.after))
      lines.push(...diffLines(value.before, value.after, `${label(key)} — `));
    else lines.push(`${label(key)}: ${valueText(key, value)}`);
  }
  return lines;
}
