// The rollout settings form: raw strings in, a policy out. Field formats are checked here with
// messages that name the field; the result is then checked again by the tenant settings schema
// (packages/core), so nothing the workers would refuse can be saved.
import { PolicySettings, RolloutMode, type TenantSettings } from '@invoicer/core';
import { ValidationError } from '../http/errors.ts';

type Policy = TenantSettings['policy'];

export interface OverrideValues {
  businessUnitId: string;
  jobTypeId: string;
  mode: string;
  autoApproveConfidence: string;
  amountThreshold: string;
}

export interface PolicyValues {
  mode: string;
  autoApproveConfidence: string;
  amountThreshold: string;
  managerThreshold: string;
  reviewSlaHours: string;
  alwaysReviewCustomerIds: string;
  alwaysReviewJobTypeIds: string;
  alwaysReviewCustomerTagIds: string;
  overrides: OverrideValues[];
}

export function policyValues(policy: Policy): PolicyValues {
  return {
    mode: policy.mode,
    autoApproveConfidence: String(policy.autoApproveConfidence),
    amountThreshold: policy.amountThreshold,
    managerThreshold: policy.managerThreshold,
    reviewSlaHours: String(policy.reviewSlaHours),
    alwaysReviewCustomerIds: policy.alwaysReviewCustomerIds.join(', '),
    alwaysReviewJobTypeIds: policy.alwaysReviewJobTypeIds.join(', '),
    alwaysReviewCustomerTagIds: policy.alwaysReviewCustomerTagIds.join(', '),
    overrides: policy.overrides.map((o) => ({
      businessUnitId: o.businessUnitId?.toString() ?? '',
      jobTypeId: o.jobTypeId?.toString() ?? '',
      mode: o.mode ?? '',
      autoApproveConfidence: o.autoApproveConfidence?.toString() ?? '',
      amountThreshold: o.amountThreshold ?? '',
    })),
  };
}

const list = (v: unknown): string[] =>
  Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)];
const one = (v: unknown): string => list(v)[0]?.trim() ?? '';

/** Read the posted form (repeated ov_* fields are the override rows). */
export function valuesFromForm(body: Record<string, unknown>): PolicyValues {
  const bu = list(body.ov_bu);
  const jt = list(body.ov_jt);
  const mode = list(body.ov_mode);
  const conf = list(body.ov_conf);
  const amount = list(body.ov_amount);
  const removed = new Set(list(body.ov_remove));
  const rows = Math.max(bu.length, jt.length, mode.length, conf.length, amount.length);
  const overrides: OverrideValues[] = [];
  for (let i = 0; i < rows; i++) {
    if (removed.has(String(i))) continue;
    const row = {
      businessUnitId: bu[i]?.trim() ?? '',
      jobTypeId: jt[i]?.trim() ?? '',
      mode: mode[i]?.trim() ?? '',
      autoApproveConfidence: conf[i]?.trim() ?? '',
      amountThreshold: amount[i]?.trim() ?? '',
    };
    if (Object.values(row).some(Boolean)) overrides.push(row);
  }
  return {
    mode: one(body.mode),
    autoApproveConfidence: one(body.autoApproveConfidence),
    amountThreshold: one(body.amountThreshold),
    managerThreshold: one(body.managerThreshold),
    reviewSlaHours: one(body.reviewSlaHours),
    alwaysReviewCustomerIds: one(body.alwaysReviewCustomerIds),
    alwaysReviewJobTypeIds: one(body.alwaysReviewJobTypeIds),
    alwaysReviewCustomerTagIds: one(body.alwaysReviewCustomerTagIds),
    overrides,
  };
}

/** Turn form values into a policy, or throw a ValidationError naming every bad field. */
export function policyFromValues(values: PolicyValues, current: Policy): Policy {
  const issues: { field: string; message: string }[] = [];
  const num = (field: string, text: string, check: (n: number) => boolean, message: string) => {
    if (text === '') return undefined;
    const n = Number(text);
    if (!Number.isFinite(n) || !check(n)) issues.push({ field, message });
    return n;
  };
  const ids = (field: string, text: string) => {
    const parts = text.split(/[\s,]+/).filter(Boolean);
    if (parts.some((p) => !/^\d+$/.test(p)))
      issues.push({ field, message: 'must be whole numbers separated by commas' });
    return parts.map(Number);
  };
  if (!RolloutMode.safeParse(values.mode).success)
    issues.push({ field: 'mode', message: 'must be shadow, suggest or auto' });
  const raw = {
    ...current,
    mode: values.mode,
    autoApproveConfidence: num(
      'autoApproveConfidence',
      values.autoApproveConfidence,
      (n) => n >= 0 && n <= 1,
      'must be between 0 and 1',
    ),
    amountThreshold: values.amountThreshold,
    managerThreshold: values.managerThreshold,
    reviewSlaHours: num(
      'reviewSlaHours',
      values.reviewSlaHours,
      (n) => n > 0 && n <= 24 * 30,
      'must be hours between 0 and 720',
    ),
    alwaysReviewCustomerIds: ids('alwaysReviewCustomerIds', values.alwaysReviewCustomerIds),
    alwaysReviewJobTypeIds: ids('alwaysReviewJobTypeIds', values.alwaysReviewJobTypeIds),
    alwaysReviewCustomerTagIds: ids('alwaysReviewCustomerTagIds', values.alwaysReviewCustomerTagIds),
    overrides: values.overrides.map((o, i) => {
      const f = (name: string) => `overrides.${i + 1}.${name}`;
      const bu = num(f('businessUnitId'), o.businessUnitId, Number.isInteger, 'must be a business unit');
      const jt = num(f('jobTypeId'), o.jobTypeId, Number.isInteger, 'must be a job type');
      if (bu === undefined && jt === undefined)
        issues.push({
          field: f('businessUnitId'),
          message: 'an override needs a business unit, a job type or both',
        });
      if (o.mode && !RolloutMode.safeParse(o.mode).success)
        issues.push({ field: f('mode'), message: 'must be shadow, suggest or auto' });
      return {
        ...(bu !== undefined ? { businessUnitId: bu } : {}),
        ...(jt !== undefined ? { jobTypeId: jt } : {}),
        ...(o.mode ? { mode: o.mode } : {}),
        ...(o.autoApproveConfidence
          ? {
              autoApproveConfidence: num(
                f('autoApproveConfidence'),
                o.autoApproveConfidence,
                (n) => n >= 0 && n <= 1,
                'must be between 0 and 1',
              ),
            }
          : {}),
        ...(o.amountThreshold ? { amountThreshold: o.amountThreshold } : {}),
      };
    }),
  };
  const parsed = PolicySettings.safeParse(raw);
  if (!parsed.success)
    for (const issue of parsed.error.issues)
      issues.push({
        field: issue.path.map((p) => (typeof p === 'number' ? p + 1 : String(p))).join('.'),
        message: issue.message,
      });
  const unique = issues.filter((x, i) => issues.findIndex((y) => y.field === x.field) === i);
  if (unique.length || !parsed.success) throw new ValidationError(unique);
  return parsed.data;
}
