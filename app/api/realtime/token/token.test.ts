// Who may get a realtime token, and that a REST credential's session must be its user's own:
// real HTTP to the route handlers, real PostgreSQL.
import { encode } from 'next-auth/jwt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { env } from '@/lib/env';
import { createSession } from '@/lib/auth/sessions';
import { issueRealtimeToken } from '@/lib/auth/realtime-token';
import { bearerToken, createUser, sessionCookie } from '@/test/fixtures';
import { startRouteServer } from '@/test/route-server';

let server: Awaited<ReturnType<typeof startRouteServer>>;

beforeAll(async () => {
  server = await startRouteServer();
});
afterAll(() => server.close());

async function get(path: string, headers: Record<string, string>) {
  const response = await fetch(`${server.url}${path}`, { headers });
  return { status: response.status, body: await response.json() };
}

describe('GET /api/realtime/token', () => {
  it('issues a token for the sign-in cookie', async () => {
    const user = await createUser(db);
    const { cookie } = await sessionCookie(db, user.id);
    const res = await get('/api/realtime/token', { cookie });
    expect(res.status).toBe(200);
    expect(typeof res.body.data.token).toBe('string');
  });

  it('refuses a Bearer token (403 FORBIDDEN): a stolen token cannot renew itself', async () => {
    const user = await createUser(db);
    const { token } = await bearerToken(db, user.id);
    const res = await get('/api/realtime/token', { authorization: `Bearer ${token}` });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
    expect(res.body.data).toBeUndefined();
    // The token itself still works where Bearer is accepted.
    expect((await get('/api/chats', { authorization: `Bearer ${token}` })).status).toBe(200);
  });
});

describe("a credential naming another user's session", () => {
  it('is refused on REST for a Bearer token (401 UNAUTHENTICATED), as the socket refuses it', async () => {
    const [mallory, victim] = [await createUser(db), await createUser(db)];
    const victimsSession = await createSession(db, victim.id, 'vitest');
    const { token } = await issueRealtimeToken({ userId: mallory.id, sessionId: victimsSession.id });
    const res = await get('/api/chats', { authorization: `Bearer ${token}` });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('UNAUTHENTICATED');
  });

  it('is refused for a session cookie too', async () => {
    const [mallory, victim] = [await createUser(db), await createUser(db)];
    const victimsSession = await createSession(db, victim.id, 'vitest');
    const token = await encode({ token: { sub: mallory.id, sid: victimsSession.id }, secret: env.NEXTAUTH_SECRET });
    const res = await get('/api/chats', { cookie: `next-auth.session-token=${token}` });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('UNAUTHENTICATED');
  });
});
