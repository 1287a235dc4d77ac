// The invoice as one HTML page for Chromium's print engine. Every value is escaped; the only
// resources are inlined (fonts, the logo as a data URL). The column header repeats on every page
// (thead as a table-header-group), a row never splits, and the last two rows travel with the
// totals so the totals never stand alone on a page. The footer (page numbers, licence text) is
// Chromium's footer template, printed on every page.
import { FONT_FAMILY } from './fonts.ts';
import type { InvoiceDocumentModel } from './model.ts';
import { escapeHtml as e } from './text.ts';

/** Rows kept on the same page as the totals. */
export const ROWS_WITH_TOTALS = 2;

const DEFAULT_ACCENT = '#1f4e79';

function safeColour(value: string): string {
  return /^#[0-9a-fA-F]{6}$/.test(value) ? value : DEFAULT_ACCENT;
}

function safeLogo(value: string | null): string | null {
  return value && /^data:image\/(png|jpeg|svg\+xml);base64,[A-Za-z0-9+/]+={0,2}$/.test(value) ? value : null;
}

const paragraphs = (text: string) =>
  text
    .split(/\n{2,}/)
    .map((p) => `<p>${e(p).replace(/\n/g, '<br>')}</p>`)
    .join('');

function styles(accent: string, fontCss: string): string {
  return `${fontCss}
html{-webkit-print-color-adjust:exact;print-color-adjust:exact}
body{font-family:'${FONT_FAMILY}',sans-serif;font-size:9.5pt;line-height:1.35;color:#1d1d1f;margin:0}
p{margin:0 0 4pt}
.head{display:flex;justify-content:space-between;align-items:flex-start;gap:16pt;border-bottom:2.5pt solid ${accent};padding-bottom:8pt;margin-bottom:10pt}
.brand{display:flex;gap:10pt;align-items:flex-start}
.brand img{max-height:56pt;max-width:140pt}
.seller-name{font-size:13pt;font-weight:700;color:${accent}}
.muted{color:#555}
h1{font-size:20pt;margin:0 0 4pt;letter-spacing:1pt;color:${accent};text-align:right}
table.meta{border-collapse:collapse;margin-left:auto}
table.meta th{text-align:right;font-weight:400;color:#555;padding:0 8pt 0 0}
table.meta td{text-align:right;font-weight:700}
.header-note{margin:0 0 8pt;font-weight:700}
.parties{display:flex;gap:14pt;margin-bottom:10pt}
.parties>div{flex:1;border:0.75pt solid #d0d4da;border-radius:3pt;padding:6pt 8pt}
.parties h2{font-size:8pt;text-transform:uppercase;letter-spacing:.6pt;color:${accent};margin:0 0 3pt}
table.items{width:100%;border-collapse:collapse}
table.items thead{display:table-header-group}
table.items tr{break-inside:avoid;page-break-inside:avoid}
table.items tbody.tail{break-inside:avoid;page-break-inside:avoid}
table.items th{background:${accent};color:#fff;text-align:left;font-weight:700;padding:4pt 6pt}
table.items td{padding:4pt 6pt;border-bottom:0.5pt solid #dde1e6;vertical-align:top}
table.items .num{text-align:right;white-space:nowrap}
table.items .desc{white-space:pre-line;overflow-wrap:anywhere}
table.items tr.sum td{border-bottom:none;padding:2pt 6pt}
table.items tr.sum td.label{text-align:right;color:#333}
table.items tr.sum.first td{padding-top:8pt}
table.items tr.grand td{font-weight:700;border-top:1pt solid #333}
table.items tr.balance td{font-weight:700;font-size:11pt;color:${accent};border-top:1.5pt solid ${accent}}
.after{margin-top:12pt}
.after h2{font-size:9pt;color:${accent};margin:8pt 0 2pt}
.after section{break-inside:avoid}
.watermark{position:fixed;top:38%;left:-10%;width:120%;text-align:center;transform:rotate(-28deg);font-size:120pt;font-weight:700;color:rgba(192,28,40,.13);z-index:0;pointer-events:none}
`;
}

function lineRow(line: InvoiceDocumentModel['lines'][number]): string {
  return `<tr class="line"><td class="desc">${e(line.description)}</td><td class="num">${e(line.quantity)}</td><td class="num">${e(line.unitPrice)}</td><td class="num">${e(line.amount)}</td></tr>`;
}

function sumRow(label: string, amount: string, className = ''): string {
  return `<tr class="sum ${className}"><td class="label" colspan="3">${e(label)}</td><td class="num">${e(amount)}</td></tr>`;
}

function party(title: string, name: string, lines: string[]): string {
  return `<div><h2>${e(title)}</h2><div><strong>${e(name || '—')}</strong></div>${lines.map((l) => `<div>${e(l)}</div>`).join('')}</div>`;
}

