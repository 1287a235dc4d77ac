// npm run collections:eval [-- --calls-per-day N] [dir...]: the risk backtest on tenant fixture
// folders (accounting/invoices.json + payments.json): AUC for "not paid within 30 days after due"
// on each shop's later invoices, for days-past-due alone, the scorecard and the per-tenant model;
// then the DSO a ranked call list would have saved over the same later window (call-simulation.ts,
// its assumption printed first). Defaults to ../shared/eval-shops/* (skipped when absent).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { backtest } from '../backtest.ts';
import { DEFAULT_CALL_ASSUMPTION, describeCallAssumption } from '../call-simulation.ts';
import { buildLedger } from '../parse.ts';

const here = path.dirname(new URL(import.meta.url).pathname);
const shared = path.resolve(here, '../../../../../shared/eval-shops');

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'calls-per-day': { type: 'string' } },
});
const callsPerDay = Number(values['calls-per-day'] ?? DEFAULT_CALL_ASSUMPTION.callsPerDay);
if (!Number.isInteger(callsPerDay) || callsPerDay < 1) {
  console.error('--calls-per-day must be a whole number ≥ 1');
  process.exit(2);
}

function dirs(args: string[]): string[] {
  if (args.length) return args;
  if (!existsSync(shared)) {
    console.log(`no shops given and ${shared} is absent: nothing to evaluate`);
    return [];
  }
  return readdirSync(shared)
    .map((d) => path.join(shared, d))
    .filter((d) => existsSync(path.join(d, 'accounting/invoices.json')));
}

const fmt = (v: number | null, digits = 3) => (v === null ? 'n/a' : v.toFixed(digits));
const shops = dirs(positionals);
const results = [];
console.log('Risk: AUC for "not paid within 30 days after due" on the later 35% of each shop\'s history');
console.log('shop                      invoices  test(inv/ex)  late%  AUC days-past-due  scorecard  model');
for (const dir of shops) {
  const read = (f: string) => JSON.parse(readFileSync(path.join(dir, 'accounting', f), 'utf8')) as unknown[];
  if (!existsSync(path.join(dir, 'accounting/payments.json'))) {
    console.log(`${dir}: no payments.json, skipped`);
    continue;
  }
  const { invoices, rejected } = buildLedger(read('invoices.json'), read('payments.json'));
  const r = backtest(invoices, { callsPerDay });
  results.push({ name: path.basename(dir), r });
  console.log(
    `${path.basename(dir).padEnd(24)} ${String(invoices.length).padStart(9)}  ${`${r.testInvoices}/${r.testExamples}`.padStart(12)}  ${(100 * r.testLateShare).toFixed(1).padStart(5)}  ${fmt(r.aucBaseline).padStart(17)}  ${fmt(r.aucScorecard).padStart(9)}  ${fmt(r.aucModel).padStart(5)}${rejected.length ? `  (${rejected.length} records unreadable)` : ''}`,
  );
}
console.log('');
console.log(
  `DSO a prioritised call list would have saved, over each shop's test window. Assumption: ${describeCallAssumption({ ...DEFAULT_CALL_ASSUMPTION, callsPerDay })}.`,
);
console.log(
  'DSO = average daily AR ÷ credit sales per day in the window; "saved" = DSO ranked by days overdue − DSO ranked by the model (the scorecard when no model).',
);
console.log(
  'shop                      window                   open/day  DSO actual  by days overdue  by scorecard  by model  saved (days)',
);
for (const { name, r } of results) {
  const c = r.calls;
  if (!c) continue;
  const dso = (k: string) => fmt(c.runs.find((x) => x.ranking === k)?.dso ?? null, 1);
  console.log(
    `${name.padEnd(24)}  ${c.from.toISOString().slice(0, 10)}..${c.to.toISOString().slice(0, 10)}  ${c.candidatesPerDay.toFixed(0).padStart(8)}  ${fmt(c.dsoActual, 1).padStart(10)}  ${dso('days_overdue').padStart(15)}  ${dso('scorecard').padStart(12)}  ${dso('model').padStart(8)}  ${fmt(c.dsoSaved, 2).padStart(12)}${c.rankedBy === 'scorecard' ? ' (scorecard)' : ''}`,
  );
}
