// The logger's two formats: JSON lines with scope and fields, and the terminal's one readable line; quiet drops info.
import { describe, expect, it } from 'vitest';
import { createLogger, defaultLogFormat } from './logger.js';

function sink() {
  const lines: string[] = [];
  return { lines, destination: { write: (s: string) => void lines.push(...s.split('\n').filter(Boolean)) } };
}

describe('logger', () => {
  it('writes JSON lines with level, time, scope, message and the fields of every child', () => {
    const out = sink();
    const log = createLogger('vigil', false, { format: 'json', destination: out.destination });
    log.child('', { node: 'n1' }).child('camera', { camera: 'cam-1' }).warn('offline', { restarts: 2 });
    const line = JSON.parse(out.lines[0]) as Record<string, unknown>;
    expect(line).toMatchObject({
      level: 'warn',
      scope: 'vigil:camera',
      node: 'n1',
      camera: 'cam-1',
      restarts: 2,
      msg: 'offline',
    });
    expect(typeof line.time).toBe('string');
    // The child's scope replaces the parent's: the key appears once.
    expect(out.lines[0].match(/"scope"/g)).toHaveLength(1);
  });

  it('quiet drops info in both formats and keeps warnings', () => {
    for (const format of ['json', 'text'] as const) {
      const out = sink();
      const log = createLogger('t', true, { format, destination: out.destination });
      log.info('hidden');
      log.error('shown');
      expect(out.lines).toHaveLength(1);
      expect(out.lines[0]).toContain('shown');
    }
  });

  it('the text format keeps the old line and appends fields as key=value', () => {
    const out = sink();
    createLogger('vigil', false, { format: 'text', destination: out.destination })
      .child('jobs', { alert: 'a-1', note: 'two words' })
      .info('dispatched');
    expect(out.lines[0]).toMatch(/^\S+Z info {2}\[vigil:jobs\] dispatched alert=a-1 note="two words"$/);
  });

  it('chooses JSON off a terminal, text on one, and LOG_FORMAT over both', () => {
    expect(defaultLogFormat({}, false)).toBe('json');
    expect(defaultLogFormat({}, true)).toBe('text');
    expect(defaultLogFormat({ LOG_FORMAT: 'json' }, true)).toBe('json');
    expect(defaultLogFormat({ LOG_FORMAT: 'text' }, false)).toBe('text');
  });
});
