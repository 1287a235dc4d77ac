// The auto-approval threshold in `npm run tenant:settings`: the one in force beside the one
// recommended (read-only, in the printed settings), storing a recommendation from a backtest
// report (`--recommendation report.json`) and accepting it (`--accept-threshold`). Storing a
// recommendation never changes the threshold in force; only accepting does, and both are
// versioned and audited like any settings change.
import { readFileSync } from 'node:fs';
import {
  acceptThresholdRecommendation,
  effectivePolicy,
  InvalidInputError,
  type TenantSettings,
  ThresholdRecommendation,
} from '@invoicer/core';
import { appendAuditTx, type Db, getTenantSettings, putTenantSettings } from '@invoicer/db';

type Policy = TenantSettings['policy'];

const pct = (v: number | null) => (v === null ? 'n/a' : `${(v * 100).toFixed(1)}%`);
const thr = (v: number | null) => (v === null ? 'none (no auto-approval)' : v.toFixed(4));

/** One line on a recommendation: its threshold, where it came from, and what it would post. */
export function describeRecommendation(r: ThresholdRecommendation): string {
  const from = `${r.source}, jobs completed ${r.window.from.slice(0, 10)} to ${r.window.to.slice(0, 10)}`;
  return r.autoApproveConfidence === null
    ? `none: no threshold kept ${pct(r.target)} of auto-approved drafts exactly right (${from}, ${r.jobs} jobs), so nothing should auto-post`
    : `${r.autoApproveConfidence.toFixed(4)} (${from}): ${pct(r.share)} of ${r.jobs} jobs would have auto-posted, ${pct(r.exactness)} of them exactly right (Wilson 95% lower bound ${pct(r.wilsonLow)})`;
}

/**
 * The read-only `autoApproval` section of the printed settings (ignored by --set): the
 * threshold in force beside the recommended one, for the shop and each business unit the
 * recommendation names.
 */
export function autoApprovalSection(policy: Policy): Record<string, unknown> {
  const r = policy.recommendation;
  const inForceFor = (businessUnitId: number | null) =>
    effectivePolicy(policy, businessUnitId, null).autoApproveConfidence;
  return {
    note: r
      ? 'Read-only (ignored by --set): the auto-approval threshold in force beside the recommended one. Nothing changes it until you accept: --accept-threshold.'
      : 'Read-only (ignored by --set): no recommended threshold yet. Run npm run backtest on the shop’s history and store its report with --recommendation <report.json>.',
    mode: policy.mode,
    inForce: policy.autoApproveConfidence,
    recommended: r ? r.autoApproveConfidence : undefined,
    recommendation: r ? describeRecommendation(r) : undefined,
    accepted: r ? isAccepted(policy) : undefined,
    businessUnits: r?.businessUnits.map((b) => ({
      businessUnitId: b.businessUnitId,
      inForce: inForceFor(b.businessUnitId),
      recommended: b.autoApproveConfidence,
      share: b.share,
      exactness: b.exactness,
      wilsonLow: b.wilsonLow,
      jobs: b.jobs,
    })),
  };
}

/** Whether accepting the recommendation would change nothing. */
export function isAccepted(policy: Policy): boolean {
  if (!policy.recommendation) return false;
  const accepted = acceptThresholdRecommendation(policy);
  return (
    accepted.autoApproveConfidence === policy.autoApproveConfidence &&
    JSON.stringify(accepted.overrides) === JSON.stringify(policy.overrides)
  );
}

