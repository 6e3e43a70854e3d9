// Edit and unsend over REST, end to end: real HTTP to the route handlers (PATCH and DELETE
// /api/chats/:chatId/messages/:messageId), real auth, real PostgreSQL, real attachment storage,
// and a realtime node over the same database that delivers REST changes to connected sockets live.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storage } from '@/lib/attachments/storage';
import { db } from '@/lib/db';
import { sendMessage } from '@/lib/chat';
import { bearerToken, createChat, createUser, sessionCookie } from '@/test/fixtures';
import { routeCaller, startRouteServer, type Answer } from '@/test/route-server';
import { connect, Recorder, startServer, type Client } from '@/realtime/test-support';
import type { RealtimeServer } from '@/realtime/server';

let server: Awaited<ReturnType<typeof startRouteServer>>;
let base: string;
let realtime: RealtimeServer;
const sockets: Client[] = [];

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

const call = routeCaller(() => base);

/** Everything a refused change must leave untouched. */
async function fingerprint() {
  const [row] = await db.$queryRaw<Array<Record<string, unknown>>>`
    SELECT (SELECT count(*) FROM messages)::int AS messages,
           (SELECT md5(string_agg(id || ':' || content, ',' ORDER BY id)) FROM messages) AS contents,
           (SELECT count(*) FROM messages WHERE edited_at IS NOT NULL)::int AS edited,
           (SELECT count(*) FROM messages WHERE unsent_at IS NOT NULL)::int AS unsent,
           (SELECT count(*) FROM message_edits)::int AS edits,
           (SELECT count(*) FROM files)::int AS files,
           (SELECT coalesce(sum(change_seq), 0)::text FROM chats) AS change_seq,
           (SELECT coalesce(sum(guest_unread_count + owner_unread_count), 0)::int FROM chats) AS unread`;
  return row;
}

/** A chat, with credentials for both members (a cookie for the guest, a bearer token for the owner). */
async function world() {
  const w = await createChat(db);
  return {
    ...w,
    guestAuth: { cookie: (await sessionCookie(db, w.guest.id)).cookie },
    ownerAuth: { authorization: `Bearer ${(await bearerToken(db, w.owner.id)).token}` },
  };
}

const messagePath = (chatId: string, messageId: string) => `/api/chats/${chatId}/messages/${messageId}`;

async function age(messageId: string, interval: string) {
  await db.$executeRaw`UPDATE messages SET created_at = now() - ${interval}::interval WHERE id = ${messageId}`;
}

beforeAll(async () => {
  server = await startRouteServer();
  base = server.url;
  realtime = await startServer({ rateLimits: { sendPoints: 10_000 } });
  await realtime.chatEventsReady();
});

afterAll(async () => {
  for (const s of sockets) s.close();
  await realtime?.close();
  await server?.close();
});

