// The check server-rendered pages (the inbox layout and pages, via lib/auth/page-session.ts)
// make of the session cookie, against the real database: the cookie alone outlives a revoked
// or expired session, the Session row does not.
import { encode } from 'next-auth/jwt';
import { describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { env } from '@/lib/env';
import { createSession, revokeAllSessions, revokeSession } from '@/lib/auth/sessions';
import { createUser, sessionCookie } from '@/test/fixtures';
import { userOfSessionCookie } from './authenticate';

describe('userOfSessionCookie (what the inbox renders for)', () => {
  it('is the user for a live session, with the name from the database', async () => {
    const user = await createUser(db, 'GUEST', 'Gina Live');
    const { cookie, sessionId } = await sessionCookie(db, user.id);
    expect(await userOfSessionCookie(`other=1; ${cookie}`)).toMatchObject({
      id: user.id,
      name: 'Gina Live',
      role: 'GUEST',
      sessionId,
    });
  });

  it('is null once the session is revoked (signed out)', async () => {
    const user = await createUser(db);
    const { cookie, sessionId } = await sessionCookie(db, user.id);
    await revokeSession(db, sessionId);
    expect(await userOfSessionCookie(cookie)).toBeNull();
  });

  it('is null after "sign out everywhere"', async () => {
    const user = await createUser(db);
    const { cookie } = await sessionCookie(db, user.id);
    await revokeAllSessions(db, user.id);
    expect(await userOfSessionCookie(cookie)).toBeNull();
  });

  it('is null once the session row has expired, though the cookie has not', async () => {
    const user = await createUser(db);
    const { cookie, sessionId } = await sessionCookie(db, user.id);
    await db.session.update({ where: { id: sessionId }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await userOfSessionCookie(cookie)).toBeNull();
  });

  it("is null for a cookie naming another user's session", async () => {
    const [mallory, victim] = [await createUser(db), await createUser(db)];
    const session = await createSession(db, victim.id, 'vitest');
    const token = await encode({ token: { sub: mallory.id, sid: session.id }, secret: env.NEXTAUTH_SECRET });
    expect(await userOfSessionCookie(`next-auth.session-token=${token}`)).toBeNull();
  });

  it('is null without a cookie or with a forged one', async () => {
    expect(await userOfSessionCookie(null)).toBeNull();
    expect(await userOfSessionCookie('next-auth.session-token=not-a-jwe')).toBeNull();
  });
});
