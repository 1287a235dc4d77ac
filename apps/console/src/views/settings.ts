// Rollout settings per tenant: the default mode and thresholds, and overrides per business
// unit and job type (the most specific override wins).
import type { FieldIssue } from '../http/errors.ts';
import type { OverrideValues, PolicyValues } from '../settings/form.ts';
import { type Html, html, type SafeHtml } from './html.ts';
import { csrfField, type Flash, layout, type Viewer } from './layout.ts';

export interface SettingsModel {
  tenantId: string;
  tenants: { id: string; name: string }[];
  version: number;
  updatedBy: string;
  values: PolicyValues;
  businessUnits: [number, string][];
  jobTypes: [number, string][];
  issues?: FieldIssue[];
  flash?: Flash;
  /** The auto-approval threshold in force beside the recommended one (settings/recommendation.ts). */
  recommendation?: SafeHtml;
}

const MODES: [string, string][] = [
  ['shadow', 'Shadow: draft only, never post, no review'],
  ['suggest', 'Suggest: every draft goes to review'],
  ['auto', 'Auto: post confident drafts, review the rest'],
];

function options(list: [string | number, string][], current: string, blank?: string): SafeHtml {
  return html`${blank !== undefined ? html`<option value="">${blank}</option>` : ''}${list.map(
    ([v, t]) => html`<option value="${v}"${String(v) === current ? html` selected` : ''}>${t}</option>`,
  )}`;
}

function field(id: string, label: string, control: Html, hint = ''): SafeHtml {
  return html`<div class="field"><label for="${id}">${label}</label>${control}${hint ? html`<p class="hint" id="${id}-hint">${hint}</p>` : ''}</div>`;
}

function overrideRow(m: SettingsModel, o: OverrideValues, i: number): SafeHtml {
  return html`<tr>
    <td><label class="sr-only" for="ov-bu-${i}">Business unit</label><select id="ov-bu-${i}" name="ov_bu">${options(m.businessUnits, o.businessUnitId, 'Any')}</select></td>
    <td><label class="sr-only" for="ov-jt-${i}">Job type</label><select id="ov-jt-${i}" name="ov_jt">${options(m.jobTypes, o.jobTypeId, 'Any')}</select></td>
    <td><label class="sr-only" for="ov-mode-${i}">Mode</label><select id="ov-mode-${i}" name="ov_mode">${options(
      MODES.map(([v]) => [v, v]),
      o.mode,
      'Default',
    )}</select></td>
    <td><label class="sr-only" for="ov-conf-${i}">Auto-approve confidence</label><input id="ov-conf-${i}" name="ov_conf" value="${o.autoApproveConfidence}" inputmode="decimal" size="5"></td>
    <td><label class="sr-only" for="ov-amount-${i}">Amount threshold</label><input id="ov-amount-${i}" name="ov_amount" value="${o.amountThreshold}" inputmode="decimal" size="9"></td>
    <td><label><input type="checkbox" name="ov_remove" value="${i}"> Remove</label></td>
  </tr>`;
}

export function settingsPage(viewer: Viewer, m: SettingsModel): SafeHtml {
  const v = m.values;
  const rows = [
    ...v.overrides,
    { businessUnitId: '', jobTypeId: '', mode: '', autoApproveConfidence: '', amountThreshold: '' },
  ];
  return layout(viewer, {
    title: 'Settings',
    active: 'settings',
    flash: m.flash,
    body: html`<h1>Rollout settings</h1>
${
  m.tenants.length > 1
    ? html`<form method="get" action="/settings" class="inline"><label for="tenant">Tenant</label>
  <select id="tenant" name="tenant">${options(
    m.tenants.map((t) => [t.id, t.name]),
    m.tenantId,
  )}</select> <button type="submit">Show</button></form>`
    : ''
}
${
  m.issues?.length
    ? html`<div class="flash flash-error" role="alert"><p>Nothing was saved. Please correct:</p><ul>${m.issues.map((i) => html`<li><strong>${i.field}</strong>: ${i.message}</li>`)}</ul></div>`
    : ''
}
<p class="small muted">Version ${m.version}, last changed by ${m.updatedBy}. Workers pick up a change within 15 seconds.</p>
${m.recommendation ?? ''}
<form method="post" action="/settings" class="settings">
  ${csrfField(viewer)}
  <input type="hidden" name="tenant" value="${m.tenantId}">
  <input type="hidden" name="version" value="${m.version}">
  <fieldset><legend>Default policy</legend>
    ${field('mode', 'Rollout mode', html`<select id="mode" name="mode">${options(MODES, v.mode)}</select>`)}
    ${field('autoApproveConfidence', 'Auto-approve at confidence (0–1)', html`<input id="autoApproveConfidence" name="autoApproveConfidence" value="${v.autoApproveConfidence}" inputmode="decimal" aria-describedby="autoApproveConfidence-hint">`, 'Drafts at or above this confidence post without review (auto mode).')}
    ${field('amountThreshold', 'Always review totals above ($)', html`<input id="amountThreshold" name="amountThreshold" value="${v.amountThreshold}" inputmode="decimal">`)}
    ${field('managerThreshold', 'Manager approval above ($)', html`<input id="managerThreshold" name="managerThreshold" value="${v.managerThreshold}" inputmode="decimal" aria-describedby="managerThreshold-hint">`, 'Billing specialists cannot approve totals above this.')}
    ${field('reviewSlaHours', 'Review within (hours)', html`<input id="reviewSlaHours" name="reviewSlaHours" value="${v.reviewSlaHours}" inputmode="decimal">`)}
    ${field('alwaysReviewJobTypeIds', 'Always review job types (ids)', html`<input id="alwaysReviewJobTypeIds" name="alwaysReviewJobTypeIds" value="${v.alwaysReviewJobTypeIds}">`)}
    ${field('alwaysReviewCustomerIds', 'Always review customers (ids)', html`<input id="alwaysReviewCustomerIds" name="alwaysReviewCustomerIds" value="${v.alwaysReviewCustomerIds}">`)}
    ${field('alwaysReviewCustomerTagIds', 'Always review customer tags (ids)', html`<input id="alwaysReviewCustomerTagIds" name="alwaysReviewCustomerTagIds" value="${v.alwaysReviewCustomerTagIds}">`)}
  </fieldset>
  <fieldset><legend>Overrides by business unit and job type</legend>
    <p class="hint">The most specific match wins: business unit and job type, then job type, then business unit. Leave a value blank to keep the default. Fill the last row to add an override.</p>
    <table><thead><tr><th scope="col">Business unit</th><th scope="col">Job type</th><th scope="col">Mode</th><th scope="col">Confidence</th><th scope="col">Amount threshold ($)</th><th scope="col"><span class="sr-only">Remove</span></th></tr></thead>
    <tbody>${rows.map((o, i) => overrideRow(m, o, i))}</tbody></table>
  </fieldset>
  <button type="submit" class="primary">Save settings</button>
</form>`,
  });
}
