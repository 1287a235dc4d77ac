// The payment plans page: each proposed plan's options (installments and dates, no finance
// charge), the reasons from the customer's history and the CSR's draft; running plans' schedules.
import { formatCents, type Installment, type PlanOption } from '@invoicer/collections';
import type { PaymentPlan } from '@invoicer/db';
import { html, type SafeHtml } from '../views/html.ts';
import { csrfField, type Viewer } from '../views/layout.ts';

const schedule = (list: Installment[]) =>
  html`<ol>${list.map((i) => html`<li>${formatCents(i.cents)} due ${i.dueDate}</li>`)}</ol>`;

function proposed(p: PaymentPlan, viewer: Viewer, canAct: boolean): SafeHtml {
  const options = p.options as unknown as PlanOption[];
  return html`<article class="plan"><h3>Invoice ${String(p.invoiceId)} · customer ${String(p.customerId)} · ${formatCents(Number(p.balanceCents))}</h3>
    <ul>${(p.reasons as string[]).map((r) => html`<li>${r}</li>`)}</ul>
    <form method="post" action="/collections/plans/accept">${csrfField(viewer)}
      <input type="hidden" name="tenant" value="${p.tenantId}"><input type="hidden" name="plan" value="${p.id}">
      <fieldset><legend>Options (no finance charge)</legend>${options.map(
        (o, n) =>
          html`<label><input type="radio" name="count" value="${o.count}"${n === 0 ? html` checked` : ''}> ${o.count} installments</label>${schedule(o.installments)}`,
      )}</fieldset>
      ${canAct ? html`<button type="submit">Accept the chosen option</button>` : ''}
    </form>
    ${p.draft ? html`<details><summary>Draft message for the customer</summary><pre>${p.draft}</pre></details>` : ''}
  </article>`;
}

export function plansPage(
  tenantId: string | null,
  plans: PaymentPlan[],
  viewer: Viewer,
  canAct: boolean,
): SafeHtml {
  const open = plans.filter((p) => p.state === 'proposed');
  const running = plans.filter((p) => p.state !== 'proposed');
  return html`<h1>Payment plans</h1>
  ${tenantId ? html`<p><a href="/collections?tenant=${tenantId}">Back to receivables</a></p>` : html`<p>No tenants.</p>`}
  <p class="muted">Default: at most 4 installments and never a finance charge — more than four, or a finance charge, makes a plan consumer credit under Reg Z. Not legal advice.</p>
  <h2>Suggested</h2>${open.length ? open.map((p) => proposed(p, viewer, canAct)) : html`<p>No suggestions.</p>`}
  <h2>Running</h2>${
    running.length
      ? html`<table><thead><tr><th scope="col">Invoice</th><th scope="col">Customer</th><th scope="col" class="num">Balance</th><th scope="col">State</th><th scope="col">Schedule</th></tr></thead><tbody>${running.map(
          (p) =>
            html`<tr><td>${String(p.invoiceId)}</td><td>${String(p.customerId)}</td><td class="num">${formatCents(Number(p.balanceCents))}</td><td>${p.state}</td><td>${schedule((p.installments ?? []) as unknown as Installment[])}</td></tr>`,
        )}</tbody></table>`
      : html`<p>No running plans.</p>`
  }`;
}
