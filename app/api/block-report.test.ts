// Block and report over REST, end to end: real HTTP to the route handlers (PUT/DELETE
// /api/chats/:chatId/block, POST /api/reports, GET /api/admin/reports, POST
// /api/admin/reports/:id/resolve), real auth, real PostgreSQL. The happy paths, then bad input:
// each gets its coded error (with details[0].path for a field) and leaves the database unchanged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { sendMessage } from '@/lib/chat/send-messages';
import { createChat, createUser, sessionCookie } from '@/test/fixtures';
import { routeCaller, startRouteServer } from '@/test/route-server';

let server: Awaited<ReturnType<typeof startRouteServer>>;
let base: string;
const call = routeCaller(() => base);

let world: Awaited<ReturnType<typeof createChat>>;
let guestAuth: Record<string, string>;
let ownerAuth: Record<string, string>;
let strangerAuth: Record<string, string>;
let adminAuth: Record<string, string>;
let strangerId: string;

/** Everything a refused call must leave untouched. */
async function fingerprint() {
  const [row] = await db.$queryRaw<Array<Record<string, unknown>>>`
    SELECT (SELECT count(*) FROM messages)::int AS messages,
           (SELECT md5(string_agg(id || ':' || coalesce(blocked_by_guest_at::text, '-') || ':' ||
                                  coalesce(blocked_by_owner_at::text, '-'), ',' ORDER BY id)) FROM chats) AS blocks,
           (SELECT md5(string_agg(id || ':' || status || ':' || coalesce(resolution_note, '-'), ',' ORDER BY id))
              FROM message_reports) AS reports,
           (SELECT count(*) FROM message_reports)::int AS report_count,
           (SELECT count(*) FROM audit_logs)::int AS audit`;
  return row;
}

beforeAll(async () => {
  server = await startRouteServer();
  base = server.url;
  world = await createChat(db);
  guestAuth = { cookie: (await sessionCookie(db, world.guest.id)).cookie };
  ownerAuth = { cookie: (await sessionCookie(db, world.owner.id)).cookie };
  const stranger = await createUser(db);
  strangerId = stranger.id;
  strangerAuth = { cookie: (await sessionCookie(db, stranger.id)).cookie };
  adminAuth = { cookie: (await sessionCookie(db, (await createUser(db, 'ADMIN')).id)).cookie };
});
afterAll(() => server.close());

describe('block over REST', () => {
  it('blocks: the blocked guest is refused BLOCKED (403); unblocking restores', async () => {
    const path = `/api/chats/${world.chat.id}/block`;
    const blocked = await call('PUT', path, { headers: ownerAuth, json: { userId: world.guest.id } });
    expect(blocked).toMatchObject({ status: 200, body: { data: { blockedUserIds: [world.guest.id] } } });

    const refused = await call('POST', `/api/chats/${world.chat.id}/messages`, {
      headers: guestAuth,
      json: { content: 'hello?' },
    });
    expect(refused).toMatchObject({ status: 403, body: { error: { code: 'BLOCKED' } } });
    // History stays readable.
    expect((await call('GET', `/api/chats/${world.chat.id}/messages`, { headers: guestAuth })).status).toBe(200);
    const listed = await call('GET', '/api/chats', { headers: guestAuth });
    expect(listed.body.data.find((c: { id: string }) => c.id === world.chat.id).blockedUserIds).toEqual([
      world.guest.id,
    ]);

    const unblocked = await call('DELETE', path, { headers: ownerAuth });
    expect(unblocked).toMatchObject({ status: 200, body: { data: { blockedUserIds: [] } } });
    const sent = await call('POST', `/api/chats/${world.chat.id}/messages`, {
      headers: guestAuth,
      json: { content: 'hello again' },
    });
    expect(sent.status).toBe(201);
  });

  it('refuses blocking oneself, a non-member, a chat one is not in, and unauthenticated calls; nothing changes', async () => {
    const path = `/api/chats/${world.chat.id}/block`;
    const before = await fingerprint();
    const self = await call('PUT', path, { headers: guestAuth, json: { userId: world.guest.id } });
    expect(self).toMatchObject({
      status: 400,
      body: { error: { code: 'VALIDATION', details: [{ path: ['userId'] }] } },
    });
    const nonMember = await call('PUT', path, { headers: guestAuth, json: { userId: strangerId } });
    expect(nonMember).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
    const outsider = await call('PUT', path, { headers: strangerAuth, json: {} });
    expect(outsider).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
    const badId = await call('PUT', path, { headers: guestAuth, json: { userId: 'NOT AN ID' } });
    expect(badId).toMatchObject({
      status: 400,
      body: { error: { code: 'VALIDATION', details: [{ path: ['userId'] }] } },
    });
    expect((await call('PUT', path, { json: {} })).status).toBe(401);
    expect(await fingerprint()).toEqual(before);
  });
});

