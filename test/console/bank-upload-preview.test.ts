// The bank page without a server (issue 14): a dry run shows the rows it read (date, amount,
// description, reference) capped with a count of the rest, and the mismatches with the shop; a
// refused file says why and how to confirm; the form carries the "Import anyway" box.
import { describe, expect, it } from 'vitest';
import { EMPTY_VALUES, parseUpload } from '../../apps/console/src/bank/form.ts';
import { bankStatementsPage, type ImportReport } from '../../apps/console/src/views/bank.ts';

const viewer = { user: null, csrf: 'token' };

function report(over: Partial<ImportReport> = {}): ImportReport {
  return {
    tenantId: 'acme',
    format: 'csv',
    fileName: 'stripe.csv',
    dryRun: true,
    statements: [],
    issues: [],
    transactions: 53,
    newTransactions: 53,
    duplicates: 0,
    newCredits: 53,
    enqueued: 0,
    checks: [],
    confirmed: false,
    rows: Array.from({ length: 50 }, (_, i) => ({
      accountId: null,
      date: `2024-01-${String((i % 28) + 1).padStart(2, '0')}`,
      amount: `${i + 1}.00`,
      currency: 'USD',
      description: `Charge <b>${i + 1}</b>`,
      reference: `txn_${i + 1}`,
      line: i + 2,
      isNew: i !== 0,
    })),
    moreRows: 3,
    ...over,
  };
}

const page = (over: Partial<Parameters<typeof bankStatementsPage>[1]> = {}) =>
  bankStatementsPage(viewer, {
    tenantId: 'acme',
    tenants: [{ id: 'acme', name: 'Acme' }],
    values: EMPTY_VALUES,
    imports: [],
    summary: null,
    maxUpload: '20 MB',
    ...over,
  }).toString();

describe('the bank page preview', () => {
  it('shows the rows of a dry run in a table, capped, with the count of the rest', () => {
    const htmlText = page({ report: report(), lines: [] });
    const table = /<table class="preview-rows">[\s\S]*?<\/table>/.exec(htmlText)?.[0] ?? '';
    expect(table).toContain('<caption>The first 50 of 53 transactions</caption>');
    expect(table.match(/<tr[ >]/g)).toHaveLength(51); // header + 50 rows
    expect(table).toContain(
      '<td>2024-01-02</td><td class="num">$2.00</td><td>Charge &lt;b&gt;2&lt;/b&gt;</td><td>txn_2</td>',
    );
    expect(table).toContain('already imported');
    expect(htmlText).toContain('… and 3 more transaction(s) not shown.');
  });

  it('lists every row when there are few, and the mismatches with the shop', () => {
    const htmlText = page({
      report: report({
        rows: report().rows.slice(0, 2),
        moreRows: 0,
        checks: [{ code: 'currency', message: "the file is in GBP, but this shop's books are in USD" }],
      }),
      lines: [],
    });
    expect(htmlText).toContain('<caption>All 2 transaction(s)</caption>');
    expect(htmlText).not.toContain('more transaction(s) not shown');
    expect(htmlText).toContain('the file is in GBP, but this shop&#39;s books are in USD');
  });

  it('explains a refused file and offers "Import anyway"', () => {
    const htmlText = page({
      mismatch: {
        fileName: 'uk.ofx',
        checks: [{ code: 'currency', message: "the file is in GBP, but this shop's books are in USD" }],
      },
    });
    expect(htmlText).toContain('uk.ofx was not imported: it does not look like this shop');
    expect(htmlText).toContain('tick "Import anyway" and upload it again');
    expect(htmlText).toMatch(/<input type="checkbox" id="confirm" name="confirm" value="true"/);
  });

  it('reads the confirm box from the form', () => {
    const file = { filename: 'a.ofx', mimetype: 'application/octet-stream', data: Buffer.from('x') };
    expect(parseUpload({ file, confirm: 'true' }).confirm).toBe(true);
    expect(parseUpload({ file }).confirm).toBe(false);
  });
});
