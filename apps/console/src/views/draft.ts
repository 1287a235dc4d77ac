// The draft beside the invoice as the technician left it: every line with its provenance,
// confidence and reason, the totals, the flags with their evidence, and (for whoever holds
// the item) inline edits that save a new revision and show the recomputed total.
import type { Evidence, Flag, JobContext, PricedLine, Provenance } from '@invoicer/billing';
import type { DraftView } from '../review/load.ts';
import { money, percent } from './format.ts';
import { html, type SafeHtml } from './html.ts';
import { csrfField, type Viewer } from './layout.ts';

export interface DraftPanelModel {
  itemId: string;
  tenantId: string;
  draft: DraftView | null;
  canEdit: boolean;
  canSetPrice: boolean;
  error?: string;
  notice?: string;
}

function noteLink(index: number): string {
  return index === -1 ? 'the job summary' : `note ${index + 1}`;
}

export function provenanceText(p: Provenance): SafeHtml {
  switch (p.kind) {
    case 'technician_item':
      return html`Entered by the technician (invoice item ${p.itemId})`;
    case 'note_span':
      return html`From <a href="#note-${p.noteIndex}">${noteLink(p.noteIndex)}</a>: “${p.text}”`;
    case 'rule':
      return html`Rule <code>${p.rule}</code>: ${p.detail}`;
    case 'history_pattern':
      return html`Learned pattern <code>${p.pattern}</code> (support ${p.support}, ${percent(p.confidence)})`;
    case 'labor':
      return html`Timesheets: ${p.hours} h`;
    case 'human':
      return html`Edited by ${p.userId}`;
  }
}

export function evidenceList(evidence: Evidence[]): SafeHtml {
  if (!evidence.length) return html``;
  return html`<ul class="evidence">${evidence.map(
    (e) =>
      html`<li><span class="tag">${e.kind.replace('_', ' ')}</span> ${e.detail}${
        e.span ? html` <a href="#note-${e.span.noteIndex}">(${noteLink(e.span.noteIndex)})</a>` : ''
      }${e.support !== undefined ? html` · support ${e.support}` : ''}${
        e.confidence !== undefined ? html` · ${percent(e.confidence)}` : ''
      }</li>`,
  )}</ul>`;
}

export function flagsList(flags: Flag[]): SafeHtml {
  if (!flags.length) return html`<p class="muted">No validation flags.</p>`;
  return html`<ul class="flags">${flags.map(
    (
      f,
    ) => html`<li class="flag flag-${f.severity}"><strong>${f.severity}</strong> <code>${f.code}</code> ${f.message}
      ${f.lineKey ? html`<span class="muted">(line ${f.lineKey})</span>` : ''}${evidenceList(f.evidence)}</li>`,
  )}</ul>`;
}

// htmx swaps the draft panel in place, and with it the decision panel (the approve button names
// the revision), the summary (the amount), the revisions and the audit history.
const HX = (itemId: string) =>
  html`hx-post="/items/${itemId}/edit" hx-target="#draft-panel" hx-select="#draft-panel" hx-swap="outerHTML" hx-select-oob="#decision-panel,#item-summary,#revisions-panel,#audit-panel"`;

function editHidden(viewer: Viewer, m: DraftPanelModel, op: string, key?: string): SafeHtml {
  return html`${csrfField(viewer)}<input type="hidden" name="revision" value="${m.draft?.revision ?? ''}">
  <input type="hidden" name="op" value="${op}">${key ? html`<input type="hidden" name="key" value="${key}">` : ''}`;
}

