// The item page's evidence panel: per draft line, what the sold estimate says and the photos
// that bear on it; the sold lines missing from the draft (suggested, with the estimate as
// provenance); each photo finding with its thumbnail; and the nameplate OCR text.
import type { EstimateDifference, PhotoFinding, PhotoRecord } from '@invoicer/evidence';
import { money } from '../views/format.ts';
import { html, type SafeHtml } from '../views/html.ts';
import type { ItemEvidence } from './load.ts';

export function evidencePanel(item: { id: string; kind: string }): SafeHtml {
  if (item.kind !== 'invoice') return html``;
  return html`<section class="panel" id="evidence-panel" aria-labelledby="evidence-title"><h2 id="evidence-title">Evidence</h2>
  <div hx-get="/items/${item.id}/evidence" hx-trigger="load" hx-swap="innerHTML"><p class="small muted">Loading…</p></div>
</section>`;
}

const CLASS_LABELS: Record<string, string> = {
  same: 'as sold',
  qty_changed: 'quantity differs from the estimate',
  price_changed: 'price differs from the estimate',
  sold_not_invoiced: 'sold, not on the invoice',
  added_on_invoice: 'not on the sold estimate',
  declined_on_invoice: 'customer declined it (dismissed estimate)',
  non_chargeable: 'non-chargeable on the estimate',
};

const FINDING_LABELS: Record<string, string> = {
  wrong_day: 'taken on another day',
  wrong_place: 'taken away from the job',
  reused: 'reused from another job',
  nameplate_mismatch: 'nameplate contradicts the records',
  nameplate_match: 'nameplate matches',
};

function thumb(
  thumbnails: ItemEvidence['thumbnails'],
  photo: Pick<PhotoRecord, 'attachmentId' | 'fileName'>,
): SafeHtml {
  const src = thumbnails[photo.attachmentId];
  if (!src) return html`<span class="small muted">${photo.fileName}</span>`;
  return html`<img src="${src}" alt="${photo.fileName}" width="120" data-attachment="${photo.attachmentId}" data-testid="evidence-thumb">`;
}

function estimateCell(d: EstimateDifference | undefined): SafeHtml {
  if (!d) return html`<span class="muted">—</span>`;
  const ref = d.estimate[0];
  return html`<span data-class="${d.class}">${CLASS_LABELS[d.class] ?? d.class}</span>${
    ref
      ? html`<br><span class="small muted">estimate ${ref.name ?? ref.estimateId} (${ref.status}): × ${d.estimateQuantity ?? ref.quantity}${d.estimateTotal ? html`, ${money(d.estimateTotal)}` : ''}</span>`
      : ''
  }${d.class !== 'same' && d.class !== 'sold_not_invoiced' ? html`<br><span class="small">impact ${money(d.dollarImpact)}</span>` : ''}`;
}

function findingItem(thumbnails: ItemEvidence['thumbnails'], f: PhotoFinding): SafeHtml {
  return html`<li data-kind="${f.kind}">${thumb(thumbnails, f)} <strong>${FINDING_LABELS[f.kind] ?? f.kind}</strong>: ${f.message}</li>`;
}

export function evidenceFragment(loaded: ItemEvidence): SafeHtml {
  const ev = loaded.evidence;
  if (!ev) return html`<p class="muted">This run has no evidence step (drafted before it existed).</p>`;
  if (!ev.enabled) return html`<p class="muted">Evidence checks are off for this shop.</p>`;
  const diffs = ev.estimates?.differences ?? [];
  const byLine = new Map<string, EstimateDifference>();
  for (const d of diffs) for (const key of d.lineKeys) byLine.set(key, d);
  const photosByLine = new Map<string, PhotoFinding[]>();
  for (const f of ev.findings)
    for (const key of f.lineKeys ?? []) photosByLine.set(key, [...(photosByLine.get(key) ?? []), f]);
  const missing = ev.estimates?.suggestions ?? [];
  const ocr = ev.photos.filter((p) => p.ocrText);
  return html`${
    ev.estimates
      ? html`<table class="table" data-testid="evidence-lines"><thead><tr><th>Line</th><th>Draft</th><th>Sold estimate</th><th>Photos</th></tr></thead><tbody>${loaded.lines.map(
          (l) =>
            html`<tr data-line="${l.key}"><td>${l.skuCode} ${l.skuName}</td><td>× ${l.quantity}, ${money(l.total)}</td><td>${estimateCell(byLine.get(l.key))}</td><td>${(photosByLine.get(l.key) ?? []).map((f) => thumb(loaded.thumbnails, f))}</td></tr>`,
        )}</tbody></table>`
      : html`<p class="small muted">No estimate on this job.</p>`
  }${
    missing.length
      ? html`<h3>Sold but not on the invoice (suggested)</h3><ul data-testid="evidence-suggestions">${missing.map(
          (s) =>
            html`<li>${s.skuName} × ${s.quantity} at ${money(s.unitPrice)} = ${money(s.total)} <span class="small muted">${s.reason}</span></li>`,
        )}</ul>`
      : ''
  }${
    ev.findings.length
      ? html`<h3>Photos</h3><ul class="evidence-photos" data-testid="evidence-findings">${ev.findings.map((f) => findingItem(loaded.thumbnails, f))}</ul>`
      : ev.photos.length
        ? html`<p class="small">${ev.photos.length} photo(s) checked: time, place and reuse look right.</p>`
        : ''
  }${
    ocr.length
      ? html`<h3>Nameplate text</h3>${ocr.map((p) => html`<figure>${thumb(loaded.thumbnails, p)}<figcaption><pre data-testid="evidence-ocr">${p.ocrText ?? ''}</pre></figcaption></figure>`)}`
      : ''
  }${ev.notes.length ? html`<ul class="small muted">${ev.notes.map((n) => html`<li>${n}</li>`)}</ul>` : ''}`;
}
