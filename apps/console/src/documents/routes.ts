// Invoice PDFs on the item page: the documents fragment, the draft preview (rendered on demand,
// marked DRAFT, never stored or sent) and the stored PDF of the posted invoice. Access and tenant
// scoping come from the role matrix (auth/roles.ts), like every console route. The console's one
// Chromium is launched on the first preview and closed with the server.
import { ChromiumMissingError, PdfRenderer } from '@invoicer/documents';
import type { FastifyInstance } from 'fastify';
import { HttpError, parseInput } from '../http/errors.ts';
import { sendHtml, wantsJson } from '../http/respond.ts';
import { ItemParams } from '../review/forms.ts';
import type { ConsoleServices } from '../services.ts';
import { documentsFragment } from '../views/documents.ts';
import { loadDraftPreview, loadStoredDocuments, loadStoredPdf } from './load.ts';

function inlinePdf(fileName: string): string {
  return `inline; filename="${fileName.replace(/[^A-Za-z0-9._-]+/g, '-')}"`;
}

export function registerDocumentRoutes(app: FastifyInstance, services: ConsoleServices): void {
  const renderer = new PdfRenderer();
  app.addHook('onClose', async () => {
    await renderer.close();
  });

  app.get('/items/:id/documents', async (request, reply) => {
    const { id } = parseInput(ItemParams, request.params);
    const loaded = await loadStoredDocuments(services, id);
    if (!loaded) throw new HttpError(404, 'There is no such review item.');
    if (wantsJson(request)) return reply.send(loaded);
    return sendHtml(reply, documentsFragment(id, loaded));
  });

  app.get('/items/:id/pdf/preview', async (request, reply) => {
    const { id } = parseInput(ItemParams, request.params);
    const preview = await loadDraftPreview(services, id);
    if (!preview) throw new HttpError(404, 'This item has no draft to preview.');
    try {
      const pdf = await renderer.render(preview.model);
      return reply
        .type('application/pdf')
        .header('cache-control', 'no-store')
        .header(
          'content-disposition',
          inlinePdf(`Invoice-${preview.model.invoiceNumber}-r${preview.revision}-DRAFT.pdf`),
        )
        .send(pdf.bytes);
    } catch (error) {
      if (error instanceof ChromiumMissingError) throw new HttpError(503, error.message);
      throw error;
    }
  });

  app.get('/items/:id/pdf', async (request, reply) => {
    const { id } = parseInput(ItemParams, request.params);
    const document = await loadStoredPdf(services, id);
    if (!document)
      throw new HttpError(404, 'No PDF has been stored for this invoice yet (it is made after posting).');
    return reply
      .type(document.contentType)
      .header('cache-control', 'private, no-store')
      .header('etag', `"${document.sha256}"`)
      .header('content-disposition', inlinePdf(document.fileName))
      .send(Buffer.from(document.bytes));
  });
}
