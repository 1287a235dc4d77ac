// The README written into every generated fixture: what it is (synthetic), how it was made,
// what it contains, and the billing/tax rules its ground truth follows.
import type { GenerateOptions, TruthSummary } from './index.ts';
import { BASE_MISS_RATE } from './invoices.ts';
import type { Pricebook } from './pricebook.ts';

const table = (rows: readonly (readonly (string | number)[])[]) =>
  rows.map((r) => `| ${r.join(' | ')} |`).join('\n');

export function renderReadme(options: Required<GenerateOptions>, s: TruthSummary, pb: Pricebook): string {
  const fees = [
    'FEE-TRIP',
    'FEE-DISPATCH-COM',
    'HV-DIAG-100',
    'FEE-AH-EVE',
    'FEE-AH-WKND',
    'FEE-DISP-EQ',
    'FEE-DISP-WH',
    'RFG-410A',
    'RFG-22',
    'RFG-454B',
    'MAT-SUP-HV',
    'FEE-PERMIT-MECH',
    'DISC-MBR-15',
    'LAB-HV-REG',
    'LAB-HV-OT',
  ]
    .map((c) => pb.get(c))
    .map((k) => [
      `\`${k.code}\``,
      k.name,
      k.amountType === 'Percentage' ? `${k.price * 100}% (limit $${k.limit})` : `$${Math.abs(k.price)}`,
    ]);
  const counts = Object.entries(s.counts)
    .filter(([k]) => k.includes('/'))
    .map(([k, v]) => [`\`${k}.json\``, v]);
  const rates = Object.entries(BASE_MISS_RATE).map(([k, v]) => [
    k,
    `${Math.round(v * 100)}%`,
    s.missedByCategory[k] ?? 0,
    `$${s.missedTotalByCategory[k] ?? '0.00'}`,
  ]);
  return `# SYNTHETIC ServiceTitan tenant fixture

**This data is generated. No real shop, customer, address or payment is in it.** Names,
addresses, tax zones and rates are invented; brands and model numbers are only for flavour.

- Generator: \`npm run tenant:generate -- --jobs ${options.jobs} --seed ${options.seed} --start ${s.period.start} --months ${options.months}${options.payments ? '' : ' --no-payments'}\`
- Shop: Brightwave Home Services, residential + light-commercial HVAC, plumbing and electrical (America/Chicago)
- Period: ${s.period.start} to ${s.period.end}; exported as of the day after
- Same seed and options give byte-identical output.

## Files

Resources are \`<module>/<resource>.json\` arrays in the ServiceTitan v2 export shape (see
\`packages/servicetitan/src/fixtures.ts\`). \`settings/tag-types.json\` and
\`memberships/membership-types.json\` are extra real resources for reference. Paths starting
with \`_\` are ignored by the loader: \`_truth/\` holds the ground truth, \`_bank/\` the bank
statement (\`statement.bai2\`, \`statement.csv\`).

${table([['file', 'records'], ['---', '---'], ...counts])}

## What the data contains

- ${s.counts.skus} price-book SKUs (flat-rate services, hourly T&M labor, materials, equipment, fees, discounts; a few inactive).
- Flat-rate and time-and-materials jobs; appointments in and out of business hours; multi-visit installs and part returns; crews with apprentices.
- Technician notes in many styles (terse shorthand, sentences, ALL CAPS, bullets, narratives), with typos, quantities in words or fractions, feet/inches, and work that was **quoted, declined, deferred or found not needed** (must not be billed).
- Invoices whose items the technician entered before \`job.completedOn\` and items the **office added afterwards** (the missed billables), plus rare office corrections.
${options.payments ? '- Payments (in the field, later, financed, Net 30, property managers paying a month at once) and a bank statement for the last month that includes unrecorded customer payments with deviations.\n' : ''}
## Billing policy the truth follows

${table([['category', 'base miss rate (average tech)', 'office-added items', 'amount'], ['---', '---', '---', '---'], ...rates])}

A technician's miss chance is the base rate × profile multiplier (meticulous 0.3, solid 0.6,
average 1.0, rookie 1.35, sloppy 1.7) × 2 for each personal blind spot (see
\`_truth/technicians.json\`), capped at 95%. Emergency calls miss the after-hours premium at 35% of the base rate.

- **Trip charge**: residential service calls (repair, diagnostic, emergency) by non-members; commercial T&M calls get the dispatch fee instead. Sometimes waived (the notes say so).
- **Diagnostic fee**: only when no repair was performed (customer declined); waived when a repair is done; $0 for active members.
- **After-hours premium**: service calls whose first appointment starts before 07:00 or at/after 17:00 on a weekday (evening fee), or on a weekend/shop holiday (weekend fee). T&M calls bill overtime labor instead.
- **Disposal**: per old HVAC unit removed (condenser + furnace = 2), water heaters at the water-heater rate; not when the customer keeps the old unit.
- **Refrigerant**: pounds added, by refrigerant type, whenever the notes say refrigerant was added.
- **Consumables**: one shop-supplies kit (per trade) on flat-rate service calls where a repair was done.
- **Permit**: replacements/installs (HVAC system, furnace, mini-split, water heater, panel, EV charger), unless the homeowner pulls it.
- **Materials / extra services**: everything the notes say was used or done.
- **Labor (T&M)**: per technician, on-site time (arrivedOn→doneOn) split at weekday 07:00/17:00 and weekends into regular and overtime, each rounded up to the quarter hour, 1-hour minimum per call. Overtime uses ${s.overtime}; apprentices bill at the apprentice rates.
- **Membership discount**: 15% of service + material totals (limit $500) on residential service calls while a membership is active (from ≤ appointment < cancellation or end).
- Club tune-ups bill at member price ($0); second and later flat-rate tasks bill at add-on price.

Key SKUs:

${table([['code', 'name', 'price'], ['---', '---', '---'], ...fees])}

## Invoice arithmetic and tax semantics

- Item \`total\` = \`quantity\` × \`price\`, rounded half-up to cents. Invoice \`subTotal\` = Σ item totals.
- \`salesTax\`: 0 for a tax-exempt location. Otherwise, per rate of the location's zone: the base is the sum of qualifying item totals — **Subtotal**: items flagged taxable (any type; discounts are flagged taxable, i.e. pre-tax, so their negative totals reduce it); **Labor**: taxable Service items; **Material**: taxable Material and Equipment items. A negative base counts as 0. Each rate's tax is computed unrounded, rounded half-up to cents once, and the per-rate amounts are summed.
- \`total\` = \`subTotal\` + \`salesTax\`; \`balance\` = total − recorded payments applied.

## Ground truth (\`_truth/\`)

- \`jobs.json\`: per completed job — office-added items with category and evidence, office edits (quantity corrections, discount recalculations), declined/deferred/not-needed mentions with the SKU they refer to, the technician's sloppiness profile, note authors.
- \`technicians.json\`: each technician's profile, blind spots and writing habits.
- \`summary.json\`: counts and rates for this run.
${options.payments ? '- `bank.json`: every bank line (by date + amount + reference) with its expected outcome: invoice allocations (with the deviation type), the ServiceTitan payments a payout/deposit settles (card payouts net of 2.9% + $0.30 per payment), or `no_match`.\n' : ''}
Counts in this run: ${s.completedJobs} completed jobs, ${s.invoicesWithOfficeAdditions} invoices with office additions, mentions ${JSON.stringify(s.mentions)}, edits ${JSON.stringify(s.edits)}${options.payments ? `, bank lines ${JSON.stringify(s.bankLinesByKind)}` : ''}.
`;
}