function lineEditors(viewer: Viewer, m: DraftPanelModel, line: PricedLine, i: number): SafeHtml {
  const action = `/items/${m.itemId}/edit`;
  return html`<form method="post" action="${action}" ${HX(m.itemId)} class="inline">
      ${editHidden(viewer, m, 'quantity', line.key)}
      <label class="sr-only" for="qty-${i}">Quantity for ${line.skuCode}</label>
      <input id="qty-${i}" name="quantity" class="qty" value="${line.quantity}" inputmode="decimal" required data-edit-first="${i === 0 ? 'true' : ''}">
      <button type="submit">Update</button>
    </form>
    <form method="post" action="${action}" ${HX(m.itemId)} class="inline">
      ${editHidden(viewer, m, 'remove', line.key)}
      <button type="submit" class="danger" aria-label="Remove ${line.skuCode}">Remove</button>
    </form>
    <details class="more"><summary>More<span class="sr-only"> for ${line.skuCode}</span></summary>
      <form method="post" action="${action}" ${HX(m.itemId)} class="inline">
        ${editHidden(viewer, m, 'sku', line.key)}
        <label for="sku-${i}">Another SKU</label>
        <input id="sku-${i}" name="sku" list="sku-options" required placeholder="code or id" ${skuSearch(m)}>
        <button type="submit">Change SKU</button>
      </form>
      ${
        m.canSetPrice
          ? html`<form method="post" action="${action}" ${HX(m.itemId)} class="inline">
        ${editHidden(viewer, m, 'price', line.key)}
        <label for="price-${i}">Unit price ($)</label>
        <input id="price-${i}" name="unitPrice" value="${line.unitPrice}" inputmode="decimal" required>
        <button type="submit">Set price</button>
      </form>`
          : ''
      }
    </details>`;
}

function skuSearch(m: DraftPanelModel): SafeHtml {
  return html`hx-get="/skus?tenant=${m.tenantId}" hx-trigger="input changed delay:200ms" hx-target="#sku-options" hx-swap="innerHTML" autocomplete="off"`;
}

function addLineForm(viewer: Viewer, m: DraftPanelModel): SafeHtml {
  return html`<form method="post" action="/items/${m.itemId}/edit" ${HX(m.itemId)} class="add-line">
  ${editHidden(viewer, m, 'add')}
  <fieldset><legend>Add a line</legend>
    <label for="add-sku">SKU (code or id)</label>
    <input id="add-sku" name="sku" list="sku-options" required ${skuSearch(m)}>
    <label for="add-qty">Quantity</label>
    <input id="add-qty" name="quantity" value="1" inputmode="decimal" required class="qty">
    <button type="submit">Add line</button>
  </fieldset>
</form>
<datalist id="sku-options"></datalist>`;
}

