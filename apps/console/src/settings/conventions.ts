// Read-only: the conventions learned from the tenant's past invoices (tax rounding and bases,
// what each percentage fee or discount is a percentage of, how time-and-materials labor is
// billed), how many invoices each reproduces, and which one is in use. GET /settings?show=conventions (HTML), and `conventions` in the JSON
// of GET /settings. Pinning is done in the settings file (npm run tenant:settings).
import { describeConventions, type LearnedConventions } from '@invoicer/billing';
import { getTenantSettings } from '@invoicer/db';
import { type LaborConventionSummary, laborConventionSummary } from '@invoicer/tenant';
import type { ConsoleServices } from '../services.ts';
import { href, html, type SafeHtml } from '../views/html.ts';
import { layout, type Viewer } from '../views/layout.ts';

export interface ConventionsView {
  asOf: string | null;
  invoices: number;
  tax: {
    status: LearnedConventions['tax']['status'] | 'unavailable';
    pinned: boolean;
    agreement: number | null;
    support: number;
    candidates: { label: string; matched: number }[];
    words: string[];
  };
  percentages: {
    skuId: number;
    skuCode: string;
    learned: boolean;
    agreement: number;
    support: number;
    description: string;
  }[];
  percentageWords: string[];
  /** How a second flat-rate task is priced: what was learned and what is in use. */
  addOnWords: string[];
  /** The labor convention on the history a job drafted now learns from; null when unavailable. */
  labor: LaborConventionSummary | null;
}

export async function conventionsView(services: ConsoleServices, tenantId: string): Promise<ConventionsView> {
  const now = new Date();
  const [settings, learned, catalog, model] = await Promise.all([
    getTenantSettings(services.db, tenantId),
    services.runtime.conventions(tenantId, now).catch(() => null),
    services.runtime.catalog(tenantId).catch(() => null),
    services.runtime.model(tenantId, now).catch(() => null),
  ]);
  let labor: LaborConventionSummary | null = null;
  if (catalog && model) {
    try {
      labor = laborConventionSummary(model, catalog.skus, settings);
    } catch {
      labor = null;
    }
  }
  const words = describeConventions(settings, learned, catalog?.byId ?? new Map());
  return {
    asOf: learned?.asOf ?? null,
    invoices: learned?.invoices ?? 0,
    tax: {
      status: learned?.tax.status ?? 'unavailable',
      pinned: settings.tax.convention === 'pinned',
      agreement: learned?.tax.support ? learned.tax.agreement : null,
      support: learned?.tax.support ?? 0,
      candidates: (learned?.tax.candidates ?? []).map((c) => ({ label: c.label, matched: c.matched })),
      words: words.tax,
    },
    percentages: (learned?.percentages ?? []).map((p) => ({
      skuId: p.skuId,
      skuCode: p.skuCode,
      learned: p.rule !== null,
      agreement: p.agreement,
      support: p.support,
      description: p.description,
    })),
    percentageWords: words.percentages,
    addOnWords: words.addOn,
    labor,
  };
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

export function conventionsPage(viewer: Viewer, m: { tenantId: string; view: ConventionsView }): SafeHtml {
  const v = m.view;
  return layout(viewer, {
    title: 'Learned conventions',
    active: 'settings',
    body: html`<h1>Learned conventions</h1>
<p class="small muted">Tenant ${m.tenantId}. Learned from ${v.invoices} past invoices${v.asOf ? ` (jobs completed up to ${v.asOf.slice(0, 10)})` : ''}. Read-only: pin a convention in the tenant's settings (<code>tax.convention</code> = <code>pinned</code>, <code>pricing.percentageBases</code>, <code>pricing.addOnLaterTasks</code> and <code>pricing.addOnLaterBy</code>, <code>pricing.laborConvention</code> = <code>pinned</code> with <code>pricing.laborPinned</code>) with <code>npm run tenant:settings</code>. <a href="${href('/settings', { tenant: m.tenantId })}">Back to settings</a></p>
<section aria-labelledby="tax-h"><h2 id="tax-h">Sales tax</h2>
<ul>${v.tax.words.map((w) => html`<li>${w}</li>`)}</ul>
${
  v.tax.candidates.length && v.tax.support
    ? html`<table><caption>Each candidate convention on the ${v.tax.support} past taxed invoices</caption>
<thead><tr><th scope="col">Convention</th><th scope="col" class="num">Reproduced to the cent</th></tr></thead>
<tbody>${v.tax.candidates.map(
        (c) =>
          html`<tr><td>${c.label}</td><td class="num">${c.matched} / ${v.tax.support} (${pct(c.matched / v.tax.support)})</td></tr>`,
      )}</tbody></table>`
    : ''
}
</section>
<section aria-labelledby="pct-h"><h2 id="pct-h">Percentage fees and discounts</h2>
${
  v.percentageWords.length
    ? html`<ul>${v.percentageWords.map((w) => html`<li>${w}</li>`)}</ul>`
    : html`<p>No percentage fee or discount on past invoices.</p>`
}
</section>
<section aria-labelledby="addon-h"><h2 id="addon-h">A second flat-rate task</h2>
<ul>${v.addOnWords.map((w) => html`<li>${w}</li>`)}</ul>
</section>
<section aria-labelledby="labor-h"><h2 id="labor-h">Time-and-materials labor</h2>
${v.labor ? laborSection(v.labor) : html`<p>The history could not be read: the settings apply.</p>`}
</section>`,
  });
}

const LABOR_IN_USE: Record<LaborConventionSummary['inUse'], string> = {
  learned: 'the learned convention',
  pinned: 'the pinned convention',
  settings: "the settings' rules",
};

function laborSection(l: LaborConventionSummary): SafeHtml {
  const rows: [string, string][] = [
    ['In use', LABOR_IN_USE[l.inUse]],
    ...(l.description ? ([['Convention', l.description]] as [string, string][]) : []),
    ['Past time-and-materials invoices', String(l.support)],
    ...(l.agreement !== null
      ? ([
          ['Labor lines reproduced', `${pct(l.agreement)} (lower bound ${pct(l.agreementLowerBound ?? 0)})`],
          ['Hours reproduced', pct(l.hoursAgreement ?? 0)],
          ['Labor SKUs reproduced', pct(l.skuAgreement ?? 0)],
          ["The settings' rules reproduce", pct(l.settingsAgreement ?? 0)],
        ] as [string, string][])
      : []),
  ];
  const holidays = Object.entries(l.holidays);
  return html`<ul>${l.summary.map((w) => html`<li>${w}</li>`)}</ul>
<table><caption>Labor convention (${l.status})</caption>
<tbody>${rows.map(([k, v]) => html`<tr><th scope="row">${k}</th><td>${v}</td></tr>`)}</tbody></table>
${
  holidays.length
    ? html`<p class="small">Federal holidays, as this shop bills them: ${holidays.map(([h, billed]) => `${h} ${billed ? 'billed as a holiday' : 'billed as an ordinary day'}`).join('; ')}.</p>`
    : ''
}`;
}
