// ShutdownStack: reverse order, failures and overdue steps logged while later steps still run, one run only.
import { describe, expect, it } from 'vitest';
import type { Logger } from './logger.js';
import { ShutdownStack } from './shutdown.js';

function memoryLog(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const log = {
    lines,
    info: (m: string) => lines.push(`info ${m}`),
    warn: (m: string) => lines.push(`warn ${m}`),
    error: (m: string) => lines.push(`error ${m}`),
    child: () => log,
  };
  return log;
}

const never = () => new Promise<void>(() => {});

describe('ShutdownStack', () => {
  it('runs steps newest first, past a failing one', async () => {
    const order: string[] = [];
    const stack = new ShutdownStack();
    stack.push('redis', () => void order.push('redis'));
    stack.push('workers', () => {
      throw new Error('boom');
    });
    stack.push('cameras', () => void order.push('cameras'));
    const log = memoryLog();
    const reports = await stack.report(log);
    expect(order).toEqual(['cameras', 'redis']);
    expect(reports.map((r) => `${r.name}:${r.outcome}`)).toEqual(['cameras:done', 'workers:failed', 'redis:done']);
    expect(log.lines).toEqual(['warn stopping workers: boom']);
  });

  it('logs a step that hangs past its timeout and runs the next one', async () => {
    const order: string[] = [];
    const stack = new ShutdownStack();
    stack.push('redis-server', () => void order.push('redis-server'));
    stack.push('workers', never, { timeoutMs: 50 });
    const log = memoryLog();
    const reports = await stack.report(log);
    expect(order).toEqual(['redis-server']);
    expect(reports[0]).toMatchObject({ name: 'workers', outcome: 'timed out' });
    expect(log.lines).toEqual(['warn stopping workers: not done after 50 ms; going on without it']);
  });

  it('gives each step no more than the budget left, and still runs the last steps', async () => {
    const stack = new ShutdownStack();
    let last = false;
    stack.push('database', () => void (last = true));
    stack.push('b', never, { timeoutMs: 10_000 });
    stack.push('a', never, { timeoutMs: 10_000 });
    const log = memoryLog();
    const reports = await stack.report(log, { budgetMs: 300 });
    expect(last).toBe(true);
    expect(reports.map((r) => r.outcome)).toEqual(['timed out', 'timed out', 'done']);
    // a used the budget; b got the floor of 250 ms, not its own 10 s
    expect(log.lines[1]).toBe('warn stopping b: not done after 250 ms; going on without it');
  });

  it('cuts earlier steps short to leave a later step the time it reserves', async () => {
    const stack = new ShutdownStack();
    stack.push('database', () => {}, { timeoutMs: 5000, reserveMs: 400 });
    stack.push('workers', never, { timeoutMs: 10_000 });
    const log = memoryLog();
    const reports = await stack.report(log, { budgetMs: 700 });
    expect(reports.map((r) => r.outcome)).toEqual(['timed out', 'done']);
    // 700 ms budget less the 400 ms kept for the database (less the ms already gone)
    const limit = Number(/^warn stopping workers: not done after (\d+) ms/.exec(log.lines[0])?.[1]);
    expect(limit).toBeGreaterThan(250);
    expect(limit).toBeLessThanOrEqual(300);
  });

  it('runs once: a second call waits for the first run instead of starting again', async () => {
    let runs = 0;
    const stack = new ShutdownStack();
    stack.push('x', async () => {
      runs++;
      await new Promise((r) => setTimeout(r, 20));
    });
    const log = memoryLog();
    const [a, b] = await Promise.all([stack.report(log), stack.report(log)]);
    expect(runs).toBe(1);
    expect(a).toBe(b);
  });

  it('stops a part pushed while the shutdown runs', async () => {
    const order: string[] = [];
    const stack = new ShutdownStack();
    stack.push('first', () => {
      order.push('first');
      stack.push('late', () => void order.push('late'));
    });
    await stack.run(memoryLog());
    expect(order).toEqual(['first', 'late']);
  });
});
