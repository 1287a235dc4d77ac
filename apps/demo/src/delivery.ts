// Delivery in the demo: posted invoices are emailed (with their PDF) to the local SMTP sink the
// demo starts, through the real delivery stage and message ledger. Reminders are off here (they
// would sit as delayed jobs for days); tests cover them with an injected clock. Quiet hours are
// opened to the whole day, since the demo runs at any hour against a local sink.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DeliverySettings } from '@invoicer/core';
import type { Cluster } from './cluster.ts';
import type { MailSink } from './mail-sink.ts';

export function demoDeliverySettings(sink: MailSink, businessName: string): DeliverySettings {
  return DeliverySettings.parse({
    enabled: true,
    businessName,
    defaultChannel: 'email',
    payUrlTemplate: 'https://pay.example.com/invoices/{{invoiceNumber}}',
    email: {
      host: sink.host,
      port: sink.port,
      secure: false,
      from: `${businessName} Billing <billing@example.com>`,
      rejectUnauthorized: false,
    },
    reminders: { enabled: false },
    // A local sink, no real customers: the demo sends at any hour (real tenants keep 08:00–21:00).
    contactPolicy: { quietHours: { start: '00:00', end: '23:59' } },
  });
}

export interface DeliveryReport {
  posted: number;
  emailed: number;
  texted: number;
  suppressed: number;
  notDelivered: number;
  pdfPath: string | null;
}

/**
 * Queue delivery for every posted run (idempotent: the stage's job id is the run and revision,
 * the message ledger's key the invoice), wait until each has an outcome, and save one emailed PDF.
 */
export async function deliverPosted(
  cluster: Cluster,
  tenantId: string,
  sink: MailSink,
  stateDir: string,
  timeoutMs = 180_000,
): Promise<DeliveryReport> {
  const runs = await cluster.db.pipelineRun.findMany({
    where: { tenantId, status: 'posted' },
    select: { id: true, draftRevision: true },
  });
  for (const run of runs)
    if (run.draftRevision)
      await cluster.workers.services.queues.enqueue('invoice.deliver', {
        tenantId,
        runId: run.id,
        revision: run.draftRevision,
      });
  const deadline = Date.now() + timeoutMs;
  const outcome = async () => {
    const rows = await cluster.db.message.groupBy({
      by: ['state', 'channel'],
      where: { tenantId, purpose: 'invoice', step: 'send' },
      _count: { _all: true },
    });
    const n = (states: string[], channel?: string) =>
      rows
        .filter((r) => states.includes(r.state) && (!channel || r.channel === channel))
        .reduce((s, r) => s + r._count._all, 0);
    return {
      done: n(['accepted', 'delivered', 'bounced', 'failed', 'suppressed', 'unknown']),
      emailed: n(['accepted', 'delivered'], 'email'),
      texted: n(['accepted', 'delivered'], 'sms'),
      suppressed: n(['suppressed']),
      notDelivered: n(['bounced', 'failed', 'unknown']),
    };
  };
  let last = await outcome();
  while (last.done < runs.length && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500));
    last = await outcome();
  }
  let pdfPath: string | null = null;
  const withPdf = sink.messages.find((m) =>
    m.parsed.attachments.some((a) => a.contentType === 'application/pdf'),
  );
  const attachment = withPdf?.parsed.attachments.find((a) => a.contentType === 'application/pdf');
  if (attachment) {
    const dir = path.join(stateDir, 'mail');
    mkdirSync(dir, { recursive: true });
    pdfPath = path.join(dir, (attachment.filename ?? 'invoice.pdf').replace(/[^A-Za-z0-9._-]+/g, '-'));
    writeFileSync(pdfPath, attachment.content);
  }
  return { posted: runs.length, ...last, pdfPath };
}

export async function printDelivery(report: DeliveryReport, sink: MailSink): Promise<string> {
  return [
    `Delivery: ${report.emailed} of ${report.posted} posted invoice(s) emailed to the local SMTP sink (${sink.host}:${sink.port}), ${report.texted} texted, ${report.suppressed} held by the contact policy, ${report.notDelivered} not delivered.`,
    report.pdfPath
      ? `One emailed PDF: ${report.pdfPath}`
      : 'No PDF was attached (are invoice PDFs turned on?).',
    ...(await customerPageLine(sink)),
  ].join('\n');
}

/**
 * A customer invoice page an emailed invoice links to (the assistant is on it): the first that
 * opens (a generated invoice the mirror already shows paid long ago has an expired link).
 */
async function customerPageLine(sink: MailSink): Promise<string[]> {
  for (const m of sink.messages) {
    const url = /https?:\/\/\S+\/portal\/[A-Za-z0-9._-]+/.exec(m.parsed.text ?? '')?.[0];
    if (!url) continue;
    const status = await fetch(url)
      .then((r) => r.status)
      .catch(() => 0);
    if (status === 200) return [`A customer's invoice page, with the assistant: ${url}`];
  }
  return [];
}
