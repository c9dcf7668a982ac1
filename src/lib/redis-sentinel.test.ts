// Sentinel settings from the environment: parsing, pairing of the variables, secrets from files, the client options.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readEnvironment } from '../config/load.js';
import { parseSentinels, sentinelOptions } from './redis-sentinel.js';

describe('Redis through Sentinel', () => {
  it('parses host:port lists, IPv6 in brackets, and names a bad entry', () => {
    expect(parseSentinels('10.0.0.1:26379, redis-s2:26380,[::1]:26381')).toEqual([
      { host: '10.0.0.1', port: 26379 },
      { host: 'redis-s2', port: 26380 },
      { host: '::1', port: 26381 },
    ]);
    expect(() => parseSentinels('10.0.0.1')).toThrow("expected host:port, got '10.0.0.1'");
    expect(() => parseSentinels('a:99999')).toThrow("got 'a:99999'");
  });

  it('reads REDIS_SENTINELS with its name and password file, and refuses half or both settings', () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'vigil-secret-')), 'redis-password');
    writeFileSync(file, 'from-a-file\n');
    expect(
      readEnvironment({ REDIS_SENTINELS: 's1:26379,s2:26379', REDIS_SENTINEL_NAME: 'vigil', REDIS_PASSWORD_FILE: file })
        .redisSentinel,
    ).toEqual({
      sentinels: [
        { host: 's1', port: 26379 },
        { host: 's2', port: 26379 },
      ],
      name: 'vigil',
      password: 'from-a-file',
    });
    expect(readEnvironment({}).redisSentinel).toBeUndefined();
    expect(() => readEnvironment({ REDIS_SENTINELS: 's1:26379' })).toThrow(
      'REDIS_SENTINELS and REDIS_SENTINEL_NAME go together',
    );
    expect(() =>
      readEnvironment({ REDIS_SENTINELS: 's1:26379', REDIS_SENTINEL_NAME: 'v', REDIS_URL: 'redis://x' }),
    ).toThrow('not both');
    expect(() => readEnvironment({ REDIS_SENTINELS: 's1', REDIS_SENTINEL_NAME: 'v' })).toThrow(
      "REDIS_SENTINELS: expected host:port, got 's1'",
    );
  });

  it('resends writes a demoted or replica-less primary refused, and fails other errors as usual', () => {
    const opts = sentinelOptions({ sentinels: [{ host: 's1', port: 26379 }], name: 'vigil' });
    expect(opts).toMatchObject({ name: 'vigil', role: 'master', failoverDetector: true });
    expect(opts).not.toHaveProperty('password');
    const retry = opts.reconnectOnError as (err: Error) => boolean | 1 | 2;
    expect(retry(new Error("READONLY You can't write against a read only replica."))).toBe(2);
    expect(retry(new Error('NOREPLICAS Not enough good replicas to write.'))).toBe(2);
    expect(retry(new Error('WRONGTYPE Operation against a key holding the wrong kind of value'))).toBe(false);
  });
});
