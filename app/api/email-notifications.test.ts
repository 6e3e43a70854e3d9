// Email settings and the one-click unsubscribe over REST, end to end: real HTTP to the route
// handlers, real auth, real PostgreSQL. The setting is the user's own; the unsubscribe needs no
// sign-in but a token signed for that user, and a forged one changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { env } from '@/lib/env';
import { unsubscribeToken } from '@/lib/notifications/unsubscribe-token';
import { createUser, sessionCookie } from '@/test/fixtures';
import { routeCaller, startRouteServer } from '@/test/route-server';

let server: Awaited<ReturnType<typeof startRouteServer>>;
let base: string;
const call = routeCaller(() => base);

beforeAll(async () => {
  server = await startRouteServer();
  base = server.url;
});
afterAll(() => server.close());

const settingOf = async (userId: string) =>
  (await db.user.findUniqueOrThrow({ where: { id: userId } })).emailNotifications;

describe('email settings', () => {
  it('reads and changes the user’s own setting; bad values and strangers are refused', async () => {
    const user = await createUser(db);
    const auth = { cookie: (await sessionCookie(db, user.id)).cookie };
    expect((await call('GET', '/api/account/notifications', { headers: auth })).body.data).toEqual({
      emailNotifications: 'on',
    });
    const changed = await call('PATCH', '/api/account/notifications', {
      headers: auth,
      json: { emailNotifications: 'hide_text' },
    });
    expect(changed.body.data).toEqual({ emailNotifications: 'hide_text' });
    expect(await settingOf(user.id)).toBe('hide_text');

    const bad = await call('PATCH', '/api/account/notifications', {
      headers: auth,
      json: { emailNotifications: 'daily' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'VALIDATION', details: [{ path: ['emailNotifications'] }] });
    const anonymous = await call('PATCH', '/api/account/notifications', { json: { emailNotifications: 'off' } });
    expect(anonymous.status).toBe(401);
    expect(await settingOf(user.id)).toBe('hide_text');
  });
});

describe('one-click unsubscribe', () => {
  it('turns the emails off without signing in, with the signed token', async () => {
    const user = await createUser(db);
    const token = encodeURIComponent(unsubscribeToken(user.id, env.NEXTAUTH_SECRET));
    // As a mail client does it (RFC 8058): a form POST with no cookie.
    const res = await call('POST', `/api/email/unsubscribe?token=${token}`, {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(res.status).toBe(200);
    expect(await settingOf(user.id)).toBe('off');
  });

  it('refuses a forged, another user’s or a missing token, and changes nothing', async () => {
    const victim = await createUser(db);
    const attacker = await createUser(db);
    const [, attackerSignature] = unsubscribeToken(attacker.id, env.NEXTAUTH_SECRET).split('.');
    const forged = [
      `${Buffer.from(victim.id).toString('base64url')}.${attackerSignature}`,
      unsubscribeToken(victim.id, 'not-the-server-secret-at-all'),
      `${unsubscribeToken(victim.id, env.NEXTAUTH_SECRET)}tampered`,
    ];
    for (const token of forged) {
      const res = await call('POST', `/api/email/unsubscribe?token=${encodeURIComponent(token)}`);
      expect(res.status, token).toBe(403);
      expect(res.body.error.code).toBe('FORBIDDEN');
    }
    const missing = await call('POST', '/api/email/unsubscribe');
    expect(missing.status).toBe(400);
    expect(missing.body.error.code).toBe('VALIDATION');
    expect(await settingOf(victim.id)).toBe('on');
    expect(await settingOf(attacker.id)).toBe('on');
  });
});
