// The service worker's shell list against the page's files: a module or style sheet left out of it makes the
// phone's page fail to start offline (every import must be kept), and a name in it with no file is a typo.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const pub = path.join(path.dirname(fileURLToPath(import.meta.url)), 'public');

describe('service worker shell', () => {
  it('keeps every script and style sheet of the page, and names no file that is not there', () => {
    const sw = readFileSync(path.join(pub, 'sw.js'), 'utf8');
    const list = sw.slice(sw.indexOf('const SHELL = ['), sw.indexOf('];', sw.indexOf('const SHELL = [')));
    const kept = [...list.matchAll(/'\/([^']*)'/g)].map((m) => m[1]).filter((f) => f !== '');
    const files = readdirSync(pub).filter((f) => /\.(js|css)$/.test(f) && f !== 'sw.js');
    expect(files.filter((f) => !kept.includes(f))).toEqual([]);
    expect(kept.filter((f) => !readdirSync(pub).includes(f))).toEqual([]);
  });
});
