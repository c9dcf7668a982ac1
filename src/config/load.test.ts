import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, readEnvironment } from './load.js';

describe('parseConfig', () => {
  it('fills defaults for an empty file', () => {
    const config = parseConfig('');
    expect(config.server.port).toBe(8080);
    expect(config.hotlist.ocrEquivalent).toBe(1);
    expect(config.cameras).toEqual([]);
  });

  it('names the file, the key path and what is expected', () => {
    const yaml =
      'cameras:\n  - id: cam1\n    name: Gate\n    source: http://x\n    kind: street\n    lat: 1\n    lon: 2\n    district: d\n';
    expect(() => parseConfig(yaml, 'city.yaml')).toThrowError(/city\.yaml: cameras\.0\.source: .*rtsp:\/\//);
  });

  it('rejects unknown keys so a typo fails at load', () => {
    expect(() => parseConfig('server:\n  prot: 9000\n', 'c.yaml')).toThrowError(
      /c\.yaml: server: Unrecognized key: "prot"/,
    );
  });

  it('reports malformed YAML with its line', () => {
    expect(() => parseConfig('server: [1, 2\nunits: x', 'bad.yaml')).toThrowError(ConfigError);
    expect(() => parseConfig('server: [1, 2\nunits: x', 'bad.yaml')).toThrowError(
      /bad\.yaml at line \d+: not valid YAML/,
    );
  });

  it('needs a level on checkpoint cameras', () => {
    const yaml =
      'cameras:\n  - {id: k1, name: K, source: "rtsp://h/s", kind: checkpoint, lat: 1, lon: 2, district: d}\n';
    expect(() => parseConfig(yaml)).toThrowError(/cameras\.0\.checkpointLevel: a checkpoint camera needs/);
  });

  it('catches duplicate ids and dangling references', () => {
    const yaml = [
      'units:',
      '  - {id: u1, callsign: A, type: car, homeGrid: g1}',
      '  - {id: u1, callsign: B, type: foot, homeGrid: g1}',
      'demo:',
      '  positions: [{unit: u9, lat: 1, lon: 1}]',
    ].join('\n');
    expect(() => parseConfig(yaml)).toThrowError(
      /units: id 'u1' is used twice[\s\S]*demo\.positions\.0\.unit: no unit with id 'u9'/,
    );
  });
});

describe('readEnvironment', () => {
  it('takes URLs and secrets from the environment only', () => {
    const env = readEnvironment({ REDIS_URL: 'redis://h:1', VIGIL_WEBHOOK_SECRET: 's3', PORT: '9000' });
    expect(env).toMatchObject({ redisUrl: 'redis://h:1', webhookSecret: 's3', port: 9000 });
  });

  it('rejects a bad port', () => {
    expect(() => readEnvironment({ PORT: 'eighty' })).toThrowError(/PORT: expected a port number/);
  });
});
