// The auto-approval threshold on the settings page: the one in force beside the one the shop's
// record supports (policy.recommendation, from a backtest), read-only, with an "Accept" button
// for admins. Accepting (POST /settings, action=accept_threshold, CSRF and version-checked like
// any settings change) copies the recommendation into autoApproveConfidence and the business
// units' overrides, and is audited with the before and after. Nothing else changes it.
import {
  acceptThresholdRecommendation,
  effectivePolicy,
  type TenantSettings,
  type ThresholdRecommendation,
} from '@invoicer/core';
import { type Db, getTenantSettings, putTenantSettings } from '@invoicer/db';
import { auditUser } from '../audit/record.ts';
import type { SessionUser } from '../auth/session.ts';
import { HttpError } from '../http/errors.ts';
import { html, type SafeHtml } from '../views/html.ts';
import { csrfField, type Viewer } from '../views/layout.ts';

type Policy = TenantSettings['policy'];

export const ACCEPT_THRESHOLD = 'accept_threshold';

const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);
const thr = (v: number | null) => (v === null ? 'none (no auto-approval)' : v.toFixed(4));

/** Accepting would change nothing: the recommendation is what is in force. */
export function recommendationInForce(policy: Policy): boolean {
  if (!policy.recommendation) return false;
  const accepted = acceptThresholdRecommendation(policy);
  return (
    accepted.autoApproveConfidence === policy.autoApproveConfidence &&
    JSON.stringify(accepted.overrides) === JSON.stringify(policy.overrides)
  );
}

function row(
  label: string,
  inForce: number,
  r: Pick<ThresholdRecommendation, 'autoApproveConfidence' | 'share' | 'exactness' | 'wilsonLow' | 'jobs'>,
): SafeHtml {
  return html`<tr><th scope="row">${label}</th><td class="num">${inForce}</td><td class="num"><strong>${thr(r.autoApproveConfidence)}</strong></td><td class="num">${pct(r.share)}</td><td class="num">${pct(r.exactness)}</td><td class="num">${pct(r.wilsonLow)}</td><td class="num">${r.jobs}</td></tr>`;
}

export function recommendationSection(
  viewer: Viewer,
  m: { tenantId: string; version: number; policy: Policy; businessUnits: Map<number, string> },
): SafeHtml {
  const { policy } = m;
  const r = policy.recommendation;
  if (!r)
    return html`<section aria-labelledby="threshold-h"><h2 id="threshold-h">Auto-approval threshold</h2>
<p>In force: <strong>${policy.autoApproveConfidence}</strong>. No recommended threshold yet: run <code>npm run backtest</code> on the shop’s history and store its report with <code>npm run tenant:settings -- --tenant ${m.tenantId} --recommendation report.json</code>.</p></section>`;
  const inForce = recommendationInForce(policy);
  const accepted = acceptThresholdRecommendation(policy);
  const bu = (id: number) => m.businessUnits.get(id) ?? `Business unit ${id}`;
  return html`<section aria-labelledby="threshold-h"><h2 id="threshold-h">Auto-approval threshold</h2>
<table><caption>In force beside recommended (read-only): the lowest confidence at which the drafts that would have posted were still ≥ ${pct(r.target)} exactly right</caption>
<thead><tr><th scope="col">Applies to</th><th scope="col" class="num">In force</th><th scope="col" class="num">Recommended</th><th scope="col" class="num">Would auto-post</th><th scope="col" class="num">Exactly right</th><th scope="col" class="num">Wilson low (95%)</th><th scope="col" class="num">Jobs</th></tr></thead>
<tbody>${row('Default', policy.autoApproveConfidence, r)}${r.businessUnits.map((b) =>
    row(bu(b.businessUnitId), effectivePolicy(policy, b.businessUnitId, null).autoApproveConfidence, b),
  )}</tbody></table>
<p class="small muted">Recommended by ${r.source} from jobs completed ${r.window.from.slice(0, 10)} to ${r.window.to.slice(0, 10)} (computed ${r.computedAt.slice(0, 16).replace('T', ' ')} UTC). It changes nothing until an admin accepts it.</p>
${
  inForce
    ? html`<p>The recommended threshold is in force.</p>`
    : viewer.user?.role === 'admin'
      ? html`<form method="post" action="/settings" class="inline">${csrfField(viewer)}
  <input type="hidden" name="tenant" value="${m.tenantId}">
  <input type="hidden" name="version" value="${m.version}">
  <input type="hidden" name="action" value="${ACCEPT_THRESHOLD}">
  <button type="submit" aria-describedby="accept-threshold-hint">Accept recommended threshold</button>
  <p class="hint" id="accept-threshold-hint">Sets the default to ${accepted.autoApproveConfidence}${r.businessUnits.length ? html` and ${r.businessUnits.length} business unit override(s)` : ''}; the mode (${policy.mode}) and everything else stay as they are.</p></form>`
      : ''
}
</section>`;
}

/**
 * Accept the stored recommendation (admins; the route checks the role and CSRF): refused when
 * someone saved the settings since the page was loaded or there is nothing to accept; audited.
 * Returns the settings version in force afterwards.
 */
export async function acceptRecommendedThreshold(
  db: Db,
  tenantId: string,
  user: SessionUser,
  version: number | undefined,
): Promise<number> {
  return db.$transaction(async (tx) => {
    const row = await tx.tenantSettings.findUnique({ where: { tenantId } });
    if (version !== undefined && (row?.version ?? 0) !== version)
      throw new HttpError(
        409,
        `${row?.updatedBy ?? 'Someone'} changed these settings since you opened them. Reload and accept again.`,
      );
    const current = await getTenantSettings(tx, tenantId);
    const before = current.policy;
    if (!before.recommendation) throw new HttpError(409, 'There is no recommended threshold to accept.');
    if (recommendationInForce(before)) return row?.version ?? 0;
    const policy = acceptThresholdRecommendation(before);
    const saved = await putTenantSettings(tx, tenantId, { ...current, policy }, user.email);
    await auditUser(tx, user, {
      tenantId,
      action: 'settings.threshold_accepted',
      data: {
        recommendation: before.recommendation,
        before: { autoApproveConfidence: before.autoApproveConfidence, overrides: before.overrides },
        after: { autoApproveConfidence: policy.autoApproveConfidence, overrides: policy.overrides },
        version: saved.version,
      },
    });
    return saved.version;
  });
}
