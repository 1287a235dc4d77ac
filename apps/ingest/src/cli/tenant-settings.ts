// `npm run tenant:settings -- --tenant <id>` prints a tenant's settings (defaults filled in) and,
// under "learned" (read-only), the conventions learned from its past invoices (tax rounding and
// bases, percentage fee and discount bases, time-and-materials labor) with how many invoices
// they reproduce and which are in use;
// `--set <file.json>` validates a file and stores it as the tenant's settings (versioned, with
// who changed it; the rollout policy can also be edited in the console). Workers pick changes up
// within 15 s. Stored settings that do not validate (saved before validation existed) are
// printed as stored with each problem named (exit 2), and `--set` replaces them.
import { parseArgs } from 'node:util';
import { InvalidInputError, type TenantSettings } from '@invoicer/core';
import {
  appendAudit,
  checkPostgres,
  createDb,
  getTenant,
  putTenantSettings,
  readStoredTenantSettings,
} from '@invoicer/db';
import { BaseEnv, loadConfig, runCli } from '@invoicer/platform';
import { learnConventions, learnLaborConventionAt } from '@invoicer/tenant';
import { readSettingsFile } from './settings-file.ts';
import {
  acceptThreshold,
  autoApprovalSection,
  readRecommendationFile,
  storeRecommendation,
} from './threshold.ts';

const USAGE = `Usage: npm run tenant:settings -- --tenant <id> [--set <file.json>]
  without --set   print the tenant's settings as JSON (a starting point for a file), with the
                  conventions learned from its past invoices under "learned" (read-only; pin
                  one with tax.convention = "pinned", pricing.percentageBases or
                  pricing.laborConvention = "pinned" with pricing.laborPinned)
  --set <file>    validate the file and make it the tenant's settings
  --recommendation <report.json>
                  store the auto-approval threshold a backtest recommended (its report.json)
                  beside the one in force; changes nothing in force
  --accept-threshold
                  accept the stored recommendation: it becomes policy.autoApproveConfidence
                  (and the business units' override thresholds); versioned and audited.
                  The printed settings show both under "autoApproval".`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      tenant: { type: 'string' },
      set: { type: 'string' },
      recommendation: { type: 'string' },
      'accept-threshold': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help || !values.tenant) {
    (values.help ? console.log : console.error)(USAGE);
    return values.help ? 0 : 2;
  }
  if (values.set && (values.recommendation || values['accept-threshold']))
    throw new InvalidInputError(
      '--set replaces the whole settings: give --recommendation / --accept-threshold on their own.',
    );
  const next = values.set ? readSettingsFile(values.set) : null;
  const recommendation = values.recommendation ? readRecommendationFile(values.recommendation) : null;
  const env = loadConfig(BaseEnv);
  await checkPostgres(env.DATABASE_URL);
  const db = createDb(env.DATABASE_URL);
  try {
    if (!(await getTenant(db, values.tenant)))
      throw new InvalidInputError(`There is no tenant "${values.tenant}" (add it with npm run tenant:add).`);
    const stored = await readStoredTenantSettings(db, values.tenant);
    if (recommendation || values['accept-threshold']) {
      const actor = `cli:${process.env.USER ?? 'unknown'}`;
      if (recommendation)
        console.log(
          (await storeRecommendation(db, values.tenant, recommendation, actor, values.recommendation!)).join(
            '\n',
          ),
        );
      if (values['accept-threshold'])
        console.log((await acceptThreshold(db, values.tenant, actor)).join('\n'));
      return 0;
    }
    if (!next && !stored.settings) {
      // Print what is stored (a starting point for the fix) and say what is wrong with it.
      console.log(JSON.stringify(stored.stored, null, 2));
      console.error(
        `The stored settings of tenant "${values.tenant}" are not valid; every job that needs them fails until they are fixed:\n${stored.issues
          .map((issue) => `  ${issue}`)
          .join('\n')}\nFix them with npm run tenant:settings -- --tenant ${values.tenant} --set <file.json>`,
      );
      return 2;
    }
    const before = stored.settings ?? stored.stored;
    if (!next) {
      const settings = stored.settings!;
      console.log(
        JSON.stringify(
          {
            ...settings,
            autoApproval: autoApprovalSection(settings.policy),
            learned: await learnedSection(db, values.tenant, settings),
          },
          null,
          2,
        ),
      );
      return 0;
    }
    const actor = `cli:${process.env.USER ?? 'unknown'}`;
    const { version } = await putTenantSettings(db, values.tenant, next, actor);
    await appendAudit(db, {
      tenantId: values.tenant,
      actorType: 'user',
      actor,
      action: 'settings.changed',
      data: { before, after: next, source: values.set },
    });
    console.log(`Saved settings version ${version} for tenant "${values.tenant}".`);
    return 0;
  } finally {
    await db.$disconnect();
  }
}

/**
 * What the tenant's past invoices say (read-only; a settings file ignores it, so the output
 * still works as a starting point for --set).
 */
async function learnedSection(
  db: ReturnType<typeof createDb>,
  tenantId: string,
  settings: TenantSettings,
): Promise<Record<string, unknown>> {
  const now = new Date();
  const { learned, words, catalog } = await learnConventions(db, tenantId, settings, now);
  const labor = await learnLaborConventionAt(db, tenantId, settings, now, [...catalog.values()]);
  const round = (x: number) => Math.round(x * 10_000) / 10_000;
  const rate = (x: number | null) => (x === null ? null : round(x));
  return {
    note: 'Read-only: conventions learned from past invoices (ignored by --set). Pin with tax.convention = "pinned", pricing.percentageBases, pricing.addOnLaterTasks ("yes" / "no") with pricing.addOnLaterBy ("order" / "price"), or pricing.laborConvention = "pinned" with pricing.laborPinned.',
    invoices: learned.invoices,
    asOf: learned.asOf,
    tax: {
      status: learned.tax.status,
      convention: learned.tax.convention,
      agreement: round(learned.tax.agreement),
      support: learned.tax.support,
      tied: learned.tax.tied,
      summary: words.tax,
    },
    percentages: learned.percentages.map((p) => ({
      sku: p.skuCode,
      base: p.description,
      learned: p.rule !== null,
      agreement: round(p.agreement),
      support: p.support,
    })),
    percentageSummary: words.percentages,
    addOn: { ...learned.addOn, summary: words.addOn },
    labor: {
      status: labor.status,
      inUse: labor.inUse,
      convention: labor.convention,
      description: labor.description,
      agreement: rate(labor.agreement),
      agreementLowerBound: rate(labor.agreementLowerBound),
      hoursAgreement: rate(labor.hoursAgreement),
      skuAgreement: rate(labor.skuAgreement),
      settingsAgreement: rate(labor.settingsAgreement),
      support: labor.support,
      holidays: labor.holidays,
      settings: labor.settings,
      summary: labor.summary,
    },
  };
}

runCli('tenant:settings', main);