/** A recommendation from a backtest report.json (its `recommendation.settings`) or on its own. */
export function readRecommendationFile(file: string): ThresholdRecommendation {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new InvalidInputError(`${file} is not readable JSON: ${(error as Error).message}`);
  }
  const report = raw as { recommendation?: { settings?: unknown } | null; jobs?: unknown };
  if (report && typeof report === 'object' && 'recommendation' in report && 'jobs' in report) {
    if (!report.recommendation)
      throw new InvalidInputError(
        `${file} is a backtest report without a recommendation (run the backtest with --from and --calibrate-days > 0).`,
      );
    raw = report.recommendation.settings;
  }
  const parsed = ThresholdRecommendation.safeParse(raw);
  if (!parsed.success)
    throw new InvalidInputError(
      `${file} holds no valid threshold recommendation:\n${parsed.error.issues
        .map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`)
        .join('\n')}`,
    );
  return parsed.data;
}

/** Store a recommendation beside the threshold in force (which it does not change); audited. */
export async function storeRecommendation(
  db: Db,
  tenantId: string,
  recommendation: ThresholdRecommendation,
  actor: string,
  source: string,
): Promise<string[]> {
  const version = await db.$transaction(async (tx) => {
    const current = await getTenantSettings(tx, tenantId);
    const saved = await putTenantSettings(
      tx,
      tenantId,
      { ...current, policy: { ...current.policy, recommendation } },
      actor,
    );
    await appendAuditTx(tx, {
      tenantId,
      actorType: 'user',
      actor,
      action: 'settings.threshold_recommended',
      data: {
        before: current.policy.recommendation ?? null,
        after: recommendation,
        source,
        version: saved.version,
      },
    });
    return saved.version;
  });
  return [
    `Stored the recommended auto-approval threshold for tenant "${tenantId}" (settings version ${version}):`,
    `  recommended: ${describeRecommendation(recommendation)}`,
    ...recommendation.businessUnits.map(
      (b) =>
        `  business unit ${b.businessUnitId}: ${thr(b.autoApproveConfidence)} (${b.jobs} jobs, ${pct(b.share)} would auto-post, Wilson low ${pct(b.wilsonLow)})`,
    ),
    'Nothing in force changed. Accept it with --accept-threshold.',
  ];
}

/**
 * Accept the stored recommendation: it becomes autoApproveConfidence and the business units'
 * override thresholds (see acceptThresholdRecommendation). Versioned and audited with the
 * before and after; lines saying what changed.
 */
export async function acceptThreshold(db: Db, tenantId: string, actor: string): Promise<string[]> {
  return db.$transaction(async (tx) => {
    const current = await getTenantSettings(tx, tenantId);
    const before = current.policy;
    const r = before.recommendation;
    if (!r)
      throw new InvalidInputError(
        `Tenant "${tenantId}" has no recommended threshold to accept. Store one from a backtest report with --recommendation <report.json>.`,
      );
    if (isAccepted(before))
      return [`The recommended threshold is already in force for tenant "${tenantId}"; nothing changed.`];
    const policy = acceptThresholdRecommendation(before);
    const saved = await putTenantSettings(tx, tenantId, { ...current, policy }, actor);
    await appendAuditTx(tx, {
      tenantId,
      actorType: 'user',
      actor,
      action: 'settings.threshold_accepted',
      data: {
        recommendation: r,
        before: { autoApproveConfidence: before.autoApproveConfidence, overrides: before.overrides },
        after: { autoApproveConfidence: policy.autoApproveConfidence, overrides: policy.overrides },
        version: saved.version,
      },
    });
    const lines = [
      `Accepted the recommended auto-approval threshold for tenant "${tenantId}" (settings version ${saved.version}):`,
      `  default: ${before.autoApproveConfidence} → ${policy.autoApproveConfidence}${r.autoApproveConfidence === null ? ' (no recommended threshold: nothing auto-posts)' : ''}`,
    ];
    for (const b of r.businessUnits) {
      const was = effectivePolicy(before, b.businessUnitId, null).autoApproveConfidence;
      lines.push(
        `  business unit ${b.businessUnitId}: ${was} → ${effectivePolicy(policy, b.businessUnitId, null).autoApproveConfidence}${b.autoApproveConfidence === null ? ' (nothing auto-posts)' : ''}`,
      );
    }
    const own = policy.overrides.filter(
      (o) =>
        o.autoApproveConfidence !== undefined &&
        (o.jobTypeId !== undefined || !r.businessUnits.some((b) => b.businessUnitId === o.businessUnitId)),
    );
    if (own.length)
      lines.push(
        `  kept: ${own.length} other override(s) with a threshold of their own (${own
          .map(
            (o) =>
              `${[
                o.businessUnitId !== undefined ? `BU ${o.businessUnitId}` : '',
                o.jobTypeId !== undefined ? `job type ${o.jobTypeId}` : '',
              ]
                .filter(Boolean)
                .join(' + ')}: ${o.autoApproveConfidence}`,
          )
          .join('; ')})`,
      );
    if (policy.mode !== 'auto')
      lines.push(
        `Mode is "${policy.mode}": nothing is posted automatically until the mode (or an override's) is "auto".`,
      );
    lines.push('Workers pick it up within 15 s.');
    return lines;
  });
}
