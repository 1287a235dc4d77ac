// Job attachments (Forms v2) and business-unit settings, for invoice PDFs. Upload is multipart
// (field `file`), which the JSON core of StHttp does not speak, so it has a small request path
// of its own with the same headers, token refresh on 401, rate limiter and typed errors. The
// upload is not idempotent: callers guard it with the write ledger and list the job's
// attachments to confirm it (a timeout after ServiceTitan stored the file must not upload again).
import { z } from 'zod';
import { Address } from '../schemas/common.ts';
import { BusinessUnit } from '../schemas/people.ts';
import type { StClient } from './client.ts';
import { StApiError, StNetworkError, StRateLimitedError } from './errors.ts';
import { parseRetryAfter } from './http.ts';

/** A business unit as the settings endpoint serves it, with the invoice paragraphs and address. */
export const BusinessUnitSettings = BusinessUnit.extend({
  address: Address.nullish(),
  authorizationParagraph: z.string().nullish(),
  acknowledgementParagraph: z.string().nullish(),
});
export type BusinessUnitSettings = z.infer<typeof BusinessUnitSettings>;

export function getBusinessUnit(client: StClient, id: number): Promise<BusinessUnitSettings> {
  return client.http.request('GET', 'settings', `/business-units/${id}`, { schema: BusinessUnitSettings });
}

export interface AttachmentFile {
  fileName: string;
  bytes: Buffer;
  contentType?: string;
}

async function rawRequest(
  client: StClient,
  method: 'GET' | 'POST',
  module: string,
  path: string,
  body?: FormData,
): Promise<Response> {
  const endpoint = `${method} /${module}${path.replace(/\/\d+/g, '/{id}')}`;
  const url = client.http.url(module, path);
  for (let reauthenticated = false; ; reauthenticated = true) {
    await client.http.rateLimiter.acquire();
    const token = await client.tokens.get();
    const started = performance.now();
    let response: Response;
    try {
      response = await (client.config.fetch ?? fetch)(url, {
        method,
        headers: { authorization: `Bearer ${token}`, 'st-app-key': client.config.appKey },
        body,
        redirect: 'follow',
        signal: AbortSignal.timeout(client.config.timeoutMs ?? 60_000),
      });
    } catch (error) {
      client.config.onCall?.({ method, endpoint, status: 0, durationMs: performance.now() - started });
      throw new StNetworkError(endpoint, error);
    }
    client.config.onCall?.({
      method,
      endpoint,
      status: response.status,
      durationMs: performance.now() - started,
    });
    if (response.status === 401 && !reauthenticated) {
      await response.body?.cancel();
      client.tokens.invalidate();
      continue;
    }
    if (response.status === 429) {
      await response.body?.cancel();
      throw new StRateLimitedError(endpoint, parseRetryAfter(response.headers.get('retry-after')) ?? 1000);
    }
    if (!response.ok) {
      const text = await response.text();
      let parsed: unknown = null;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = { title: text.slice(0, 200) || null };
      }
      throw new StApiError(response.status, endpoint, parsed as never);
    }
    return response;
  }
}

/** Upload a file to a job (`POST /forms/v2/tenant/{t}/jobs/{id}/attachments`, multipart `file`). */
export async function uploadJobAttachment(
  client: StClient,
  jobId: number,
  file: AttachmentFile,
): Promise<unknown> {
  const form = new FormData();
  form.append('file', new Blob([file.bytes], { type: file.contentType ?? 'application/pdf' }), file.fileName);
  const response = await rawRequest(client, 'POST', 'forms', `/jobs/${jobId}/attachments`, form);
  const text = await response.text();
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

/** Download an attachment's bytes (ServiceTitan answers with a redirect to file storage). */
export async function downloadJobAttachment(client: StClient, attachmentId: number): Promise<Buffer> {
  const response = await rawRequest(client, 'GET', 'forms', `/jobs/attachment/${attachmentId}`);
  return Buffer.from(await response.arrayBuffer());
}
