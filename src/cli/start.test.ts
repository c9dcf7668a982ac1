// The stop signals of `vigil start`: the first starts the shutdown, the same Ctrl-C forwarded twice is one, a later second one exits.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { Logger } from '../lib/logger.js';
import { listenForStop } from './start.js';

function fakeProcess() {
  const emitter = new EventEmitter();
  const exits: number[] = [];
  return {
    emitter,
    exits,
    source: {
      on: (s: NodeJS.Signals, l: (s: NodeJS.Signals) => void) => emitter.on(s, l),
      exit: (code: number) => void exits.push(code),
    },
  };
}

const lines: string[] = [];
const log = { info: () => {}, warn: (m: string) => void lines.push(m), error: () => {}, child: () => log } as Logger;

describe('listenForStop', () => {
  it('resolves with the first of SIGINT, SIGTERM, SIGHUP', async () => {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      const p = fakeProcess();
      const stop = listenForStop(log, p.source);
      p.emitter.emit(signal, signal);
      expect(await stop).toBe(signal);
      expect(p.exits).toEqual([]);
    }
  });

  it('takes a repeat within the window as the same Ctrl-C (npm forwards the terminal signal), and a later one as a forced exit', async () => {
    const p = fakeProcess();
    const stop = listenForStop(log, p.source, 50);
    p.emitter.emit('SIGINT', 'SIGINT');
    p.emitter.emit('SIGINT', 'SIGINT');
    await stop;
    expect(p.exits).toEqual([]);
    await new Promise((r) => setTimeout(r, 80));
    p.emitter.emit('SIGINT', 'SIGINT');
    expect(p.exits).toEqual([130]);
    expect(lines.at(-1)).toBe('SIGINT again: exiting now, without finishing the shutdown');
  });
});
