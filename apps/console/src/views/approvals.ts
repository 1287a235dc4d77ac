// Approvals still inside their undo window (a fragment every staff page loads into the layout),
// and the per-item result of a bulk approve.
import type { BulkOutcome } from '../review/bulk.ts';
import { money } from './format.ts';
import { href, html, type SafeHtml } from './html.ts';
import { csrfField, layout, type Viewer } from './layout.ts';

export interface PendingApproval {
  itemId: string;
  label: string;
  amount: string;
  undoUntil: Date;
}

function secondsLeft(until: Date, now: Date): number {
  return Math.max(0, Math.ceil((until.getTime() - now.getTime()) / 1000));
}

/** One approval's countdown and Undo button (the newest one answers the `u` key). */
export function undoControl(
  viewer: Viewer,
  a: { itemId: string; label: string; undoUntil: Date },
  shortcut: boolean,
  now = new Date(),
): SafeHtml {
  return html`<form method="post" action="/items/${a.itemId}/undo" class="inline undo" data-undo>${csrfField(viewer)}
  <span>${a.label ? `Approved ${a.label}. ` : ''}Posting starts in <span data-countdown-until="${a.undoUntil.toISOString()}">${secondsLeft(a.undoUntil, now)}</span> s.</span>
  <button type="submit"${shortcut ? html` data-shortcut="undo"` : ''}>Undo${shortcut ? html` <kbd>u</kbd>` : ''}</button></form>`;
}

/** Shown in full; older approvals still in their window fold away (a fast clerk has many). */
const SHOWN = 3;

export function pendingApprovalsFragment(viewer: Viewer, pending: PendingApproval[]): SafeHtml {
  const now = new Date();
  const control = (a: PendingApproval, i: number) =>
    undoControl(viewer, { ...a, label: `${a.label} (${money(a.amount)})` }, i === 0, now);
  const more = pending.slice(SHOWN);
  return html`<div class="flash flash-ok pending-approvals" id="pending-approvals" role="status" aria-live="polite">
  ${pending.slice(0, SHOWN).map(control)}
  ${
    more.length
      ? html`<details><summary>${more.length} more approval${more.length === 1 ? '' : 's'} waiting to post</summary>${more.map((a, i) => control(a, i + SHOWN))}</details>`
      : ''
  }
</div>`;
}

export function bulkResultPage(viewer: Viewer, tenantId: string, outcomes: BulkOutcome[]): SafeHtml {
  const approved = outcomes.filter((o) => o.approved);
  const refused = outcomes.filter((o) => !o.approved);
  const now = new Date();
  return layout(viewer, {
    title: 'Bulk approve',
    active: 'queue',
    body: html`<h1>Bulk approve</h1>
<p role="status" id="bulk-summary">${approved.length} approved, ${refused.length} refused. Each approved invoice posts to ServiceTitan on its own and is read back.</p>
<table class="bulk-results">
  <thead><tr><th scope="col">Item</th><th scope="col">Result</th><th scope="col">Details</th></tr></thead>
  <tbody>${outcomes.map(
    (o) => html`<tr data-result="${o.approved ? 'approved' : 'refused'}">
    <td><a href="/items/${o.itemId}">${o.label}</a></td>
    <td>${o.approved ? html`<span class="badge status-approved">Approved</span>` : html`<span class="badge status-rejected">Refused</span>`}</td>
    <td>${
      o.approved && o.undoUntil && new Date(o.undoUntil) > now
        ? undoControl(viewer, { itemId: o.itemId, label: '', undoUntil: new Date(o.undoUntil) }, false, now)
        : o.message
    }</td></tr>`,
  )}</tbody>
</table>
<p><a href="${href('/queue', { tenant: tenantId })}">Back to the review queue</a></p>`,
  });
}
