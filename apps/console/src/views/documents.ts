// The item page's documents panel: a link to preview the current draft as a PDF marked DRAFT
// (before approval) and, once posted, the PDF stored from ServiceTitan's read-back with its
// hash and whether it is attached to the job. The panel loads its list after the page.
import type { InvoiceDocument } from '@invoicer/db';
import { timeTag } from './format.ts';
import { html, type SafeHtml } from './html.ts';

export function documentsPanel(item: { id: string; kind: string }): SafeHtml {
  if (item.kind !== 'invoice') return html``;
  return html`<section class="panel" id="documents-panel" aria-labelledby="documents-title"><h2 id="documents-title">Invoice PDF</h2>
  <div hx-get="/items/${item.id}/documents" hx-trigger="load" hx-swap="innerHTML">
    <p><a href="/items/${item.id}/pdf/preview" target="_blank" rel="noopener" data-testid="pdf-preview">Preview PDF (draft)</a></p>
  </div>
</section>`;
}

export function documentsFragment(
  itemId: string,
  loaded: { hasDraft: boolean; documents: Omit<InvoiceDocument, 'bytes'>[] },
): SafeHtml {
  const [latest] = loaded.documents;
  return html`${
    loaded.hasDraft
      ? html`<p><a href="/items/${itemId}/pdf/preview" target="_blank" rel="noopener" data-testid="pdf-preview">Preview PDF (draft)</a> <span class="small muted">marked DRAFT; the customer's copy is made from ServiceTitan after posting</span></p>`
      : ''
  }${
    latest
      ? html`<p><a href="/items/${itemId}/pdf" target="_blank" rel="noopener" data-testid="pdf-posted">${latest.fileName}</a>
  <span class="small muted">revision ${latest.revision}, ${latest.pageCount} page(s), made ${timeTag(latest.createdAt)}; SHA-256 <code>${latest.sha256.slice(0, 16)}…</code>;
  ${latest.attachedAt ? html`attached to the ServiceTitan job ${timeTag(latest.attachedAt)}` : 'not attached to the job yet'}</span></p>`
      : html`<p class="small muted">No posted PDF yet.</p>`
  }`;
}
