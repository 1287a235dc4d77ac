// The draft beside the invoice as the technician left it: every line with its provenance,
// confidence and reason, the totals, the flags with their evidence, and (for whoever holds
// the item) inline edits that save a new revision and show the recomputed total.
import type { Evidence, Flag, JobContext, PricedLine, Provenance } from '@invoicer/billing';
import type { DraftView } from '../review/load.ts';
import { type CodeNames, codeText, itemTypeLabel, money, percent, plainText } from './format.ts';
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
  /** Job type and business unit names, for the feature codes in evidence (`jt:70305`). */
  names?: CodeNames;
}

function noteLink(index: number): string {
  return index === -1 ? 'the job summary' : `note ${index + 1}`;
}

export function provenanceText(p: Provenance, names: CodeNames = {}): SafeHtml {
  switch (p.kind) {
    case 'technician_item':
      return html`Entered by the technician (invoice item ${p.itemId})`;
    case 'note_span':
      return html`From <a href="#note-${p.noteIndex}">${noteLink(p.noteIndex)}</a>: “${p.text}”`;
    case 'rule':
      return html`Rule “${ruleName(p.rule)}”: ${codeText(p.detail, names)}`;
    case 'history_pattern':
      return html`Learned from past jobs (${codeText(p.pattern, names)}): ${p.support} job(s), ${percent(p.confidence)}`;
    case 'labor':
      return html`Timesheets: ${p.hours} h`;
    case 'human':
      return html`Edited by ${p.userId}`;
  }
}

/** A rule's name in words: `tripCharge` → `trip charge`. */
function ruleName(rule: string): string {
  return rule
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replaceAll('_', ' ')
    .toLowerCase();
}

const EVIDENCE_KINDS: Record<Evidence['kind'], string> = {
  note_span: 'Notes',
  rule: 'Rule',
  history_pattern: 'Past jobs',
  structured: 'Job record',
  retrieval: 'Price-book match',
};

export function evidenceList(evidence: Evidence[], names: CodeNames = {}): SafeHtml {
  if (!evidence.length) return html``;
  return html`<ul class="evidence">${evidence.map(
    (e) =>
      html`<li><span class="tag">${EVIDENCE_KINDS[e.kind] ?? e.kind}</span> ${codeText(e.detail, names)}${
        e.span ? html` <a href="#note-${e.span.noteIndex}">(${noteLink(e.span.noteIndex)})</a>` : ''
      }${e.support !== undefined ? html` · seen on ${e.support} job(s)` : ''}${
        e.confidence !== undefined ? html` · ${percent(e.confidence)}` : ''
      }</li>`,
  )}</ul>`;
}

const SEVERITIES: Record<string, string> = { error: 'Error', warning: 'Warning', info: 'Note' };

