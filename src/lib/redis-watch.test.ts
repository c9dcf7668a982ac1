// What counts as "cannot talk to Redis" (logged once per outage) and what is a real fault (logged each time).
import { describe, expect, it } from 'vitest';
import type { Logger } from './logger.js';
import { isRedisConnectionError, logUnlessConnectionError } from './redis-watch.js';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('isRedisConnectionError', () => {
  it('knows socket errors and ioredis closed-connection errors', () => {
    expect(isRedisConnectionError(withCode('connect ECONNREFUSED 127.0.0.1:6379', 'ECONNREFUSED'))).toBe(true);
    expect(isRedisConnectionError(withCode('read ECONNRESET', 'ECONNRESET'))).toBe(true);
    expect(isRedisConnectionError(new Error('Connection is closed.'))).toBe(true);
    expect(isRedisConnectionError(new Error("Stream isn't writeable and enableOfflineQueue options is false"))).toBe(
      true,
    );
  });

  it('leaves command faults and non-errors alone', () => {
    expect(isRedisConnectionError(new Error('ERR wrong number of arguments'))).toBe(false);
    expect(isRedisConnectionError(new Error('Missing lock for job 12'))).toBe(false);
    expect(isRedisConnectionError('ECONNREFUSED')).toBe(false);
  });
});

describe('logUnlessConnectionError', () => {
  it('logs a worker fault and drops a connection error', () => {
    const lines: string[] = [];
    const log = {
      info: () => {},
      warn: () => {},
      error: (m: string) => void lines.push(m),
      child: () => log,
    } as Logger;
    const onError = logUnlessConnectionError(log, 'worker alerts');
    onError(withCode('connect ECONNREFUSED 127.0.0.1:1', 'ECONNREFUSED'));
    onError(new Error('Missing lock for job 12'));
    expect(lines).toEqual(['worker alerts: Missing lock for job 12']);
  });
});
