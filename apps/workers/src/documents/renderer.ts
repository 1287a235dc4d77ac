// The worker process's one PDF renderer: its Chromium is launched on the first invoice.pdf job
// (never by processes that do not run the stage) and closed when the worker app closes.
import { PdfRenderer } from '@invoicer/documents';

let renderer: PdfRenderer | null = null;

export function workerPdfRenderer(): PdfRenderer {
  renderer ??= new PdfRenderer();
  return renderer;
}

export async function closeWorkerPdfRenderer(): Promise<void> {
  await renderer?.close();
}
