// A job's attachments, read from ServiceTitan when a reviewer opens the item (drafting never
// reads them). The item page asks for this fragment after it loads, so ServiceTitan's latency
// never holds up the page; when ServiceTitan does not answer, the fragment says so.
import { errorMessage } from '@invoicer/core';
import type { ConsoleServices } from '../services.ts';

export interface AttachmentView {
  id: number;
  fileName: string;
  contentType: string | null;
}

const TIMEOUT_MS = 8000;

export async function loadAttachments(
  services: ConsoleServices,
  itemId: string,
): Promise<{ attachments: AttachmentView[] } | { unavailable: string } | null> {
  const item = await services.db.reviewItem.findUnique({
    where: { id: itemId },
    select: { tenantId: true, stJobId: true },
  });
  if (!item?.stJobId) return null;
  let timer: NodeJS.Timeout | undefined;
  try {
    const client = await services.runtime.client(item.tenantId);
    const listed = await Promise.race([
      client.listAttachments(Number(item.stJobId)),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer in ${TIMEOUT_MS / 1000} s`)), TIMEOUT_MS);
      }),
    ]);
    return {
      attachments: listed.map((a) => ({
        id: a.id,
        fileName: a.fileName,
        contentType: a.contentType ?? null,
      })),
    };
  } catch (error) {
    services.log.warn(
      { itemId, err: errorMessage(error) },
      'attachments could not be read from ServiceTitan',
    );
    return { unavailable: 'ServiceTitan did not answer; reload the page to try again.' };
  } finally {
    clearTimeout(timer);
  }
}
