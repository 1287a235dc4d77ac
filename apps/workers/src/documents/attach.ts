// Attaching a stored PDF to its ServiceTitan job exactly once. The upload is a ledgered write
// step (packages/pipeline steps.ts): claimed before it is sent, confirmed by listing the job's
// attachments and finding our file name. An upload whose answer was lost (ServiceTitan stored
// the file, then failed or timed out) is found in the list on the retry and not sent again.
import type { Db, InvoiceDocument } from '@invoicer/db';
import { runSteps } from '@invoicer/pipeline';
import { type JobAttachment, type StClient, uploadJobAttachment } from '@invoicer/servicetitan';

export interface AttachOutcome {
  attachmentId: number;
  how: 'sent' | 'recovered' | 'recorded';
}

export function attachmentKey(
  document: Pick<InvoiceDocument, 'tenantId' | 'invoiceId' | 'revision'>,
): string {
  return `pdf:${document.tenantId}:${document.invoiceId}:r${document.revision}:attach`;
}

export async function attachToJob(
  db: Db,
  client: StClient,
  document: InvoiceDocument,
): Promise<AttachOutcome> {
  const jobId = Number(document.jobId);
  const list = () => client.listAttachments(jobId);
  const before = await list();
  const { outcomes } = await runSteps<{ attachmentId: number }, JobAttachment[]>(
    db,
    { tenantId: document.tenantId, runId: document.runId },
    [
      {
        key: attachmentKey(document),
        operation: 'job.attachment.upload',
        request: { jobId, fileName: document.fileName, sha256: document.sha256, size: document.bytes.length },
        send: () =>
          uploadJobAttachment(client, jobId, {
            fileName: document.fileName,
            bytes: Buffer.from(document.bytes),
            contentType: document.contentType,
          }).then(() => undefined),
        find: (snapshot, taken) => {
          const found = (snapshot as JobAttachment[]).find(
            (a) => a.fileName === document.fileName && a.active !== false && !taken.has(a.id),
          );
          if (!found) return null;
          taken.add(found.id);
          return { attachmentId: found.id };
        },
      },
    ],
    before,
    list,
  );
  const outcome = outcomes[0]!;
  return { attachmentId: outcome.result.attachmentId, how: outcome.how };
}
