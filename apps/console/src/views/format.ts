// Display helpers: money (exact, from decimal strings), times in the shop's time zone, ages,
// reason, status and item-type labels, ServiceTitan HTML as text, and the pipeline's feature
// codes (`jt:70305&m:1`) in words.
import { htmlToText } from '@invoicer/billing';
import { formatUsd, REASON_LABELS, type ReasonCode } from '@invoicer/core';
import { html, type SafeHtml } from './html.ts';

export function money(value: string | { toString(): string } | null | undefined): string {
  if (value === null || value === undefined) return '—';
  try {
    return formatUsd(String(value));
  } catch {
    return String(value);
  }
}

/** The zone times are shown in while a page renders (the shop's; UTC when none is set). */
let displayZone = 'UTC';

/**
 * Render a page with times in `zone` (an IANA name, e.g. the tenant's
 * `rules.afterHours.timezone`). Rendering is synchronous, so no other request can see the zone.
 */
export function inTimeZone<T>(zone: string | null | undefined, render: () => T): T {
  const previous = displayZone;
  displayZone = zone && isTimeZone(zone) ? zone : 'UTC';
  try {
    return render();
  } finally {
    displayZone = previous;
  }
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      year: 'numeric',
      month: 'short',
      day: 'numeric',
      hour: 'numeric',
      minute: '2-digit',
      timeZoneName: 'short',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** A time in the shop's zone with its abbreviation: "Dec 4, 2026, 5:38 PM CST". */
export function when(date: Date | string | null | undefined, zone = displayZone): string {
  if (!date) return '—';
  const d = typeof date === 'string' ? new Date(date) : date;
  if (Number.isNaN(d.getTime())) return String(date);
  return formatter(zone).format(d);
}

export function timeTag(date: Date | string | null | undefined): SafeHtml {
  if (!date) return html`—`;
  const d = typeof date === 'string' ? new Date(date) : date;
  if (Number.isNaN(d.getTime())) return html`${String(date)}`;
  return html`<time datetime="${d.toISOString()}" title="${d.toISOString().slice(0, 16).replace('T', ' ')} UTC">${when(d)}</time>`;
}

/** ServiceTitan's HTML (descriptions, summaries) as plain text; the template escapes it. */
export function plainText(value: string | null | undefined): string {
  if (!value) return '';
  return /<[a-z/!]|&[#a-z0-9]+;/i.test(value) ? htmlToText(value).replace(/[ \t]*\n[ \t]*/g, '\n') : value;
}

const ITEM_TYPES: Record<string, string> = {
  Service: 'Service',
  Material: 'Material',
  Equipment: 'Equipment',
  PriceModifier: 'Fee or discount',
};

export function itemTypeLabel(type: string | null | undefined): string {
  if (!type) return '';
  return ITEM_TYPES[type] ?? type.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

/** Names for the ids inside feature codes. */
export interface CodeNames {
  jobTypes?: ReadonlyMap<number, string>;
  businessUnits?: ReadonlyMap<number, string>;
}

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function feature(prefix: string, value: string, names: CodeNames): string {
  const n = Number(value);
  switch (prefix) {
    case 'jt': {
      const name = names.jobTypes?.get(n);
      return name ? `job type “${name}”` : `job type ${value}`;
    }
    case 'bu': {
      const name = names.businessUnits?.get(n);
      return name ? `business unit “${name}”` : `business unit ${value}`;
    }
    case 'm':
      return value === '1' ? 'members' : 'non-members';
    case 'ct':
      return value === 'na' ? 'unknown customer type' : `${value.toLowerCase()} customers`;
    case 'd':
      return value === '1' ? 'work declined' : 'no work declined';
    case 'tech':
      return `technician ${value}`;
    case 'dow':
      return WEEKDAYS[n] ?? `weekday ${value}`;
    case 'appts':
      return `${value} appointment(s)`;
    default:
      return `${prefix} ${value}`;
  }
}

const TOKEN = '(?:jt|bu|m|ct|d|tech|dow|appts):[A-Za-z0-9_-]+';
const COMBO = new RegExp(`\\b${TOKEN}(?:&${TOKEN})*`, 'g');

/** The pipeline's feature codes in words: `jt:70305&m:1` → `job type “AC Repair” + members`. */
export function codeText(text: string, names: CodeNames = {}): string {
  return text.replace(COMBO, (combo) =>
    combo
      .split('&')
      .map((part) => {
        const at = part.indexOf(':');
        return feature(part.slice(0, at), part.slice(at + 1), names);
      })
      .join(' + '),
  );
}
export function age(from: Date, now = new Date()): string {
  const minutes = Math.max(0, Math.floor((now.getTime() - from.getTime()) / 60_000));
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h ${minutes % 60}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

export function reasonLabel(code: string): string {
  return REASON_LABELS[code as ReasonCode] ?? code.replaceAll('_', ' ');
}

const STATUS_LABELS: Record<string, string> = {
  open: 'Open',
  on_hold: 'On hold',
  escalated: 'Escalated',
  approved: 'Approved (posting)',
  rejected: 'Rejected',
  resolved: 'Resolved',
  posting: 'Posting',
  posted: 'Posted',
};

export function statusLabel(status: string): string {
  return STATUS_LABELS[status] ?? status;
}

export function statusBadge(status: string): SafeHtml {
  return html`<span class="badge status-${status}">${statusLabel(status)}</span>`;
}

export function percent(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  return `${Math.round(value * 100)}%`;
}
