// Signing in on the page in chromium: a first password then its forced change, TOTP, a lockout message,
// the force's identity provider (a real oidc-provider) with roles and scope from its claims, the admin's
// token panel, and sign-out. Screenshots to artifacts/web.
import jsqrModule from 'jsqr';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../src/accounts/totp.js';
import { CHROMIUM, hasChromium, launchBrowser, screenshot, type TestBrowser } from './helpers/browser.js';
import { startTestNode, type TestNode } from './helpers/node.js';
import { testIdp, type TestIdp } from './helpers/oidc.js';
import { SessionClient } from './helpers/session-client.js';

const title = hasChromium
  ? 'sign-in on the page in chromium'
  : `sign-in on the page: SKIPPED, no browser at ${CHROMIUM}`;
const GOOD = 'tide lantern 47 orchard';
// jsqr is CommonJS with `exports.default`: the default import is the function or the module, by loader.
type Reader = typeof jsqrModule.default;
const jsQR: Reader = (jsqrModule as unknown as { default?: Reader }).default ?? (jsqrModule as unknown as Reader);

/** What a phone camera would read from a PNG screenshot of a QR code. */
async function readQr(png: Buffer): Promise<string | null> {
  const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return jsQR(new Uint8ClampedArray(data.buffer, data.byteOffset, data.length), info.width, info.height)?.data ?? null;
}

