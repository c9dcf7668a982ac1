// Headless Debian chromium for browser tests and the page benchmark (playwright-core; nothing downloaded).
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { projectRoot } from './node.js';

export const CHROMIUM = process.env.VIGIL_CHROMIUM ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
export const artifactsDir = path.join(projectRoot, 'artifacts', 'web');

/** Quiet, offline-friendly flags: no sandbox (containers), no GPU, nothing phoning home. */
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
  '--autoplay-policy=no-user-gesture-required',
];

export interface TestBrowser {
  browser: Browser;
  /** A new isolated context (its own storage: one "device") with one page; console errors are collected. */
  newPage(): Promise<{ context: BrowserContext; page: Page; errors: string[] }>;
  close(): Promise<void>;
}

/**
 * Playwright's launch() gives chromium a fresh temporary --user-data-dir and removes it on close
 * (it refuses one passed in args), so every run starts with an empty profile.
 */
export async function launchBrowser(): Promise<TestBrowser> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  return {
    browser,
    async newPage() {
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (err) => errors.push(err.message));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(`${m.text()} ${m.location().url}`);
      });
      return { context, page, errors };
    },
    close: () => browser.close(),
  };
}

/** Signs in on the command-room page with a token and waits until the page has loaded its data. */
export async function signIn(page: Page, baseUrl: string, token: string): Promise<void> {
  await page.goto(baseUrl);
  // The form opens on username + password; a token is one click away.
  await page.waitForSelector('body[data-signin="ready"]');
  if (await page.locator('#token').isHidden()) await page.click('#use-token');
  await page.fill('#token', token);
  await page.click('#signin button[type=submit]');
  await page.waitForSelector('body[data-state="ready"]');
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(artifactsDir, { recursive: true });
  const file = path.join(artifactsDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
