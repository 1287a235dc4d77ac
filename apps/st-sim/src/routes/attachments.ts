// Job attachment upload (Forms v2, multipart field `file`), and the business units' invoice
// settings that invoice PDFs print (address, authorization and acknowledgement paragraphs;
// served by the existing GET /settings/v2/tenant/{t}/business-units/{id}).
// Uploads are writes like any other: the fail-after-commit knob (after-commit.ts) applies, so a
// client that uploads again after a lost answer makes a second attachment, as on ServiceTitan.
// Uploaded bytes are kept in memory (not in the --state journal) and served by the existing
// download route (GET …/jobs/attachment/{id} → /_files/attachments/{id}).
import type { JobAttachment } from '@invoicer/servicetitan';
import type { FastifyInstance } from 'fastify';
import { SimHttpError } from '../http-helpers.ts';
import { found, idParam, moduleRoutes, type RouteContext } from './api.ts';

const MAX_UPLOAD_BYTES = 25 * 1024 * 1024;

interface UploadedFile {
  fileName: string;
  contentType: string;
  bytes: Buffer;
}

type StoredAttachment = JobAttachment & { id: number; _bytes?: Buffer };

async function parseMultipart(contentType: string | undefined, body: Buffer): Promise<UploadedFile | null> {
  const form = await new Response(new Uint8Array(body), { headers: { 'content-type': contentType ?? '' } })
    .formData()
    .catch(() => null);
  const file = form?.get('file');
  if (!file || typeof file === 'string') return null;
  return {
    fileName: file.name || 'upload',
    contentType: file.type || 'application/octet-stream',
    bytes: Buffer.from(await file.arrayBuffer()),
  };
}

const PARAGRAPHS = {
  authorizationParagraph:
    'I authorize the work described on this invoice and agree to pay the amount shown under the stated terms.',
  acknowledgementParagraph:
    'I acknowledge that the work was completed and the site was left clean and in working order.',
};

export function registerAttachmentRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { tenant } = ctx;
  // The generated business units carry no address or paragraphs: give them stable ones.
  for (const unit of tenant.businessUnits.values()) {
    const record = unit as Record<string, unknown>;
    record.address ??= {
      street: '400 Industrial Blvd',
      unit: null,
      city: 'Riverton',
      state: 'TX',
      zip: '78640',
      country: 'USA',
    };
    record.authorizationParagraph ??= PARAGRAPHS.authorizationParagraph;
    record.acknowledgementParagraph ??= PARAGRAPHS.acknowledgementParagraph;
  }

  // Serve uploaded bytes where the download route redirects (generated attachments keep their
  // placeholder bytes from routes/others.ts).
  app.addHook('onRequest', async (request, reply) => {
    if (request.method !== 'GET' || request.routeOptions.url !== '/_files/attachments/:id') return;
    const id = Number((request.params as { id?: string }).id);
    const stored = tenant.attachments.get(id) as StoredAttachment | undefined;
    if (stored?._bytes)
      return reply.type(stored.contentType ?? 'application/octet-stream').send(stored._bytes);
  });

  void app.register(async (scope) => {
    scope.addContentTypeParser(
      'multipart/form-data',
      { parseAs: 'buffer', bodyLimit: MAX_UPLOAD_BYTES },
      async (request: { headers: Record<string, string | string[] | undefined> }, body: Buffer) =>
        parseMultipart(String(request.headers['content-type'] ?? ''), body),
    );
    const forms = moduleRoutes(scope, 'forms');
    forms.post('/jobs/:jobId/attachments', ({ params, body }) => {
      const jobId = idParam(params, 'jobId');
      found(tenant.jobs.get(jobId), 'Job', jobId);
      const file = body as UploadedFile | null;
      if (!file?.bytes?.length)
        throw new SimHttpError(400, 'One or more validation errors occurred.', {
          file: ['A multipart field "file" with the file is required.'],
        });
      const record: StoredAttachment = {
        id: tenant.newId(),
        jobId,
        fileName: file.fileName,
        contentType: file.contentType,
        size: file.bytes.length,
        createdOn: new Date().toISOString(),
        createdById: null,
        active: true,
        _bytes: file.bytes,
      };
      tenant.attachments.put(record);
      return { fileName: record.fileName, id: record.id };
    });
  });
}