export function flagsList(
  flags: Flag[],
  names: CodeNames = {},
  lineNames = new Map<string, string>(),
): SafeHtml {
  if (!flags.length) return html`<p class="muted">No validation flags.</p>`;
  return html`<ul class="flags">${flags.map(
    (
      f,
    ) => html`<li class="flag flag-${f.severity}" data-code="${f.code}"><strong>${SEVERITIES[f.severity] ?? f.severity}</strong> ${codeText(f.message, names)}
      ${f.lineKey ? html`<span class="muted">(line ${lineNames.get(f.lineKey) ?? f.lineKey})</span>` : ''}${
        f.evidence.length
          ? html`<details class="why-more"><summary>Evidence</summary>${evidenceList(f.evidence, names)}</details>`
          : ''
      }</li>`,
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
  return html`<form method="post" action="${action}" ${HX(m.itemId)} ${DISINHERIT} class="inline">
      ${editHidden(viewer, m, 'quantity', line.key)}
      <label class="sr-only" for="qty-${i}">Quantity for ${line.skuCode}</label>
      <input id="qty-${i}" name="quantity" class="qty" value="${line.quantity}" inputmode="decimal" required data-edit-first="${i === 0 ? 'true' : ''}">
      <button type="submit">Update</button>
    </form>
    <form method="post" action="${action}" ${HX(m.itemId)} ${DISINHERIT} class="inline">
      ${editHidden(viewer, m, 'remove', line.key)}
      <button type="submit" class="danger" aria-label="Remove ${line.skuCode}">Remove</button>
    </form>
    <details class="more"><summary>More<span class="sr-only"> for ${line.skuCode}</span></summary>
      <form method="post" action="${action}" ${HX(m.itemId)} ${DISINHERIT} class="inline">
        ${editHidden(viewer, m, 'sku', line.key)}
        <label for="sku-${i}">Another SKU</label>
        <input id="sku-${i}" name="sku" required placeholder="code or name" ${skuSearch(m, `sku-${i}`)}>
        <button type="submit">Change SKU</button>
        <div id="sku-${i}-results" class="sku-results" aria-live="polite"></div>
      </form>
      ${
        m.canSetPrice
          ? html`<form method="post" action="${action}" ${HX(m.itemId)} ${DISINHERIT} class="inline">
        ${editHidden(viewer, m, 'price', line.key)}
        <label for="price-${i}">Unit price ($)</label>
        <input id="price-${i}" name="unitPrice" value="${line.unitPrice}" inputmode="decimal" required>
        <button type="submit">Set price</button>
      </form>`
          : ''
      }
    </details>`;
}

// The pickers sit inside the edit forms, whose hx-select/hx-select-oob would pick `#draft-panel`
// out of the /skus answer (nothing): the forms disinherit those, and the inputs name their own.
const DISINHERIT = html`hx-disinherit="hx-select hx-select-oob hx-target hx-swap"`;

function skuSearch(m: DraftPanelModel, input: string): SafeHtml {
  return html`hx-get="/skus?tenant=${m.tenantId}&amp;pick=${input}" hx-trigger="input changed delay:200ms" hx-target="#${input}-results" hx-swap="innerHTML" hx-sync="this:replace" autocomplete="off" aria-controls="${input}-results"`;
}

function addLineForm(viewer: Viewer, m: DraftPanelModel): SafeHtml {
  return html`<form method="post" action="/items/${m.itemId}/edit" ${HX(m.itemId)} ${DISINHERIT} class="add-line">
  ${editHidden(viewer, m, 'add')}
  <fieldset><legend>Add a line</legend>
    <label for="add-sku">SKU (code or id)</label>
    <input id="add-sku" name="sku" required placeholder="type to search the price book" ${skuSearch(m, 'add-sku')}>
    <label for="add-qty">Quantity</label>
    <input id="add-qty" name="quantity" value="1" inputmode="decimal" required class="qty">
    <button type="submit">Add line</button>
    <div id="add-sku-results" class="sku-results" aria-live="polite"></div>
  </fieldset>
</form>`;
}

const ORIGINS: Record<string, string> = {
  technician: 'Technician',
  added: 'Added',
  changed: 'Changed',
  removed: 'Removed',
  human: 'Edited',
};

/** Lines below this confidence are the ones that pull the draft's confidence down. */
const LOW = 0.8;

function description(line: PricedLine): SafeHtml {
  const text = plainText(line.description);
  return text && text !== line.skuName ? html`<div class="muted small desc">${text}</div>` : html``;
}

/** Which lines and which flags (missing usual additions among them) pulled the confidence down. */
function confidenceExplanation(lines: PricedLine[], flags: Flag[], names: CodeNames): SafeHtml {
  const weak = lines.filter((l) => l.confidence < LOW).sort((a, b) => a.confidence - b.confidence);
  const concerns = flags.filter((f) => f.severity !== 'info');
  if (!weak.length && !concerns.length) return html``;
  return html`<div class="confidence-why small" id="confidence-why"><strong>What lowers the confidence:</strong>
    <ul>${weak.map((l) => html`<li>${l.skuCode} ${l.skuName}: ${percent(l.confidence)} (${codeText(l.reason, names)})</li>`)}${concerns.map(
      (f) => html`<li>${codeText(f.message, names)}</li>`,
    )}</ul></div>`;
}

export function draftPanel(viewer: Viewer, m: DraftPanelModel): SafeHtml {
  const draft = m.draft;
  if (!draft)
    return html`<section id="draft-panel" aria-labelledby="draft-title"><h2 id="draft-title">Draft</h2>
      <p class="muted">No draft: the pipeline stopped before drafting this job.</p></section>`;
  const doc = draft.document;
  const names = m.names ?? {};
  const removals = doc.removals ?? [];
  return html`<section id="draft-panel" aria-labelledby="draft-title" class="panel">
  <h2 id="draft-title">Draft, revision ${draft.revision}</h2>
  ${m.error ? html`<p class="flash flash-error" role="alert">${m.error}</p>` : ''}
  ${m.notice ? html`<p class="flash flash-ok" role="status">${m.notice}</p>` : ''}
  <table class="lines draft-lines">
    <thead><tr><th scope="col">Item</th><th scope="col" class="num">Qty</th><th scope="col" class="num">Unit</th>
      <th scope="col" class="num">Total</th>${m.canEdit ? html`<th scope="col">Edit</th>` : ''}</tr></thead>
    ${draft.lines.map(
      (line, i) => html`<tbody class="line origin-${line.origin}" data-line="${line.key}"><tr>
      <td><strong>${line.skuCode}</strong> ${line.skuName}${description(line)}
        <div class="small"><span class="tag origin">${ORIGINS[line.origin] ?? line.origin}</span> ${itemTypeLabel(line.type)}${line.taxable ? ' · taxable' : ''}</div></td>
      <td class="num">${line.quantity}</td>
      <td class="num">${money(line.unitPrice)}<div class="muted small">${line.priceBasis}</div></td>
      <td class="num">${money(line.total)}</td>
      ${m.canEdit ? html`<td class="edit">${lineEditors(viewer, m, line, i)}</td>` : ''}
    </tr>
    <tr class="why-row"><td colspan="${m.canEdit ? 5 : 4}"><div class="why">
      <span class="why-label">Why</span> ${codeText(line.reason, names)}
      <span class="small">· ${provenanceText(line.provenance, names)} · confidence <strong class="conf${line.confidence < LOW ? ' conf-low' : ''}">${percent(line.confidence)}</strong></span>
      ${line.evidence.length ? html`<details class="why-more"><summary>Evidence (${line.evidence.length})</summary>${evidenceList(line.evidence, names)}</details>` : ''}
    </div></td></tr></tbody>`,
    )}
    <tfoot>
      <tr><th scope="row" colspan="3">Subtotal</th><td class="num">${money(doc.subTotal)}</td>${m.canEdit ? html`<td></td>` : ''}</tr>
      <tr><th scope="row" colspan="3">Sales tax${doc.taxExemptReason ? html` (exempt: ${doc.taxExemptReason})` : ''}
        <div class="small muted">${doc.taxBreakdown.map((t) => html`${t.taxName} ${t.rate} on ${money(t.base)} = ${money(t.amount)}; `)}</div></th><td class="num">${money(doc.salesTax)}</td>${m.canEdit ? html`<td></td>` : ''}</tr>
      <tr class="total"><th scope="row" colspan="3">Total
        <div class="small muted">Technician left ${money(doc.diff.technicianTotal)} · confidence ${percent(doc.confidence)}</div></th><td class="num" id="draft-total" data-total="${doc.total}">${money(doc.total)}</td>${m.canEdit ? html`<td></td>` : ''}</tr>
    </tfoot>
  </table>
  ${confidenceExplanation(draft.lines, doc.flags, names)}
  ${removals.length ? html`<p><strong>Will be removed from the invoice:</strong> ${removals.map((r) => html`<code>${r.skuCode}</code> (item ${r.itemId}) `)}</p>` : ''}
  ${m.canEdit ? addLineForm(viewer, m) : ''}
  <h3>Flags</h3>
  ${flagsList(doc.flags, names, new Map(draft.lines.map((l) => [l.key, l.skuCode])))}
  <p class="small muted">Customer-facing summary: ${plainText(doc.summary)}</p>
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
    <tbody>${inv.items.map((i) => html`<tr><td><strong>${i.skuCode ?? '—'}</strong> ${plainText(i.description)}<div class="small muted">${itemTypeLabel(i.type)}${i.taxable ? ' · taxable' : ''}</div></td><td class="num">${i.quantity}</td><td class="num">${money(i.unitPrice)}</td><td class="num">${money(i.total)}</td></tr>`)}</tbody>
    <tfoot><tr><th scope="row" colspan="3">Subtotal</th><td class="num">${money(inv.subTotal)}</td></tr>
    <tr><th scope="row" colspan="3">Sales tax</th><td class="num">${money(inv.salesTax)}</td></tr>
    <tr class="total"><th scope="row" colspan="3">Total</th><td class="num">${money(inv.total)}</td></tr></tfoot></table>`
      : html`<p class="muted">The technician left no items on the invoice.</p>`
  }
</section>`;
}
