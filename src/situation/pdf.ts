// The situation report's PDF: the report document printed by headless chromium (playwright-core), the
// same Debian chromium the tests use. Without one, no PDF: the report is stored with the reason.
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';

const DEFAULT_CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-dev-shm-usage',
];

export interface PdfRenderer {
  /** The browser used, or null when none is present. */
  readonly executable: string | null;
  render(html: string): Promise<Buffer>;
}

export class NoChromiumError extends Error {
  override name = 'NoChromiumError';
}

/** One chromium launch per report (a report a day per district: no browser kept running). */
export function pdfRenderer(configured?: string): PdfRenderer {
  const executable = configured ?? (existsSync(DEFAULT_CHROMIUM) ? DEFAULT_CHROMIUM : null);
  return {
    executable,
    async render(html) {
      if (!executable || !existsSync(executable))
        throw new NoChromiumError(
          `no chromium at ${executable ?? DEFAULT_CHROMIUM} (plans.situation.chromiumPath): the PDF is not made; the page and CSV are`,
        );
      const browser = await chromium.launch({ executablePath: executable, headless: true, args: ARGS });
      try {
        const page = await browser.newPage();
        // No network: the document is self-contained (inline styles and SVG).
        await page.route('**/*', (route) => route.abort());
        await page.setContent(html, { waitUntil: 'load' });
        return await page.pdf({
          format: 'A4',
          printBackground: true,
          margin: { top: '12mm', bottom: '12mm', left: '10mm', right: '10mm' },
        });
      } finally {
        await browser.close();
      }
    },
  };
}