/** The document body. `fontCss` is fonts.ts's @font-face rules. */
export function invoiceHtml(m: InvoiceDocumentModel, fontCss: string): string {
  const accent = safeColour(m.branding.accentColor);
  const logo = safeLogo(m.branding.logoDataUrl);
  const split = Math.max(0, m.lines.length - ROWS_WITH_TOTALS);
  const meta: [string, string | null][] = [
    ['Invoice', m.invoiceNumber],
    ['Date', m.invoiceDate],
    ['Due', m.dueDate],
    ['Terms', m.termName],
  ];
  const totals = [
    sumRow('Subtotal', m.subTotal, 'first'),
    m.discountTotal ? sumRow('Discounts', m.discountTotal) : '',
    ...m.taxLines.map((t) => sumRow(t.label, t.amount)),
    m.taxLines.length > 1 ? sumRow('Total tax', m.salesTax) : '',
    sumRow('Total', m.total, 'grand'),
    ...m.payments.map((p) => sumRow(p.label, p.amount)),
    sumRow('Balance due', m.balance, 'balance'),
  ].join('');
  const job = [
    m.jobNumber ? `Job ${m.jobNumber}` : '',
    m.jobType ?? '',
    m.technician ? `Technician: ${m.technician}` : '',
  ].filter(Boolean);
  const after: string[] = [];
  if (m.summary) after.push(`<section><h2>Summary of work</h2>${paragraphs(m.summary)}</section>`);
  if (m.seller.invoiceMessage) after.push(`<section>${paragraphs(m.seller.invoiceMessage)}</section>`);
  if (m.seller.authorizationParagraph)
    after.push(`<section><h2>Authorization</h2>${paragraphs(m.seller.authorizationParagraph)}</section>`);
  if (m.seller.acknowledgementParagraph)
    after.push(`<section><h2>Acknowledgement</h2>${paragraphs(m.seller.acknowledgementParagraph)}</section>`);
  if (m.branding.terms) after.push(`<section><h2>Terms</h2>${paragraphs(m.branding.terms)}</section>`);
  if (m.questionsUrl)
    after.push(`<section><h2>Questions about this invoice?</h2><p>${e(m.questionsUrl)}</p></section>`);
  const contact = [m.seller.phone, m.seller.email].filter(Boolean).join(' · ');
  const showHeader = m.seller.invoiceHeader && m.seller.invoiceHeader !== m.seller.name;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Invoice ${e(m.invoiceNumber)}</title><style>${styles(accent, fontCss)}</style></head><body>
${m.watermark ? `<div class="watermark" aria-hidden="true">${e(m.watermark)}</div>` : ''}
<header class="head"><div class="brand">${logo ? `<img src="${e(logo)}" alt="">` : ''}<div><div class="seller-name">${e(m.seller.name)}</div>${m.seller.addressLines.map((l) => `<div class="muted">${e(l)}</div>`).join('')}${contact ? `<div class="muted">${e(contact)}</div>` : ''}</div></div>
<div><h1>${m.watermark ? `${e(m.watermark)} ` : ''}INVOICE</h1><table class="meta">${meta
    .filter(([, v]) => v)
    .map(([k, v]) => `<tr><th>${e(k)}</th><td>${e(v)}</td></tr>`)
    .join('')}</table></div></header>
${showHeader ? `<p class="header-note">${e(m.seller.invoiceHeader)}</p>` : ''}
<div class="parties">${party('Bill to', m.billTo.name, m.billTo.addressLines)}${party('Service location', m.serviceLocation.name, m.serviceLocation.addressLines)}${party('Job', job[0] ?? '', job.slice(1))}</div>
<table class="items"><thead><tr><th>Description</th><th class="num">Qty</th><th class="num">Unit price</th><th class="num">Amount</th></tr></thead>
<tbody>${m.lines.slice(0, split).map(lineRow).join('')}</tbody>
<tbody class="tail">${m.lines.slice(split).map(lineRow).join('')}${totals}</tbody></table>
${after.length ? `<div class="after">${after.join('')}</div>` : ''}
</body></html>`;
}

/** Chromium's footer template: licence text and "Page x of y" on every page (≥ 8 pt). */
export function footerHtml(m: InvoiceDocumentModel): string {
  const accent = safeColour(m.branding.accentColor);
  const licence = m.branding.licenceText ? e(m.branding.licenceText) : '';
  return `<div style="width:100%;margin:0 14mm;font-family:'DejaVu Sans',sans-serif;font-size:8pt;color:#444;display:flex;justify-content:space-between;gap:12pt;border-top:0.5pt solid ${accent};padding-top:3pt;-webkit-print-color-adjust:exact"><span>${licence}</span><span style="white-space:nowrap">Invoice ${e(m.invoiceNumber)} · Page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>`;
}
