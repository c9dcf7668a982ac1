// `vigil faces authorise|authorisations|refreeze` against a real node: a refused authorisation prints each
// field the API names, a valid one is made, listed, frozen again and ended, and an operator may not make one.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { facesAuthorisations, facesAuthorise, facesRefreeze } from '../src/cli/faces-authorise.js';
import type { Environment } from '../src/config/load.js';
import { startTestNode, type TestNode } from './helpers/node.js';

const yaml = `
cameras:
  - { id: street-1, name: Street 1, source: "rtsp://127.0.0.1:1/none", kind: street, lat: 22.5431, lon: 114.0579, district: futian, enabled: false, analysis: { faces: true, plates: false } }
`;

function sink(): Writable & { text(): string } {
  const chunks: string[] = [];
  const w = new Writable({ write: (c, _e, done) => void (chunks.push(String(c)), done()) });
  return Object.assign(w, { text: () => chunks.join('') });
}

describe('vigil faces authorise', () => {
  let t: TestNode;
  let env: Environment;

  beforeAll(async () => {
    t = await startTestNode('faces-authorise-cli', yaml);
    env = { apiUrl: t.url, apiToken: await t.token('admin') } as Environment;
  }, 120_000);
  afterAll(async () => {
    await t?.stop();
  });

  it('makes, lists, refreezes and ends an authorisation; a refusal names each field to fix', async () => {
    const until = new Date(Date.now() + 3600_000).toISOString();
    const bad = sink();
    expect(await facesAuthorise(['--approved-by', 'Chief Li', '--until', until], env, bad)).toBe(1);
    expect(bad.text()).toMatch(/authorisation refused \(HTTP 400\)/);
    expect(bad.text()).toMatch(/\n {2}legalReference: the order, warrant or decision number/);
    const nowhere = sink();
    expect(
      await facesAuthorise(
        ['--approved-by', 'Chief Li', '--legal-ref', 'order 2026-77', '--until', until],
        env,
        nowhere,
      ),
    ).toBe(1);
    expect(nowhere.text()).toMatch(/\n {2}cameras: name the cameras or districts it covers/);

    const made = sink();
    const args = [
      '--approved-by',
      'Chief Li',
      '--legal-ref',
      'order 2026-77',
      '--districts',
      'futian',
      '--until',
      until,
    ];
    expect(await facesAuthorise([...args], env, made)).toBe(0);
    const id = /authorised ([0-9a-f-]{36})/.exec(made.text())?.[1] as string;
    expect(made.text()).toContain('district futian');

    const listed = sink();
    expect(await facesAuthorisations([], env, listed)).toBe(0);
    expect(listed.text()).toContain(id);
    expect(listed.text()).toContain('order 2026-77, approved by Chief Li');

    const refrozen = sink();
    expect(await facesRefreeze([id, '--why', 'two subjects listed since'], env, refrozen)).toBe(0);
    expect(refrozen.text()).toMatch(/refrozen .*watchlist frozen: 0 subjects/);

    const operator = { ...env, apiToken: await t.token('operator') } as Environment;
    const forbidden = sink();
    expect(await facesAuthorise([...args], operator, forbidden)).toBe(1);
    expect(forbidden.text()).toMatch(/HTTP 403/);

    const ended = sink();
    expect(await facesAuthorise(['--end', id, '--reason', 'operation over'], env, ended)).toBe(0);
    expect(ended.text()).toMatch(/ended .*\(ended /);
    const live = sink();
    await facesAuthorisations([], env, live);
    expect(live.text()).not.toContain(id);
    const all = sink();
    await facesAuthorisations(['--all'], env, all);
    expect(all.text()).toContain(id);
    const audit = await t.api('/admin/audit?limit=50', env.apiToken as string);
    const actions = (audit.body.entries as { action: string; target: string }[])
      .filter((e) => e.target === id)
      .map((e) => e.action);
    expect(actions.length).toBeGreaterThanOrEqual(3);
  }, 60_000);
});
