// The customer page: server-rendered HTML, no script, no external asset. The stylesheet carries a
// per-response nonce named by the Content-Security-Policy, which allows nothing else.
import { randomBytes } from 'node:crypto';
import type { CustomerFacts } from '@invoicer/assistant';
import { escapeHtml as e } from '@invoicer/documents';

export function cspFor(nonce: string): string {
  return [
    "default-src 'none'",
    `style-src 'nonce-${nonce}'`,
    "img-src 'none'",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export const newNonce = () => randomBytes(16).toString('base64');

const STYLE = `body{font-family:system-ui,sans-serif;max-width:46em;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;width:100%}td,th{padding:.35em .5em;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}
td.n,th.n{text-align:right;white-space:nowrap}.muted{color:#666}.box{border:1px solid #ccc;border-radius:6px;padding:1em;margin:1.5em 0}
.q{font-weight:600;margin-top:1em}.a{white-space:pre-wrap;margin:.3em 0 0 1em}textarea{width:100%;box-sizing:border-box}
button{margin-top:.5em;padding:.4em 1em}.notice{background:#fff6d6;padding:.6em}`;

export function shell(nonce: string, title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="referrer" content="no-referrer"><title>${e(title)}</title><style nonce="${nonce}">${STYLE}</style></head><body>${body}</body></html>`;
}

export interface Turn {
  question: string;
  reply: string;
}

export function invoicePage(
  nonce: string,
  facts: CustomerFacts,
  options: {
    turns: Turn[];
    action: string;
    personAction: string;
    notice?: string | null;
    handedOff: boolean;
  },
): string {
  const inv = facts.invoice;
  const lines = inv.lines
    .map(
      (l) =>
        `<tr><td>${e(l.description).replace(/\n/g, '<br>')}<div class="muted">${e(l.kind)}</div></td><td class="n">${e(l.quantity)}</td><td class="n">${e(l.unitPrice)}</td><td class="n">${e(l.amount)}</td></tr>`,
    )
    .join('');
  const totals = [
    ['Subtotal', inv.subTotal],
    ...(inv.discount ? [['Discount', inv.discount]] : []),
    ['Sales tax', inv.salesTax],
    ['Total', inv.total],
    ['Paid', inv.paid],
    ['Balance', inv.balance],
  ]
    .map(([k, v]) => `<tr><th colspan="3" class="n">${e(k)}</th><td class="n">${e(v)}</td></tr>`)
    .join('');
  const payments = inv.payments.length
    ? `<ul>${inv.payments.map((p) => `<li>${e(p.amount)} · ${e(p.method)}${p.date ? ` · ${e(p.date)}` : ''}</li>`).join('')}</ul>`
    : '<p class="muted">No payment recorded yet.</p>';
  const turns = options.turns
    .map((t) => `<div class="q">You: ${e(t.question)}</div><div class="a">${e(t.reply)}</div>`)
    .join('');
  const meta = [
    inv.invoiceDate && `Date: ${e(inv.invoiceDate)}`,
    inv.dueDate && `Due: ${e(inv.dueDate)}`,
    inv.terms && `Terms: ${e(inv.terms)}`,
    inv.jobNumber && `Job: ${e(inv.jobNumber)}${inv.jobType ? ` (${e(inv.jobType)})` : ''}`,
  ]
    .filter(Boolean)
    .join(' · ');
  return shell(
    nonce,
    `Invoice ${inv.invoiceNumber}`,
    `<h1>Invoice ${e(inv.invoiceNumber)}</h1>
<p>${e(inv.shopName ?? '')}${facts.customerName ? ` — for ${e(facts.customerName)}` : ''}</p>
<p class="muted">${meta}</p>
${inv.summary ? `<div class="box"><strong>Work done</strong><p>${e(inv.summary).replace(/\n/g, '<br>')}</p></div>` : ''}
<table><thead><tr><th>Description</th><th class="n">Qty</th><th class="n">Price</th><th class="n">Amount</th></tr></thead><tbody>${lines}</tbody><tfoot>${totals}</tfoot></table>
<h2>Payments</h2>${payments}
${planSection(facts)}
<p><strong>Status:</strong> ${e(inv.status)}</p>
<div class="box" id="chat"><h2>Questions about this invoice?</h2>
${options.notice ? `<p class="notice">${e(options.notice)}</p>` : ''}${turns}
<form method="post" action="${e(options.action)}"><label for="question">Ask a question</label><textarea id="question" name="question" rows="3" maxlength="1000" required></textarea><button type="submit">Ask</button></form>
${options.handedOff ? '<p class="muted">A person from the office has your question and will contact you.</p>' : `<form method="post" action="${e(options.personAction)}"><button type="submit">Talk to a person</button></form>`}
<p class="muted">Answers come from your invoice, your payments and the shop's policies.</p></div>`,
  );
}

function planSection(facts: CustomerFacts): string {
  const plan = facts.plan;
  if (!plan) return '';
  const rows = plan.installments
    .map((i) => `<tr><td>${i.number}</td><td>${e(i.dueDate)}</td><td class="n">${e(i.amount)}</td></tr>`)
    .join('');
  const state = plan.state === 'late' ? ' <strong>(an installment is overdue)</strong>' : '';
  return `<h2>Payment plan</h2><p class="muted">Agreed with the office${state}.</p>
<table><thead><tr><th>#</th><th>Due</th><th class="n">Amount</th></tr></thead><tbody>${rows}</tbody></table>`;
}

export function messagePage(nonce: string, title: string, text: string): string {
  return shell(nonce, title, `<h1>${e(title)}</h1><p>${e(text)}</p>`);
}