describe('PATCH /api/chats/:chatId/messages/:messageId', () => {
  it('edits one’s own message (200 with the message and changed), then answers a repeat with changed: false', async () => {
    const w = await world();
    const sent = await call('POST', `/api/chats/${w.chat.id}/messages`, {
      headers: w.guestAuth,
      json: { content: 'Is the pool heatd?' },
    });
    expect(sent.status).toBe(201);
    const path = messagePath(w.chat.id, sent.body.data.id);

    const edited = await call('PATCH', path, { headers: w.guestAuth, json: { content: 'Is the pool heated?' } });
    expect(edited.status).toBe(200);
    expect(edited.body).toEqual({ data: { message: expect.any(Object), changed: true } });
    expect(edited.body.data.message).toMatchObject({
      id: sent.body.data.id,
      chatId: w.chat.id,
      senderId: w.guest.id,
      content: 'Is the pool heated?',
      unsentAt: null,
    });
    expect(Number.isNaN(Date.parse(edited.body.data.message.editedAt))).toBe(false);

    const row = await db.message.findUniqueOrThrow({ where: { id: sent.body.data.id }, include: { edits: true } });
    expect(row.content).toBe('Is the pool heated?');
    expect(row.editedAt?.toISOString()).toBe(edited.body.data.message.editedAt);
    expect(row.edits.map((e) => e.content)).toEqual(['Is the pool heatd?']);

    const before = await fingerprint();
    const again = await call('PATCH', path, { headers: w.guestAuth, json: { content: 'Is the pool heated?' } });
    expect(again.status).toBe(200);
    expect(again.body.data).toEqual({ message: edited.body.data.message, changed: false });
    expect(await fingerprint()).toEqual(before);

    // The other member reads the new text in the history.
    const history = await call('GET', `/api/chats/${w.chat.id}/messages`, { headers: w.ownerAuth });
    expect(history.body.data.messages).toEqual([edited.body.data.message]);
  });

  it('answers 400 VALIDATION for empty, blank or invisible text, a missing field or a bad id, changing nothing', async () => {
    const w = await world();
    const sent = await sendMessage(db, w.guest.id, { chatId: w.chat.id, content: 'original' });
    const path = messagePath(w.chat.id, sent.message.id);
    const before = await fingerprint();
    for (const json of [{ content: '' }, { content: '   ' }, { content: ' \u200b\u200d\ufeff ' }, {}, { content: 7 }]) {
      const res = await call('PATCH', path, { headers: w.guestAuth, json });
      expect(res.status, JSON.stringify(json)).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION');
    }
    const badId = await call('PATCH', messagePath(w.chat.id, 'NOT-AN-ID'), {
      headers: w.guestAuth,
      json: { content: 'x' },
    });
    expect(badId.status).toBe(400);
    expect(badId.body.error.code).toBe('VALIDATION');
    expect(await fingerprint()).toEqual(before);
    expect((await db.message.findUniqueOrThrow({ where: { id: sent.message.id } })).content).toBe('original');
  });
});

describe('DELETE /api/chats/:chatId/messages/:messageId', () => {
  it('unsends one’s own message: emptied, its attachment gone (404), the badge and inbox corrected', async () => {
    const w = await world();
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(PNG)], { type: 'image/png' }), 'pool.png');
    const up = await call('POST', '/api/attachments', { headers: w.guestAuth, body: form });
    expect(up.status).toBe(201);
    const sent = await call('POST', `/api/chats/${w.chat.id}/messages`, {
      headers: w.guestAuth,
      json: { content: 'wrong photo', attachments: [up.body.data.id] },
    });
    expect(sent.status).toBe(201);
    const fileUrl = up.body.data.url as string;
    expect((await call('GET', fileUrl, { headers: w.ownerAuth })).status).toBe(200);
    const { storageKey } = await db.file.findUniqueOrThrow({ where: { id: up.body.data.id } });
    const inbox = await call('GET', '/api/chats', { headers: w.ownerAuth });
    expect(inbox.body.data[0]).toMatchObject({ unreadCount: 1, lastMessage: { attachmentCount: 1, unsent: false } });

    const res = await call('DELETE', messagePath(w.chat.id, sent.body.data.id), { headers: w.guestAuth });
    expect(res.status).toBe(200);
    expect(res.body.data.changed).toBe(true);
    expect(res.body.data.message).toMatchObject({ id: sent.body.data.id, content: '', files: [] });
    expect(Number.isNaN(Date.parse(res.body.data.message.unsentAt))).toBe(false);

    for (const auth of [w.ownerAuth, w.guestAuth]) {
      const got = await call('GET', fileUrl, { headers: auth });
      expect(got.status).toBe(404);
      expect(got.body.error.code).toBe('NOT_FOUND');
    }
    expect(await db.file.count({ where: { id: up.body.data.id } })).toBe(0);
    await expect(storage.get(storageKey!)).rejects.toThrow();
    const row = await db.message.findUniqueOrThrow({ where: { id: sent.body.data.id } });
    expect(row).toMatchObject({ content: '' });
    expect(row.unsentAt).not.toBeNull();

    const after = await call('GET', '/api/chats', { headers: w.ownerAuth });
    expect(after.body.data[0]).toMatchObject({
      id: w.chat.id,
      unreadCount: 0,
      lastMessage: { id: sent.body.data.id, content: '', attachmentCount: 0, unsent: true },
    });

    const before = await fingerprint();
    const again = await call('DELETE', messagePath(w.chat.id, sent.body.data.id), { headers: w.guestAuth });
    expect(again.status).toBe(200);
    expect(again.body.data).toEqual({ message: res.body.data.message, changed: false });
    expect(await fingerprint()).toEqual(before);
  });
});

