// Sessions and lockout on a real (in-memory) database with a moved clock: idle and absolute ends, a lock
// that runs out, failures racing each other all counted, and the audit entries each writes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountsSchema } from '../config/accounts.js';
import { AuditRepo } from '../store/audit-repo.js';
import { openDb, type Db } from '../store/db.js';
import { migrate } from '../store/migrate.js';
import { AccountsContext } from './accounts-context.js';
import { changePassword } from './self-service.js';
import { resolveSession, signIn } from './sign-in.js';
import { createUser } from './user-admin.js';

const GOOD = 'tide lantern 47 orchard';
const from = { ip: '127.0.0.1', userAgent: 'test' };

describe('sessions and lockout with a moved clock', () => {
  let db: Db;
  let now = Date.parse('2026-12-01T08:00:00Z');
  let ctx: AccountsContext;

  beforeAll(async () => {
    db = await openDb({ url: 'memory://' });
    await migrate(db);
    const config = accountsSchema.parse({
      scrypt: { N: 1024 },
      lockout: { maxFailures: 3, lockMinutes: 10 },
      session: { idleMinutes: 30, absoluteHours: 2 },
    });
    ctx = new AccountsContext(db, config, () => new Date(now));
  });
  afterAll(async () => db?.close());

  async function user(username: string): Promise<string> {
    const { user: u, oneTimePassword } = await createUser(
      ctx,
      { username, displayName: username, roles: ['operator'] },
      { name: 'test', role: 'admin' },
    );
    await changePassword(ctx, u.id, oneTimePassword, GOOD, null);
    return u.id;
  }

  it('ends a session left idle for idleMinutes, keeps one in use, and ends every session at absoluteHours', async () => {
    await user('clock.user');
    const used = await signIn(ctx, { username: 'clock.user', password: GOOD, ...from });
    const left = await signIn(ctx, { username: 'clock.user', password: GOOD, ...from });
    for (let minute = 0; minute < 100; minute += 20) {
      now += 20 * 60_000;
      expect((await resolveSession(ctx, used.secret)).ok, `in use at +${minute + 20} min`).toBe(true);
    }
    const idle = await resolveSession(ctx, left.secret);
    expect(idle).toEqual({ ok: false, reason: 'this session expired after inactivity: sign in again' });
    now += 21 * 60_000; // 2 h 1 min after sign-in
    expect(await resolveSession(ctx, used.secret)).toEqual({
      ok: false,
      reason: 'this session has reached its time limit: sign in again',
    });
  });

  it('counts failures that race each other, locks at the third, and the lock runs out after lockMinutes', async () => {
    const id = await user('race.user');
    const attempts = await Promise.allSettled(
      [1, 2, 3].map((i) => signIn(ctx, { username: 'race.user', password: `wrong ${i}`, ...from })),
    );
    expect(attempts.every((a) => a.status === 'rejected')).toBe(true);
    const messages = attempts.map((a) => ((a as PromiseRejectedResult).reason as Error).message);
    expect(messages.filter((m) => m.includes('locked'))).toHaveLength(1);
    await expect(signIn(ctx, { username: 'race.user', password: GOOD, ...from })).rejects.toThrow(
      /try again in 10 minutes/,
    );
    now += 10 * 60_000 + 1000;
    expect((await signIn(ctx, { username: 'race.user', password: GOOD, ...from })).user.id).toBe(id);
    const entries = await new AuditRepo(db).list({ action: 'account.lock', limit: 100 });
    expect(entries.filter((e) => e.target === id)).toHaveLength(1);
    expect(await new AuditRepo(db).verify()).toMatchObject({ brokenAt: null });
  });
});
