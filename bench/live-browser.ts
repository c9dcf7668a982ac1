// Glass-to-glass for the chosen live method: headless chromium plays the fMP4 stream through MediaSource
// (as src/web/public/live.js does: append as it comes, jump to the live edge when over 1.5 s behind) and reads
// the time burnt into each frame it presents (requestVideoFrameCallback, canvas), against its own clock.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Fmp4Splitter, codecOf } from '../src/live/fmp4.js';
import { launchBrowser } from '../test/helpers/browser.js';
import { percentile } from './common.js';

export interface StampLayout {
  width: number;
  height: number;
  bits: number;
  block: number;
}

const PAGE = (
  s: StampLayout,
) => `<!doctype html><video muted autoplay playsinline></video><canvas width="${s.width / 4}" height="${s.height / 4}"></canvas><script>
const video = document.querySelector('video'), cx = document.querySelector('canvas').getContext('2d', { willReadFrequently: true });
window.lat = [];
(async () => {
  const res = await fetch('/live');
  const ms = new MediaSource(); video.src = URL.createObjectURL(ms);
  await new Promise((r) => ms.addEventListener('sourceopen', r, { once: true }));
  const sb = ms.addSourceBuffer('video/mp4; codecs="' + res.headers.get('x-codec') + '"');
  const queue = [];
  const pump = () => { if (!sb.updating && queue.length) sb.appendBuffer(queue.shift()); };
  sb.addEventListener('updateend', () => {
    const b = sb.buffered;
    if (b.length && b.end(b.length - 1) - video.currentTime > 1.5) video.currentTime = b.end(b.length - 1) - 0.3;
    if (video.paused) video.play().catch(() => {});
    pump();
  });
  const onFrame = () => {
    const at = Date.now();
    cx.drawImage(video, 0, 0, ${s.width / 4}, ${s.height / 4});
    const row = cx.getImageData(0, ${s.block / 8}, ${s.width / 4}, 1).data;
    let stamp = 0;
    for (let b = 0; b < ${s.bits}; b++) if (row[4 * Math.floor((b + 0.5) * ${s.block / 4})] > 127) stamp |= 1 << b;
    const ms = ((at >>> 0) - (stamp >>> 0)) >>> 0;
    if (ms < 60000) window.lat.push(ms);
    video.requestVideoFrameCallback(onFrame);
  };
  video.requestVideoFrameCallback(onFrame);
  const reader = res.body.getReader();
  for (;;) { const { value, done } = await reader.read(); if (done) break; queue.push(value); pump(); }
})();
</script>`;

/** Serves one fMP4 stream (init first, then fragments) from the method's ffmpeg to the page. */
function serve(ffmpegArgs: string[], layout: StampLayout) {
  const server = createServer((req, res) => {
    if (req.url !== '/live') return void res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE(layout));
    const child = spawn('ffmpeg', ffmpegArgs, { stdio: ['ignore', 'pipe', 'ignore'] });
    const split = new Fmp4Splitter({
      init: (init) => {
        res.writeHead(200, { 'content-type': 'video/mp4', 'x-codec': codecOf(init) ?? 'avc1.4d401f' });
        res.write(init);
      },
      fragment: (f) => res.write(f.bytes),
    });
    child.stdout.on('data', (c: Buffer) => split.push(c));
    res.on('close', () => child.kill('SIGKILL'));
  });
  return server;
}

export async function browserLatency(ffmpegArgs: string[], layout: StampLayout, seconds: number) {
  const server = serve(ffmpegArgs, layout);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const browser = await launchBrowser();
  try {
    const { page } = await browser.newPage();
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await page.waitForFunction(() => (window as unknown as { lat: number[] }).lat?.length > 10, null, {
      timeout: 30_000,
    });
    await page.evaluate(() => ((window as unknown as { lat: number[] }).lat = []));
    await page.waitForTimeout(seconds * 1000);
    const lat = await page.evaluate(() => (window as unknown as { lat: number[] }).lat);
    return {
      framesPresentedPerS: +(lat.length / seconds).toFixed(1),
      latencyMs: { p50: percentile(lat, 50), p95: percentile(lat, 95), max: Math.max(...lat) },
    };
  } finally {
    await browser.close();
    server.closeAllConnections();
    server.close();
  }
}
