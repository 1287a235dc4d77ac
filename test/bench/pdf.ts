// Invoice PDF figures: N invoices of a generated tenant (the demo's kind of data) rendered one
// after another by one Chromium, as the invoice.pdf stage does: render time per invoice (view
// model + HTML + Chromium print; the browser launch is reported apart), PDF size and pages, and,
// when poppler is installed, how many PDFs show every line amount and the balance to the cent.
// `tsx test/bench/pdf.ts --invoices 30`; `npm run bench` runs it too (--pdf <n>, 0 skips).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DocumentSettings, formatUsd } from '@invoicer/core';
import { documentFromStInvoice, PdfRenderer, type StDocumentInput } from '@invoicer/documents';
import { generateTenant } from '@invoicer/st-sim/generator';
import { summarize } from './stats.ts';

export interface PdfBenchResult {
  invoices: number;
  launchMs: number;
  renderMs: ReturnType<typeof summarize>;
  sizeKiB: ReturnType<typeof summarize>;
  pages: ReturnType<typeof summarize>;
  blockedRequests: number;
  /** PDFs whose text shows every line amount, the total and the balance (null: no pdftotext). */
  textVerified: number | null;
}

function demoInputs(count: number, seed: number): StDocumentInput[] {
  const { fixture } = generateTenant({ jobs: Math.max(60, count * 3), seed, months: 1 });
  const units = new Map(fixture['settings/business-units'].map((b) => [b.id, b]));
  const zones = new Map(fixture['accounting/tax-zones'].map((z) => [z.id, z]));
  const locations = new Map(fixture['crm/locations'].map((l) => [l.id, l]));
  const technicians = new Map(fixture['settings/technicians'].map((t) => [t.id, t.name]));
  const settings = DocumentSettings.parse({
    licenceText: 'TACLA00012345C · Regulated by the Texas Department of Licensing and Regulation',
  });
  return fixture['accounting/invoices']
    .filter((i) => (i.items ?? []).length > 0)
    .slice(0, count)
    .map((invoice) => {
      const zoneId = invoice.location?.id ? locations.get(invoice.location.id)?.taxZoneId : null;
      return {
        invoice,
        businessUnit: (invoice.businessUnit?.id && units.get(invoice.businessUnit.id)) || null,
        payments: fixture['accounting/payments'].filter((p) =>
          (p.appliedTo ?? []).some((a) => a.appliedTo === invoice.id),
        ),
        taxRates: (zoneId && zones.get(zoneId)?.rates) || null,
        technicians,
        settings,
      };
    });
}

function verifyText(bytes: Buffer, input: StDocumentInput, dir: string): boolean {
  const file = path.join(dir, 'doc.pdf');
  writeFileSync(file, bytes);
  const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  const amounts = [
    ...(input.invoice.items ?? []).filter((i) => i.active !== false).map((i) => formatUsd(i.total)),
    formatUsd(input.invoice.subTotal),
    formatUsd(input.invoice.total),
    formatUsd(input.invoice.balance ?? input.invoice.total),
  ];
  return amounts.every((a) => text.includes(a));
}

export async function runPdfBench(options: { invoices: number; seed?: number }): Promise<PdfBenchResult> {
  const inputs = demoInputs(options.invoices, options.seed ?? 7);
  const renderer = new PdfRenderer();
  const poppler = spawnSync('sh', ['-c', 'command -v pdftotext']).status === 0;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pdf-bench-'));
  try {
    const launchStarted = performance.now();
    await renderer.renderHtml('<!doctype html><p>warm-up</p>', '<span></span>');
    const launchMs = Math.round(performance.now() - launchStarted);
    const times: number[] = [];
    const sizes: number[] = [];
    const pages: number[] = [];
    let blocked = 0;
    let verified = 0;
    for (const input of inputs) {
      const started = performance.now();
      const pdf = await renderer.render(documentFromStInvoice(input));
      times.push(performance.now() - started);
      sizes.push(pdf.bytes.length / 1024);
      pages.push(pdf.pageCount);
      blocked += pdf.blockedRequests;
      if (poppler && verifyText(pdf.bytes, input, dir)) verified += 1;
    }
    return {
      invoices: inputs.length,
      launchMs,
      renderMs: summarize(times),
      sizeKiB: summarize(sizes),
      pages: summarize(pages),
      blockedRequests: blocked,
      textVerified: poppler ? verified : null,
    };
  } finally {
    await renderer.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function renderPdfBench(r: PdfBenchResult): string {
  return [
    `Invoice PDFs (${r.invoices} generated invoices, one Chromium, launched once in ${r.launchMs} ms):`,
    `  render time per invoice: median ${Math.round(r.renderMs.p50)} ms, p95 ${Math.round(r.renderMs.p95)} ms, max ${Math.round(r.renderMs.max)} ms`,
    `  PDF size: median ${r.sizeKiB.p50} KiB, p95 ${r.sizeKiB.p95} KiB, max ${r.sizeKiB.max} KiB; pages median ${r.pages.p50}, max ${r.pages.max}`,
    `  network requests blocked: ${r.blockedRequests}; text shows every amount and the balance: ${r.textVerified === null ? 'not checked (no pdftotext)' : `${r.textVerified}/${r.invoices}`}`,
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: { invoices: { type: 'string', default: '30' }, seed: { type: 'string', default: '7' } },
  });
  const result = await runPdfBench({ invoices: Number(values.invoices), seed: Number(values.seed) });
  console.log(renderPdfBench(result));
}