describe.skipIf(!hasChromium)(title, () => {
  let t: TestNode;
  let idp: TestIdp;
  let browser: TestBrowser;
  let admin: string;

  beforeAll(async () => {
    idp = await testIdp({
      'li.na': { name: 'Li Na', groups: ['vigil-operators', 'district-futian'] },
      'zhao.lei': { name: 'Zhao Lei', groups: ['canteen'] },
    });
    t = await startTestNode(
      'accounts-web',
      `
server: { host: 127.0.0.1, port: 0 }
cameras:
  - { id: cam-a, name: A, source: "rtsp://127.0.0.1:1/none", kind: street, lat: 22.5, lon: 114.0, district: futian, enabled: false }
recording: { enabled: false }
accounts:
  scrypt: { N: 16384 }
  lockout: { maxFailures: 2, lockMinutes: 5 }
  oidc:
    issuer: ${idp.issuer}
    clientId: vigil
    label: Police ID
    scopes: [openid, profile, groups]
    allowHttp: true
    roleMap: { vigil-operators: operator }
    scopeMap: { district-futian: { districts: [futian] } }
`,
    );
    await idp.start(`${t.url}/api/v1/session/oidc/callback`);
    admin = await t.token('admin');
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
    await idp?.stop();
  });

  const create = async (username: string, roles: string[]) => {
    const made = await t.api('/users', admin, {
      method: 'POST',
      body: JSON.stringify({ username, displayName: username, roles }),
    });
    expect(made.status).toBe(201);
    return made.body.oneTimePassword as string;
  };

  it('a first password, its forced change, the console, a reload that stays signed in, sign-out', async () => {
    const otp = await create('chen.operator', ['operator']);
    const { page, errors } = await browser.newPage();
    await page.goto(t.url);
    await page.waitForSelector('body[data-signin="ready"]');
    await page.fill('#username', 'chen.operator');
    await page.fill('#password', otp);
    await page.click('#signin button[type=submit]');
    await page.waitForSelector('#password-form');
    await screenshot(page, 'signin-first-password');
    expect(await page.inputValue('#pw-current')).toBe(otp);
    await page.fill('#pw-new', GOOD);
    await page.fill('#pw-again', GOOD);
    await page.click('#password-form button[type=submit]');
    await page.waitForSelector('body[data-state="ready"]');
    expect(await page.textContent('#who')).toMatch(/operator|值班/i);
    // The session cookie is HttpOnly: the page's script never sees it (only the CSRF token).
    const cookies = await page.evaluate(() => document.cookie);
    expect(cookies).toMatch(/vigil_csrf=/);
    expect(cookies).not.toMatch(/vigil_session/);
    await page.reload();
    await page.waitForSelector('body[data-state="ready"]');
    await page.click('#signout');
    await page.waitForSelector('body[data-signin="ready"]');
    await page.waitForSelector('#username:visible');
    expect((await page.context().cookies()).some((c) => c.name === 'vigil_session')).toBe(false);
    expect(errors).toEqual([]);
  });

  it('TOTP: the code field appears after the password, then the code signs in', async () => {
    const otp = await create('sun.totp', ['operator']);
    const api = new SessionClient(t.url);
    await api.signIn('sun.totp', otp);
    await api.request('POST', '/session/password', { currentPassword: otp, newPassword: GOOD });
    const { secret } = (await api.request('POST', '/session/totp')).body as { secret: string };
    await api.request('POST', '/session/totp/confirm', { code: totpCode(secret) });

    const { page } = await browser.newPage();
    await page.goto(t.url);
    await page.waitForSelector('body[data-signin="ready"]');
    await page.fill('#username', 'sun.totp');
    await page.fill('#password', GOOD);
    await page.click('#signin button[type=submit]');
    await page.waitForSelector('#totp:visible');
    expect(await page.textContent('#error')).toMatch(/6-digit code/);
    await page.fill('#totp', totpCode(secret, Date.now() + 30_000));
    await page.click('#signin button[type=submit]');
    await page.waitForSelector('body[data-state="ready"]');
    await screenshot(page, 'signin-totp-ready');
  });

  it('TOTP enrolment on the page shows a QR code that reads back as the otpauth URI, and its code turns TOTP on', async () => {
    const otp = await create('qr.totp', ['operator']);
    const api = new SessionClient(t.url);
    await api.signIn('qr.totp', otp);
    await api.request('POST', '/session/password', { currentPassword: otp, newPassword: GOOD });
    const { page, errors } = await browser.newPage();
    await page.goto(t.url);
    await page.waitForSelector('body[data-signin="ready"]');
    await page.fill('#username', 'qr.totp');
    await page.fill('#password', GOOD);
    await page.click('#signin button[type=submit]');
    await page.waitForSelector('body[data-state="ready"]');
    await page.click('#account-btn');
    await page.click('#totp-on');
    const qr = await page.waitForSelector('#totp-qr');
    await page.waitForFunction(() => (document.querySelector('#totp-qr') as HTMLImageElement | null)?.complete);
    const uri = await page.getAttribute('#totp-form a', 'href');
    expect(uri).toMatch(/^otpauth:\/\/totp\/.*secret=/);
    expect(await readQr(await qr.screenshot())).toBe(uri);
    await screenshot(page, 'totp-enrol-qr');
    const secret = (await page.textContent('#totp-secret'))!.trim();
    await page.fill('#totp-confirm', totpCode(secret));
    await page.click('#totp-form button[type=submit]');
    await expect
      .poll(async () => (await api.request('GET', '/session')).body.totpEnabled, { timeout: 10_000 })
      .toBe(true);
    expect(errors).toEqual([]);
  });

  it('lockout: the page says the account is locked and when to try again', async () => {
    await create('lock.web', ['operator']);
    const { page } = await browser.newPage();
    await page.goto(t.url);
    await page.waitForSelector('body[data-signin="ready"]');
    for (const attempt of ['wrong-one', 'wrong-two']) {
      await page.fill('#username', 'lock.web');
      await page.fill('#password', attempt);
      await page.click('#signin button[type=submit]');
      await page.waitForFunction(
        (n) => document.querySelector('#error')?.textContent?.includes(n),
        attempt === 'wrong-one' ? 'wrong username' : 'locked',
      );
    }
    expect(await page.textContent('#error')).toMatch(/locked after repeated failed sign-ins: try again in 5 minutes/);
    await screenshot(page, 'signin-locked');
  });

  it('the identity provider: roles and scope from its claims; a user it grants no role is refused', async () => {
    const { page } = await browser.newPage();
    await page.goto(t.url);
    await page.waitForSelector('#sso:visible');
    expect(await page.textContent('#sso')).toBe('Police ID');
    await page.click('#sso');
    await page.waitForSelector('input[name=login]');
    await page.fill('input[name=login]', 'li.na');
    await page.fill('input[name=password]', 'anything');
    await page.click('button[type=submit]');
    await page.waitForSelector('button:has-text("Continue")');
    await page.click('button:has-text("Continue")');
    await page.waitForSelector('body[data-state="ready"]');
    const who = await page.evaluate(() => fetch('/api/v1/session').then((r) => r.json()));
    expect(who).toMatchObject({
      name: 'li.na',
      displayName: 'Li Na',
      via: 'session',
      roles: ['operator'],
      scope: { districts: ['futian'], cameras: [] },
    });
    await screenshot(page, 'signin-oidc-ready');

    // Signing out ends the provider's session too (RP-initiated logout), then the provider sends the page back.
    await page.click('#signout');
    await page.waitForURL((u) => u.href.startsWith(idp.issuer));
    expect(page.url()).toMatch(/id_token_hint=/);
    await page.click('button:has-text("Yes, sign me out")');
    await page.waitForURL(`${t.url}/`);
    await page.waitForSelector('body[data-signin="ready"]');
    expect((await page.context().cookies()).some((c) => c.name === 'vigil_session')).toBe(false);
    // The provider asks for the login again: its session is gone, not just Vigil's.
    await page.click('#sso');
    await page.waitForSelector('input[name=login]');
    const signins = (await t.api('/admin/audit?action=signin&limit=1000', admin)).body.entries as {
      actor: string;
      details: { method: string };
    }[];
    expect(signins.some((e) => e.actor === 'li.na' && e.details.method === 'oidc')).toBe(true);

    const other = await browser.newPage();
    await other.page.goto(t.url);
    await other.page.waitForSelector('#sso:visible');
    await other.page.click('#sso');
    await other.page.fill('input[name=login]', 'zhao.lei');
    await other.page.fill('input[name=password]', 'anything');
    await other.page.click('button[type=submit]');
    await other.page.click('button:has-text("Continue")');
    await other.page.waitForFunction(() => document.querySelector('#error')?.textContent?.includes('no Vigil role'));
    expect(other.page.url()).toBe(`${t.url}/`);
  });

  it("an admin makes and revokes a device token on the page's admin panel", async () => {
    const otp = await create('admin.web', ['admin']);
    const api = new SessionClient(t.url);
    await api.signIn('admin.web', otp);
    await api.request('POST', '/session/password', { currentPassword: otp, newPassword: GOOD });
    const { page } = await browser.newPage();
    await page.goto(t.url);
    await page.waitForSelector('body[data-signin="ready"]');
    await page.fill('#username', 'admin.web');
    await page.fill('#password', GOOD);
    await page.click('#signin button[type=submit]');
    await page.waitForSelector('body[data-state="ready"]');
    await page.click('#account-btn');
    await page.waitForSelector('#token-create');
    await page.fill('#token-name', 'checkpoint tablet A');
    await page.selectOption('#token-role', 'checkpoint');
    await page.fill('#token-subject', 'cam-a');
    await page.click('#token-create button[type=submit]');
    const secret = (await (await page.waitForSelector('#admin-secret code.one-time')).textContent())!.split(': ')[1];
    expect((await t.api('/session', secret)).body).toMatchObject({
      via: 'token',
      role: 'checkpoint',
      subject: 'cam-a',
    });
    await screenshot(page, 'admin-tokens');
    await page.click('#admin-tokens li:has-text("checkpoint tablet A") button');
    await page.waitForFunction(
      () => !document.querySelector('#admin-tokens')?.textContent?.includes('checkpoint tablet A'),
    );
    expect((await t.api('/session', secret)).status).toBe(401);
  });
});
