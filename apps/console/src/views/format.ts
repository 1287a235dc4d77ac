// Display helpers: money (exact, from decimal strings), times, ages, reason and status labels.
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

export function when(date: Date | string | null | undefined): string {
  if (!date) return '—';
  const d = typeof date === 'string' ? new Date(date) : date;
  if (Number.isNaN(d.getTime())) return String(date);
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function timeTag(date: Date | string | null | undefined): SafeHtml {
  if (!date) return html`—`;
  const d = typeof date === 'string' ? new Date(date) : date;
  return html`<time datetime="${d.toISOString()}">${when(d)}</time>`;
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
