// Command-room page in headless chromium: page weight (bytes of every resource loaded) and the time from
// sign-in to the first alert shown, measured in the page (performance.now + MutationObserver). Args: --runs=N (5).
import type { Page } from 'playwright-core';
import { freePort } from '../src/lib/redis-server.js';
import { startRtspFixtureServer } from '../src/ingest/rtsp-fixture-server.js';
import { CHROMIUM, hasChromium, launchBrowser } from '../test/helpers/browser.js';
import { projectRoot, startTestNode } from '../test/helpers/node.js';
import type { BenchContext } from './run.js';
import { checkpointNodeYaml, numArg } from './common.js';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round = (x: number | null) => (x === null ? null : Math.round(x * 10) / 10);

interface Timings {
  signInToReadyMs: number;
  signInToFirstAlertMs: number;
  /** From the SSE `alert` event reaching the page to its row in the feed (live arrivals only). */
  eventToRowMs: number | null;
}

/**
 * Installed before the page's own scripts: notes the sign-in submit, the first `alert` event from the
 * stream, the page's ready state and the first row in #alerts, all on the page's performance.now clock.
 * Plain text, not a function: tsx would wrap a function's inner names in a helper the page lacks.
 */
const PROBE = `
  const b = (window.__bench = { submit: null, ready: null, firstEvent: null, firstRow: null });
  document.addEventListener('submit', () => { b.submit ??= performance.now(); }, true);
  const add = EventSource.prototype.addEventListener;
  EventSource.prototype.addEventListener = function (type, fn, opts) {
    if (type === 'alert') add.call(this, type, () => { b.firstEvent ??= performance.now(); }, opts);
    return add.call(this, type, fn, opts);
  };
  new MutationObserver(() => {
    if (!document.body) return;
    if (document.body.dataset.state === 'ready') b.ready ??= performance.now();
    if (document.querySelector('#alerts li.alert')) b.firstRow ??= performance.now();
  }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'] });
`;

async function signInAndTime(
  page: Page,
  url: string,
  token: string,
  whileWaiting?: () => Promise<void>,
): Promise<Timings> {
  await page.addInitScript({ content: PROBE });
  await page.goto(url);
  await page.fill('#token', token);
  await page.click('#signin button[type=submit]');
  await page.waitForSelector('body[data-state="ready"]');
  await whileWaiting?.();
  await page.waitForSelector('#alerts li.alert', { timeout: 90_000 });
  const b = await page.evaluate(() => (window as unknown as { __bench: Record<string, number> }).__bench);
  return {
    signInToReadyMs: b.ready - b.submit,
    signInToFirstAlertMs: b.firstRow - b.submit,
    eventToRowMs: b.firstEvent !== null && b.firstEvent <= b.firstRow ? b.firstRow - b.firstEvent : null,
  };
}

/** Bytes over the wire per kind, from a fresh context (empty cache); the never-ending SSE stream is left out. */
function weigh(page: Page) {
  const kinds: Record<string, { requests: number; bytes: number }> = {};
  const pending: Promise<void>[] = [];
  page.on('requestfinished', (req) => {
    const url = new URL(req.url());
    // blob: URLs are the crops already counted as API images; the stream never finishes.
    if (!url.protocol.startsWith('http') || url.pathname.endsWith('/stream')) return;
    const kind = url.pathname.startsWith('/api/')
      ? url.pathname.endsWith('.jpg')
        ? 'api-images'
        : 'api-json'
      : 'page';
    pending.push(
      req.sizes().then((s) => {
        kinds[kind] ??= { requests: 0, bytes: 0 };
        kinds[kind].requests++;
        kinds[kind].bytes += s.responseBodySize + s.responseHeadersSize;
      }),
    );
  });
  return async () => {
    await Promise.all(pending);
    return kinds;
  };
}

export default async function pageBench(ctx: BenchContext) {
  if (!hasChromium) return { skipped: `no browser at ${CHROMIUM} (scripts/setup.sh --test installs it)` };
  const runs = numArg(ctx.args, 'runs', 5);
  const rtspPort = await freePort();
  const yaml = checkpointNodeYaml(rtspPort, { streams: false, hotlist: ['粤B4E7K2'] });
  const [t, browser] = await Promise.all([startTestNode('page-bench', yaml), launchBrowser()]);
  let rtsp: Awaited<ReturnType<typeof startRtspFixtureServer>> | null = null;
  try {
    const token = t.node.demo?.tokens.find((x) => x.role === 'operator')?.token as string;

    // 1. Live: signed in before any hit exists; the camera's stream starts after the page is ready.
    const first = await browser.newPage();
    const weight = weigh(first.page);
    const live = await signInAndTime(first.page, t.url, token, async () => {
      rtsp = await startRtspFixtureServer({
        port: rtspPort,
        streams: [{ mount: 'checkpoint', file: `${projectRoot}/fixtures/media/checkpoint.mp4` }],
      });
    });
    await first.page.waitForFunction(() =>
      [...document.querySelectorAll<HTMLImageElement>('#detail img.crop')].every(
        (i) => i.complete && i.naturalWidth > 0,
      ),
    );
    await first.page.waitForLoadState('networkidle').catch(() => {});
    const kinds = await weight();
    await first.context.close();

    // 2. Warm: hits already exist; the first row comes from the list request. Fresh context each run.
    const warm: Timings[] = [];
    for (let i = 0; i < runs; i++) {
      const { context, page } = await browser.newPage();
      warm.push(await signInAndTime(page, t.url, token));
      await context.close();
      process.stderr.write(`  run ${i + 1}: first alert ${warm.at(-1)?.signInToFirstAlertMs.toFixed(1)} ms\n`);
    }
    const total = Object.values(kinds).reduce((s, k) => s + k.bytes, 0);
    return {
      chromium: browser.browser.version(),
      pageWeight: {
        totalBytes: total,
        byKind: kinds,
        note: 'first load in an empty context, bytes as transferred (page files gzip), headers included, SSE stream excluded',
      },
      live: {
        signInToReadyMs: round(live.signInToReadyMs),
        signInToFirstAlertMs: round(live.signInToFirstAlertMs),
        eventToRowMs: round(live.eventToRowMs),
        note: 'signInToFirstAlert here is mostly the camera start and the pipeline; eventToRow is the page',
      },
      warm: {
        runs,
        signInToReadyMsMedian: round(median(warm.map((w) => w.signInToReadyMs))),
        signInToFirstAlertMsMedian: round(median(warm.map((w) => w.signInToFirstAlertMs))),
        signInToFirstAlertMs: warm.map((w) => round(w.signInToFirstAlertMs)),
      },
    };
  } finally {
    await browser.close();
    await (rtsp as { stop(): Promise<void> } | null)?.stop();
    await t.stop();
  }
}