describe('refusals leave everything as it was', () => {
  it('answers 404 to a stranger and 403 FORBIDDEN to the other member, for edit and unsend', async () => {
    const w = await world();
    const stranger = await createUser(db);
    const strangerAuth = { cookie: (await sessionCookie(db, stranger.id)).cookie };
    const sent = await sendMessage(db, w.guest.id, { chatId: w.chat.id, content: 'private words' });
    const path = messagePath(w.chat.id, sent.message.id);
    const before = await fingerprint();

    const cases: Array<[Record<string, string>, number, string]> = [
      [strangerAuth, 404, 'NOT_FOUND'],
      [w.ownerAuth, 403, 'FORBIDDEN'],
    ];
    for (const [headers, status, code] of cases) {
      const edit = await call('PATCH', path, { headers, json: { content: 'tampered' } });
      const unsend = await call('DELETE', path, { headers });
      for (const res of [edit, unsend]) {
        expect(res.status).toBe(status);
        expect(res.body.error.code).toBe(code);
        expect(JSON.stringify(res.body)).not.toContain('private words');
      }
    }
    const anonymous = await call('PATCH', path, { json: { content: 'who?' } });
    expect(anonymous.status).toBe(401);
    expect(await fingerprint()).toEqual(before);
    expect((await db.message.findUniqueOrThrow({ where: { id: sent.message.id } })).content).toBe('private words');
  });

  it('answers 403 WINDOW_CLOSED once the edit or unsend window is over', async () => {
    const w = await world();
    const sent = await sendMessage(db, w.guest.id, { chatId: w.chat.id, content: 'sent a while ago' });
    const path = messagePath(w.chat.id, sent.message.id);

    await age(sent.message.id, '16 minutes');
    let before = await fingerprint();
    const edit = await call('PATCH', path, { headers: w.guestAuth, json: { content: 'too late' } });
    expect(edit.status).toBe(403);
    expect(edit.body.error.code).toBe('WINDOW_CLOSED');
    expect(await fingerprint()).toEqual(before);

    await age(sent.message.id, '25 hours');
    before = await fingerprint();
    const unsend = await call('DELETE', path, { headers: w.guestAuth });
    expect(unsend.status).toBe(403);
    expect(unsend.body.error.code).toBe('WINDOW_CLOSED');
    expect(await fingerprint()).toEqual(before);
    const row = await db.message.findUniqueOrThrow({ where: { id: sent.message.id } });
    expect(row).toMatchObject({ content: 'sent a while ago', editedAt: null, unsentAt: null });
  });
  it('answers 409 ARCHIVED for a message moved to the archive', async () => {
    const w = await world();
    const sent = await sendMessage(db, w.guest.id, { chatId: w.chat.id, content: 'history now' });
    await db.$transaction([
      db.$executeRaw`
        INSERT INTO archived_messages (id, chat_id, sender_id, recipient_id, property_id, content, client_message_id,
                                       created_at, read_at, edited_at, unsent_at, change_seq)
        SELECT id, chat_id, sender_id, recipient_id, property_id, content, client_message_id,
               created_at, read_at, edited_at, unsent_at, change_seq
        FROM messages WHERE id = ${sent.message.id}`,
      db.$executeRaw`DELETE FROM messages WHERE id = ${sent.message.id}`,
    ]);
    const path = messagePath(w.chat.id, sent.message.id);
    const before = await fingerprint();
    for (const res of [
      await call('PATCH', path, { headers: w.guestAuth, json: { content: 'rewrite history' } }),
      await call('DELETE', path, { headers: w.guestAuth }),
    ]) {
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('ARCHIVED');
    }
    expect(await fingerprint()).toEqual(before);
    const [archived] = await db.$queryRaw<Array<{ content: string }>>`
      SELECT content FROM archived_messages WHERE id = ${sent.message.id}`;
    expect(archived).toEqual({ content: 'history now' });
  });
});

