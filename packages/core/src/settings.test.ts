import { describe, expect, it } from 'vitest';
import {
  acceptThresholdRecommendation,
  effectivePolicy,
  parseTenantSettings,
  TenantSettings,
  validateTenantSettings,
} from './settings.ts';

const recommendation = {
  autoApproveConfidence: 0.87,
  share: 0.31,
  exactness: 1,
  wilsonLow: 0.976,
  jobs: 180,
  window: { from: '2026-08-24T00:00:00.000Z', to: '2026-09-21T00:00:00.000Z' },
  computedAt: '2026-11-30T12:00:00.000Z',
  source: 'backtest',
  businessUnits: [
    { businessUnitId: 10, autoApproveConfidence: 0.8, share: 0.5, exactness: 1, wilsonLow: 0.95, jobs: 60 },
    { businessUnitId: 20, autoApproveConfidence: null, share: 0, exactness: null, wilsonLow: null, jobs: 45 },
  ],
};

describe('policy settings: the threshold recommendation', () => {
  it('parses without a recommendation (none by default)', () => {
    const s = parseTenantSettings({});
    expect(s.policy.recommendation).toBeUndefined();
    expect(s.policy.autoApproveConfidence).toBe(0.9);
    expect(parseTenantSettings({ policy: { mode: 'auto' } }).policy.recommendation).toBeUndefined();
  });

  it('parses one, with its target defaulted, and keeps the threshold in force unchanged', () => {
    const s = parseTenantSettings({ policy: { autoApproveConfidence: 0.95, recommendation } });
    expect(s.policy.recommendation).toMatchObject({ ...recommendation, target: 0.995 });
    expect(s.policy.autoApproveConfidence).toBe(0.95);
    expect(s.policy.overrides).toEqual([]);
    // A round trip through JSON (as stored) gives the same settings.
    expect(parseTenantSettings(JSON.parse(JSON.stringify(s)))).toEqual(s);
  });

  it('refuses a malformed recommendation, naming the field', () => {
    const bad = TenantSettings.safeParse({
      policy: { recommendation: { ...recommendation, share: 2, window: { from: 'yesterday', to: 'now' } } },
    });
    expect(bad.success).toBe(false);
    const paths = bad.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toContain('policy.recommendation.share');
    expect(paths).toContain('policy.recommendation.window.from');
  });

  it('is put in force only when accepted: the shop threshold and business-unit overrides', () => {
    const policy = parseTenantSettings({
      policy: {
        mode: 'auto',
        autoApproveConfidence: 0.95,
        overrides: [
          { businessUnitId: 10, mode: 'suggest', amountThreshold: '900.00' },
          { businessUnitId: 10, jobTypeId: 7, autoApproveConfidence: 0.99 },
          { jobTypeId: 8, autoApproveConfidence: 0.97 },
        ],
        recommendation,
      },
    }).policy;
    const accepted = acceptThresholdRecommendation(policy);
    expect(accepted.autoApproveConfidence).toBe(0.87);
    expect(accepted.mode).toBe('auto');
    expect(accepted.overrides).toEqual([
      { businessUnitId: 10, mode: 'suggest', amountThreshold: '900.00', autoApproveConfidence: 0.8 },
      { businessUnitId: 10, jobTypeId: 7, autoApproveConfidence: 0.99 },
      { jobTypeId: 8, autoApproveConfidence: 0.97 },
      // none recommended for BU 20: nothing auto-posts there (no confidence reaches 1)
      { businessUnitId: 20, autoApproveConfidence: 1 },
    ]);
    expect(accepted.recommendation).toEqual(policy.recommendation);
    expect(policy.autoApproveConfidence).toBe(0.95);
    expect(policy.overrides[0]).not.toHaveProperty('autoApproveConfidence');
    expect(effectivePolicy(accepted, 10, 1).autoApproveConfidence).toBe(0.8);
    expect(effectivePolicy(accepted, 10, 7).autoApproveConfidence).toBe(0.99);
    expect(effectivePolicy(accepted, 30, 1).autoApproveConfidence).toBe(0.87);
    expect(() => acceptThresholdRecommendation(parseTenantSettings({}).policy)).toThrow(/no recommended/);
  });

  it('accepting "no threshold" posts nothing automatically', () => {
    const policy = parseTenantSettings({
      policy: {
        recommendation: { ...recommendation, autoApproveConfidence: null, businessUnits: [] },
      },
    }).policy;
    expect(acceptThresholdRecommendation(policy).autoApproveConfidence).toBe(1);
  });
});

describe('settings validation at write time', () => {
  const paths = (raw: unknown) => {
    const result = TenantSettings.safeParse(raw);
    return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('refuses a time zone Intl does not know, naming the field', () => {
    const issues = paths({ rules: { afterHours: { timezone: 'Mars/Olympus' } } });
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(/^rules\.afterHours\.timezone: .*Mars\/Olympus.*time zone/);
    for (const zone of ['America/Chicago', 'Europe/London', 'UTC', 'America/Indiana/Indianapolis'])
      expect(paths({ rules: { afterHours: { timezone: zone } } })).toEqual([]);
  });

  it('refuses business hours that end before they start', () => {
    expect(
      paths({ rules: { afterHours: { businessHoursStart: '17:00', businessHoursEnd: '08:00' } } }),
    ).toEqual([expect.stringMatching(/^rules\.afterHours\.businessHoursEnd: .*after/)]);
  });

  it('keeps thresholds and multipliers in range', () => {
    expect(paths({ policy: { autoApproveConfidence: 1.5 } })[0]).toMatch(/^policy\.autoApproveConfidence/);
    expect(paths({ policy: { reviewSlaHours: 100_000 } })[0]).toMatch(/^policy\.reviewSlaHours/);
    expect(paths({ policy: { amountThreshold: '-5.00' } })[0]).toMatch(/^policy\.amountThreshold/);
    expect(paths({ policy: { amountThreshold: '1234567890123456.00' } })[0]).toMatch(
      /^policy\.amountThreshold/,
    );
    expect(paths({ pricing: { overtimeMultiplier: 0.5 } })[0]).toMatch(/^pricing\.overtimeMultiplier/);
    expect(paths({ pricing: { overtimeMultiplier: 2, doubleOvertimeMultiplier: 1.5 } })[0]).toMatch(
      /^pricing\.doubleOvertimeMultiplier/,
    );
    expect(paths({ ai: { timeoutMs: 86_400_000 } })[0]).toMatch(/^ai\.timeoutMs/);
    expect(paths({ ai: { baseUrl: 'file:///etc/passwd' } })[0]).toMatch(/^ai\.baseUrl/);
    expect(paths({ reconcile: { dateWindowDays: 100_000 } })[0]).toMatch(/^reconcile\.dateWindowDays/);
    expect(paths({})).toEqual([]);
  });

  it('names unknown fields (a misspelt setting is not silently ignored)', () => {
    expect(() => validateTenantSettings({ policy: { amountTreshold: '100.00' } })).toThrow(
      /policy\.amountTreshold: unknown setting/,
    );
    expect(() => validateTenantSettings({ rules: { afterHours: { timezone: 'Mars/Olympus' } } })).toThrow(
      /rules\.afterHours\.timezone/,
    );
    // What tenant:settings prints beside the settings is ignored, so a printout is a valid file.
    const printed = { ...parseTenantSettings({}), autoApproval: { inForce: 0.9 }, learned: { tax: {} } };
    expect(validateTenantSettings(printed)).toEqual(parseTenantSettings({}));
  });
});