describe('reports over REST', () => {
  it('files a report (201), an admin lists it with the snapshot and resolves it', async () => {
    const message = await sendMessage(db, world.owner.id, { chatId: world.chat.id, content: 'pay me off-site' });
    const filed = await call('POST', '/api/reports', {
      headers: guestAuth,
      json: { chatId: world.chat.id, messageId: message.message.id, reason: 'scam', note: 'asked for a wire' },
    });
    expect(filed).toMatchObject({ status: 201, body: { data: { status: 'open' } } });
    const id = filed.body.data.id as string;

    const open = await call('GET', '/api/admin/reports?status=open', { headers: adminAuth });
    expect(open.status).toBe(200);
    expect(open.body.data.find((r: { id: string }) => r.id === id)).toMatchObject({
      reason: 'scam',
      note: 'asked for a wire',
      contentSnapshot: 'pay me off-site',
      reportedUser: { id: world.owner.id },
      reporter: { id: world.guest.id },
    });
    const resolved = await call('POST', `/api/admin/reports/${id}/resolve`, {
      headers: adminAuth,
      json: { note: 'host warned' },
    });
    expect(resolved).toMatchObject({
      status: 200,
      body: { data: { status: 'resolved', resolutionNote: 'host warned' } },
    });
    const after = await call('GET', '/api/admin/reports', { headers: adminAuth });
    expect(after.body.data.map((r: { id: string }) => r.id)).not.toContain(id);
  });

  it('refuses bad reports and non-admins with coded errors; nothing changes', async () => {
    const elsewhere = await createChat(db);
    const foreign = await sendMessage(db, elsewhere.owner.id, { chatId: elsewhere.chat.id, content: 'elsewhere' });
    const pending = await call('POST', '/api/reports', {
      headers: ownerAuth,
      json: { chatId: world.chat.id, reason: 'harassment' },
    });
    expect(pending.status).toBe(201);
    const before = await fingerprint();

    const unknownReason = await call('POST', '/api/reports', {
      headers: guestAuth,
      json: { chatId: world.chat.id, reason: 'boring' },
    });
    expect(unknownReason).toMatchObject({
      status: 400,
      body: { error: { code: 'VALIDATION', details: [{ path: ['reason'] }] } },
    });
    const longNote = await call('POST', '/api/reports', {
      headers: guestAuth,
      json: { chatId: world.chat.id, reason: 'other', note: 'x'.repeat(1001) },
    });
    expect(longNote).toMatchObject({
      status: 400,
      body: { error: { code: 'VALIDATION', details: [{ path: ['note'] }] } },
    });
    const otherChat = await call('POST', '/api/reports', {
      headers: guestAuth,
      json: { chatId: world.chat.id, messageId: foreign.message.id, reason: 'spam' },
    });
    expect(otherChat).toMatchObject({
      status: 400,
      body: { error: { code: 'VALIDATION', details: [{ path: ['messageId'] }] } },
    });
    const notMine = await call('POST', '/api/reports', {
      headers: strangerAuth,
      json: { chatId: world.chat.id, reason: 'spam' },
    });
    expect(notMine).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });

    for (const auth of [guestAuth, ownerAuth]) {
      const list = await call('GET', '/api/admin/reports', { headers: auth });
      expect(list).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
      const resolve = await call('POST', `/api/admin/reports/${pending.body.data.id}/resolve`, {
        headers: auth,
        json: {},
      });
      expect(resolve).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
    }
    const missing = await call('POST', '/api/admin/reports/doesnotexist1/resolve', { headers: adminAuth, json: {} });
    expect(missing).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
    const badStatus = await call('GET', '/api/admin/reports?status=everything', { headers: adminAuth });
    expect(badStatus).toMatchObject({
      status: 400,
      body: { error: { code: 'VALIDATION', details: [{ path: ['status'] }] } },
    });
    expect(await fingerprint()).toEqual(before);
  });
});