describe('GET /api/chats/:chatId/messages?changedAfter=', () => {
  it('lists the messages changed after a history page’s changeCursor', async () => {
    const w = await world();
    const a = await sendMessage(db, w.guest.id, { chatId: w.chat.id, content: 'a' });
    const b = await sendMessage(db, w.guest.id, { chatId: w.chat.id, content: 'b' });
    await sendMessage(db, w.guest.id, { chatId: w.chat.id, content: 'c' });
    const page = await call('GET', `/api/chats/${w.chat.id}/messages?limit=10`, { headers: w.ownerAuth });
    expect(page.status).toBe(200);
    const cursor = page.body.data.changeCursor as string;
    expect(cursor).toBe('0');

    expect(
      (await call('PATCH', messagePath(w.chat.id, a.message.id), { headers: w.guestAuth, json: { content: 'A' } }))
        .status,
    ).toBe(200);
    expect((await call('DELETE', messagePath(w.chat.id, b.message.id), { headers: w.guestAuth })).status).toBe(200);

    const changes = await call('GET', `/api/chats/${w.chat.id}/messages?changedAfter=${cursor}`, {
      headers: w.ownerAuth,
    });
    expect(changes.status).toBe(200);
    expect(changes.body.data).toMatchObject({ changeCursor: '2', hasMore: false });
    expect(changes.body.data.messages.map((m: Answer) => [m.id, m.content, m.unsentAt !== null])).toEqual([
      [a.message.id, 'A', false],
      [b.message.id, '', true],
    ]);
    const none = await call('GET', `/api/chats/${w.chat.id}/messages?changedAfter=2`, { headers: w.guestAuth });
    expect(none.body.data).toEqual({ messages: [], changeCursor: '2', hasMore: false });

    const bad = await call('GET', `/api/chats/${w.chat.id}/messages?changedAfter=soon`, { headers: w.ownerAuth });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION');
    const stranger = await createUser(db);
    const strangers = await call('GET', `/api/chats/${w.chat.id}/messages?changedAfter=0`, {
      headers: { cookie: (await sessionCookie(db, stranger.id)).cookie },
    });
    expect(strangers.status).toBe(404);
  });
});

describe('REST changes reach connected sockets live', () => {
  it('delivers message_updated to the other member (with counts after an unsend) and to the sender’s tab (without)', async () => {
    const w = await world();
    const ownerSocket = await connect(realtime.url, (await bearerToken(db, w.owner.id)).token);
    const guestSocket = await connect(realtime.url, (await bearerToken(db, w.guest.id)).token);
    sockets.push(ownerSocket, guestSocket);
    const [owner$, guest$] = [new Recorder(ownerSocket), new Recorder(guestSocket)];
    await sendMessage(db, w.guest.id, { chatId: w.chat.id, content: 'first, stays unread' });
    const sent = await sendMessage(db, w.guest.id, { chatId: w.chat.id, content: 'typo hre' });
    const path = messagePath(w.chat.id, sent.message.id);

    const edited = await call('PATCH', path, { headers: w.guestAuth, json: { content: 'typo here' } });
    expect(edited.status).toBe(200);
    const toOwner = await owner$.waitFor('message_updated', (p) => p.message.content === 'typo here');
    // An edit never changes the counts and carries none; the unsend below does.
    expect(toOwner).toEqual({ chatId: w.chat.id, message: edited.body.data.message });
    const toGuest = await guest$.waitFor('message_updated', (p) => p.message.content === 'typo here');
    expect(toGuest).toEqual({ chatId: w.chat.id, message: edited.body.data.message });

    const unsent = await call('DELETE', path, { headers: w.guestAuth });
    expect(unsent.status).toBe(200);
    expect(await owner$.waitFor('message_updated', (p) => p.message.unsentAt !== null)).toEqual({
      chatId: w.chat.id,
      message: unsent.body.data.message,
      unreadCount: 1,
      chatUnreadCount: 1,
    });
    await guest$.waitFor('message_updated', (p) => p.message.unsentAt !== null);

    // A repeat changes nothing and tells no one; a REST barrier proves the socket is up to date.
    expect((await call('DELETE', path, { headers: w.guestAuth })).body.data.changed).toBe(false);
    const barrier = await call('POST', `/api/chats/${w.chat.id}/messages`, {
      headers: w.guestAuth,
      json: { content: 'barrier' },
    });
    await owner$.waitFor('message_notification', (n) => n.message.id === barrier.body.data.id);
    await guest$.waitFor('new_message', (m) => m.id === barrier.body.data.id);
    for (const r of [owner$, guest$]) expect(r.of('message_updated')).toHaveLength(2);
  });
});
