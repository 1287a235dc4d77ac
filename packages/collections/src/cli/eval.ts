// npm run collections:eval [dir...]: the risk backtest on tenant fixture folders (accounting/
// invoices.json + payments.json): AUC for "not paid within 30 days after due" on each shop's
// later invoices, for days-past-due alone, the scorecard and the per-tenant model. Defaults to
// ../shared/eval-shops/* (skipped with a message when absent).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { backtest } from '../backtest.ts';
import { buildLedger } from '../parse.ts';

const here = path.dirname(new URL(import.meta.url).pathname);
const shared = path.resolve(here, '../../../../../shared/eval-shops');

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

const fmt = (v: number | null) => (v === null ? '  n/a' : v.toFixed(3));
console.log('shop                      invoices  test(inv/ex)  late%  AUC days-past-due  scorecard  model');
for (const dir of dirs(process.argv.slice(2))) {
  const read = (f: string) => JSON.parse(readFileSync(path.join(dir, 'accounting', f), 'utf8')) as unknown[];
  const paymentsFile = path.join(dir, 'accounting/payments.json');
  if (!existsSync(paymentsFile)) {
    console.log(`${dir}: no payments.json, skipped`);
    continue;
  }
  const { invoices, rejected } = buildLedger(read('invoices.json'), read('payments.json'));
  const r = backtest(invoices);
  console.log(
    `${path.basename(dir).padEnd(24)} ${String(invoices.length).padStart(9)}  ${`${r.testInvoices}/${r.testExamples}`.padStart(12)}  ${(100 * r.testLateShare).toFixed(1).padStart(5)}  ${fmt(r.aucBaseline).padStart(17)}  ${fmt(r.aucScorecard).padStart(9)}  ${fmt(r.aucModel).padStart(5)}${rejected.length ? `  (${rejected.length} records unreadable)` : ''}`,
  );
}
