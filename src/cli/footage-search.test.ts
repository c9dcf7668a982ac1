// Unit: `vigil footage search` passes the vehicle flags as the API's camelCase filters and prints them.
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { footageSearchCli } from './footage-search.js';

const env = { apiToken: 't', apiUrl: 'http://vigil.test' };

function run(args: string[]) {
  const out = new PassThrough();
  let text = '';
  out.on('data', (d: Buffer) => (text += d.toString()));
  return footageSearchCli(args, env, out).then((code) => ({ code, text }));
}

afterEach(() => vi.unstubAllGlobals());

describe('footage search vehicle flags', () => {
  it('searches plate reads by colour and type, with or without a plate', async () => {
    const urls: string[] = [];
    vi.stubGlobal('fetch', async (url: string) => {
      urls.push(url);
      const read = {
        cameraId: 'gate-1',
        firstSeen: '2026-12-03T01:00:00Z',
        plate: '粤B12345',
        confidence: 0.9,
        direction: null,
        plateColour: 'yellow',
        vehicleType: 'truck',
        vehicleColour: 'red',
        footageUrl: '/f',
      };
      return new Response(JSON.stringify({ reads: [read], nextOffset: null }), { status: 200 });
    });
    const { code, text } = await run([
      '--vehicle-type',
      'truck',
      '--vehicle-colour',
      'red',
      '--plate-colour',
      'yellow',
      '--purpose',
      'case',
    ]);
    expect(code).toBe(0);
    const q = new URL(urls[0]!).searchParams;
    expect(new URL(urls[0]!).pathname).toBe('/api/v1/plate-reads');
    expect([q.get('vehicleType'), q.get('vehicleColour'), q.get('plateColour')]).toEqual(['truck', 'red', 'yellow']);
    expect(text).toContain('yellow red truck');
  });

  it('refuses --plate-colour on sightings and a search that names nothing', async () => {
    expect((await run(['--label', 'car', '--plate-colour', 'blue', '--purpose', 'x'])).text).toMatch(
      /--plate-colour applies to plate reads only/,
    );
    expect((await run(['--purpose', 'x'])).text).toMatch(/say what to look for/);
  });
});
