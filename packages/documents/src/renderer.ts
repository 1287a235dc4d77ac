// Headless Chromium (Debian's, through playwright-core) as a PDF engine. One browser per
// process, launched on first use and reused; a browser that crashed or was closed is launched
// again on the next render. Each render gets a fresh context whose every network request is
// aborted and counted (the page must need none: fonts and logo are inlined).
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { fontFaceCss } from './fonts.ts';
import type { InvoiceDocumentModel } from './model.ts';
import { footerHtml, invoiceHtml } from './template.ts';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export interface RenderedPdf {
  bytes: Buffer;
  sha256: string;
  pageCount: number;
  renderMs: number;
  /** Requests the page tried to make (all aborted); 0 for a well-formed document. */
  blockedRequests: number;
}

export class ChromiumMissingError extends Error {
  /** Retrying cannot help until Chromium is installed (workers fail the job at once). */
  readonly permanent = true;
  constructor(path: string) {
    super(`Chromium is not installed at ${path}: install Debian's chromium package or set CHROMIUM_PATH`);
    this.name = 'ChromiumMissingError';
  }
}

/** Pages in a PDF, counted from its page objects (Chromium writes them uncompressed). */
export function countPdfPages(bytes: Buffer): number {
  const text = bytes.toString('latin1');
  return (text.match(/\/Type\s*\/Page(?![a-zA-Z])/g) ?? []).length;
}

export function sha256Hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export class PdfRenderer {
  private browser: Promise<Browser> | null = null;

  constructor(private readonly options: { executablePath?: string; timeoutMs?: number } = {}) {}

  get executablePath(): string {
    return this.options.executablePath ?? CHROMIUM_PATH;
  }

  private launch(): Promise<Browser> {
    if (this.browser) return this.browser;
    if (!existsSync(this.executablePath))
      return Promise.reject(new ChromiumMissingError(this.executablePath));
    // playwright-core is loaded on the first render (about 90 MiB of a process's memory), so a
    // worker that never renders a PDF never carries it.
    const launching = import('playwright-core')
      .then(({ chromium }) =>
        chromium.launch({ executablePath: this.executablePath, args: CHROMIUM_ARGS, timeout: 30_000 }),
      )
      .then((browser) => {
        // A crash (or someone closing it) forgets the browser: the next render launches another.
        browser.on('disconnected', () => {
          if (this.browser === launching) this.browser = null;
        });
        return browser;
      });
    launching.catch(() => {
      if (this.browser === launching) this.browser = null;
    });
    this.browser = launching;
    return launching;
  }

  /** Render a document model to PDF bytes. Retries once on a browser that died under it. */
  render(model: InvoiceDocumentModel): Promise<RenderedPdf> {
    return this.renderHtml(invoiceHtml(model, fontFaceCss()), footerHtml(model), model.paperSize);
  }

  /** Render a complete HTML page (and Chromium footer template) to PDF bytes. */
  async renderHtml(
    html: string,
    footer: string,
    paperSize: 'Letter' | 'A4' = 'Letter',
  ): Promise<RenderedPdf> {
    const started = performance.now();
    for (let attempt = 0; ; attempt++) {
      const browser = await this.launch();
      try {
        const { bytes, blockedRequests } = await this.print(browser, html, footer, paperSize);
        return {
          bytes,
          sha256: sha256Hex(bytes),
          pageCount: countPdfPages(bytes),
          renderMs: Math.round(performance.now() - started),
          blockedRequests,
        };
      } catch (error) {
        if (attempt === 0 && !browser.isConnected()) continue;
        throw error;
      }
    }
  }

  private async print(
    browser: Browser,
    html: string,
    footer: string,
    paperSize: 'Letter' | 'A4',
  ): Promise<{ bytes: Buffer; blockedRequests: number }> {
    const context = await browser.newContext({ javaScriptEnabled: false, serviceWorkers: 'block' });
    let blockedRequests = 0;
    try {
      await context.route('**/*', (route) => {
        blockedRequests += 1;
        return route.abort('blockedbyclient');
      });
      const page = await context.newPage();
      page.setDefaultTimeout(this.options.timeoutMs ?? 30_000);
      await page.setContent(html, { waitUntil: 'load' });
      await page.emulateMedia({ media: 'print' });
      const bytes = await page.pdf({
        format: paperSize,
        printBackground: true,
        displayHeaderFooter: true,
        headerTemplate: '<span></span>',
        footerTemplate: footer,
        margin: { top: '14mm', bottom: '20mm', left: '14mm', right: '14mm' },
        tagged: true,
        outline: false,
      });
      return { bytes, blockedRequests };
    } finally {
      await context.close().catch(() => {});
    }
  }

  /** Close the browser (on shutdown); a later render would launch a new one. */
  async close(): Promise<void> {
    const browser = this.browser;
    this.browser = null;
    if (browser) await (await browser.catch(() => null))?.close().catch(() => {});
  }
}