export function draftPanel(viewer: Viewer, m: DraftPanelModel): SafeHtml {
  const draft = m.draft;
  if (!draft)
    return html`<section id="draft-panel" aria-labelledby="draft-title"><h2 id="draft-title">Draft</h2>
      <p class="muted">No draft: the pipeline stopped before drafting this job.</p></section>`;
  const doc = draft.document;
  const removals = doc.removals ?? [];
  return html`<section id="draft-panel" aria-labelledby="draft-title" class="panel">
  <h2 id="draft-title">Draft, revision ${draft.revision}</h2>
  ${m.error ? html`<p class="flash flash-error" role="alert">${m.error}</p>` : ''}
  ${m.notice ? html`<p class="flash flash-ok" role="status">${m.notice}</p>` : ''}
  <table class="lines">
    <thead><tr><th scope="col">Item</th><th scope="col" class="num">Qty</th><th scope="col" class="num">Unit</th>
      <th scope="col" class="num">Total</th><th scope="col">Why</th>${m.canEdit ? html`<th scope="col">Edit</th>` : ''}</tr></thead>
    <tbody>${draft.lines.map(
      (line, i) => html`<tr class="origin-${line.origin}" data-line="${line.key}">
      <td><strong>${line.skuCode}</strong> ${line.skuName}${line.description && line.description !== line.skuName ? html`<div class="muted small">${line.description}</div>` : ''}
        <div class="small"><span class="tag origin">${line.origin}</span> ${line.type}${line.taxable ? ' · taxable' : ''}</div></td>
      <td class="num">${line.quantity}</td>
      <td class="num">${money(line.unitPrice)}<div class="muted small">${line.priceBasis}</div></td>
      <td class="num">${money(line.total)}</td>
      <td><div>${line.reason}</div><div class="small">${provenanceText(line.provenance)} · confidence <strong>${percent(line.confidence)}</strong></div>${evidenceList(line.evidence)}</td>
      ${m.canEdit ? html`<td class="edit">${lineEditors(viewer, m, line, i)}</td>` : ''}
    </tr>`,
    )}</tbody>
    <tfoot>
      <tr><th scope="row" colspan="3">Subtotal</th><td class="num">${money(doc.subTotal)}</td><td colspan="${m.canEdit ? 2 : 1}"></td></tr>
      <tr><th scope="row" colspan="3">Sales tax${doc.taxExemptReason ? html` (exempt: ${doc.taxExemptReason})` : ''}</th><td class="num">${money(doc.salesTax)}</td>
        <td colspan="${m.canEdit ? 2 : 1}" class="small">${doc.taxBreakdown.map((t) => html`${t.taxName} ${t.rate} on ${money(t.base)} = ${money(t.amount)}; `)}</td></tr>
      <tr class="total"><th scope="row" colspan="3">Total</th><td class="num" id="draft-total" data-total="${doc.total}">${money(doc.total)}</td>
        <td colspan="${m.canEdit ? 2 : 1}" class="small">Technician left ${money(doc.diff.technicianTotal)} · confidence ${percent(doc.confidence)}</td></tr>
    </tfoot>
  </table>
  ${removals.length ? html`<p><strong>Will be removed from the invoice:</strong> ${removals.map((r) => html`<code>${r.skuCode}</code> (item ${r.itemId}) `)}</p>` : ''}
  ${m.canEdit ? addLineForm(viewer, m) : ''}
  <h3>Flags</h3>
  ${flagsList(doc.flags)}
  <p class="small muted">Customer-facing summary: ${doc.summary}</p>
</section>`;
}

export function technicianPanel(context: JobContext | null): SafeHtml {
  if (!context)
    return html`<section class="panel" aria-labelledby="tech-title"><h2 id="tech-title">Invoice as the technician left it</h2><p class="muted">Not loaded (the pipeline stopped before reading the job).</p></section>`;
  const inv = context.invoice;
  return html`<section class="panel" aria-labelledby="tech-title">
  <h2 id="tech-title">Invoice as the technician left it</h2>
  <p class="small">Invoice ${inv.referenceNumber ?? inv.id} · ServiceTitan review status <strong>${inv.reviewStatus ?? '—'}</strong> · sync ${inv.syncStatus ?? '—'}</p>
  ${
    inv.items.length
      ? html`<table class="lines"><thead><tr><th scope="col">Item</th><th scope="col" class="num">Qty</th><th scope="col" class="num">Unit</th><th scope="col" class="num">Total</th></tr></thead>
    <tbody>${inv.items.map((i) => html`<tr><td><strong>${i.skuCode ?? '—'}</strong> ${i.description}<div class="small muted">${i.type}${i.taxable ? ' · taxable' : ''}</div></td><td class="num">${i.quantity}</td><td class="num">${money(i.unitPrice)}</td><td class="num">${money(i.total)}</td></tr>`)}</tbody>
    <tfoot><tr><th scope="row" colspan="3">Subtotal</th><td class="num">${money(inv.subTotal)}</td></tr>
    <tr><th scope="row" colspan="3">Sales tax</th><td class="num">${money(inv.salesTax)}</td></tr>
    <tr class="total"><th scope="row" colspan="3">Total</th><td class="num">${money(inv.total)}</td></tr></tfoot></table>`
      : html`<p class="muted">The technician left no items on the invoice.</p>`
  }
</section>`;
}
