// The REST API end to end: real HTTP to the route handlers, real auth, real PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storage } from '@/lib/attachments/storage';
import { db } from '@/lib/db';
import { issueRealtimeToken } from '@/lib/auth/realtime-token';
import { revokeSession } from '@/lib/auth/sessions';
import { MAX_CONTENT_LENGTH } from '@/lib/chat';
import { bearerToken, createChat, createUpload, createUser, sessionCookie } from '@/test/fixtures';
import { routeCaller, startRouteServer, type Answer } from '@/test/route-server';

let server: Awaited<ReturnType<typeof startRouteServer>>;
let base: string;
let world: Awaited<ReturnType<typeof createChat>>;
let guestAuth: Record<string, string>;
let ownerAuth: Record<string, string>;
let strangerAuth: Record<string, string>;

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

const call = routeCaller(() => base);

function upload(auth: Record<string, string>, bytes: Buffer, name: string, type: string) {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)], { type }), name);
  return call('POST', '/api/attachments', { headers: auth, body: form });
}

/** Everything a failed call must leave untouched. */
async function fingerprint() {
  const [row] = await db.$queryRaw<Array<Record<string, number>>>`
    SELECT (SELECT count(*) FROM messages)::int AS messages,
           (SELECT count(*) FROM messages WHERE read_at IS NOT NULL)::int AS read,
           (SELECT count(*) FROM chats)::int AS chats,
           (SELECT count(*) FROM files)::int AS files,
           (SELECT count(*) FROM files WHERE message_id IS NOT NULL)::int AS bound_files,
           (SELECT count(*) FROM users)::int AS users,
           (SELECT max(last_message_at) FROM chats)::text AS last_message_at`;
  return row;
}

beforeAll(async () => {
  server = await startRouteServer();
  base = server.url;
  world = await createChat(db);
  guestAuth = { cookie: (await sessionCookie(db, world.guest.id)).cookie };
  ownerAuth = { authorization: `Bearer ${(await bearerToken(db, world.owner.id)).token}` };
  strangerAuth = { cookie: (await sessionCookie(db, (await createUser(db)).id)).cookie };
});
afterAll(() => server.close());

describe('routes, happy paths', () => {
  it('sends over REST (201), lists it, pages it, and marks it read', async () => {
    const sent = await call('POST', `/api/chats/${world.chat.id}/messages`, {
      headers: guestAuth,
      json: { content: 'Is the pool heated?', clientMessageId: 'rest-1' },
    });
    expect(sent.status).toBe(201);
    expect(sent.body.data).toMatchObject({
      content: 'Is the pool heated?',
      senderId: world.guest.id,
      clientMessageId: 'rest-1',
    });

    const retry = await call('POST', `/api/chats/${world.chat.id}/messages`, {
      headers: guestAuth,
      json: { content: 'Is the pool heated?', clientMessageId: 'rest-1' },
    });
    expect(retry.status).toBe(200);
    expect(retry.body.data.id).toBe(sent.body.data.id);

    const chats = await call('GET', '/api/chats', { headers: ownerAuth });
    expect(chats.status).toBe(200);
    expect(chats.body.data).toHaveLength(1);
    expect(chats.body.data[0]).toMatchObject({
      id: world.chat.id,
      unreadCount: 1,
      lastMessage: { id: sent.body.data.id },
    });

    const history = await call('GET', `/api/chats/${world.chat.id}/messages?limit=10`, { headers: ownerAuth });
    expect(history.status).toBe(200);
    expect(history.body.data.messages.map((m: { id: string }) => m.id)).toEqual([sent.body.data.id]);
    expect(history.body.data.pagination).toMatchObject({ hasMore: false });

    const seedStyle = await call('GET', `/api/chats/${world.chat.id}/messages?page=1&limit=10`, { headers: ownerAuth });
    expect(seedStyle.body.data.pagination).toMatchObject({
      page: 1,
      limit: 10,
      total: 1,
      totalPages: 1,
      hasMore: false,
    });

    const read = await call('POST', `/api/chats/${world.chat.id}/read`, {
      headers: ownerAuth,
      json: { messageIds: [sent.body.data.id] },
    });
    expect(read.status).toBe(200);
    expect(read.body.data).toMatchObject({
      messageIds: [sent.body.data.id],
      chatUnreadCount: 0,
      readerId: world.owner.id,
    });
    expect((await db.message.findUniqueOrThrow({ where: { id: sent.body.data.id } })).readAt).not.toBeNull();
  });

  it('opens a chat about a property (201), then returns the same one (200)', async () => {
    const guest = await createUser(db);
    const auth = { cookie: (await sessionCookie(db, guest.id)).cookie };
    const first = await call('POST', '/api/chats', { headers: auth, json: { propertyId: world.property.id } });
    const second = await call('POST', '/api/chats', { headers: auth, json: { propertyId: world.property.id } });
    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    expect(second.body.data.id).toBe(first.body.data.id);
    expect(first.body.data.otherParty.id).toBe(world.owner.id);
  });

  it('issues a realtime token to a signed-in user', async () => {
    const res = await call('GET', '/api/realtime/token', { headers: guestAuth });
    expect(res.status).toBe(200);
    expect(res.body.data.user.id).toBe(world.guest.id);
    // The token works as a Bearer credential on the REST API too, as the seed's client uses it.
    const chats = await call('GET', '/api/chats', { headers: { authorization: `Bearer ${res.body.data.token}` } });
    expect(chats.status).toBe(200);
  });

  it('signs a guest up; a second sign-up with the same email is a CONFLICT', async () => {
    const json = { email: 'New.Guest@Example.test', name: 'New Guest', password: 'long-enough' };
    const res = await call('POST', '/api/auth/signup', { json });
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({ email: 'new.guest@example.test', role: 'GUEST' });
    expect(res.body.data.passwordHash).toBeUndefined();
    const again = await call('POST', '/api/auth/signup', { json });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('CONFLICT');
  });

  it('uploads an attachment, sends it, and serves it to members only, with safe headers', async () => {
    const up = await upload(guestAuth, PNG, 'pool.png', 'image/png');
    expect(up.status).toBe(201);
    expect(up.body.data).toMatchObject({ originalName: 'pool.png', mimeType: 'image/png', size: PNG.length });
    const fileUrl = up.body.data.url as string;

    // Before it is sent, only the uploader may read it.
    expect((await call('GET', fileUrl, { headers: ownerAuth })).status).toBe(404);
    const mine = await call('GET', fileUrl, { headers: guestAuth });
    expect(mine.status).toBe(200);
    expect(Buffer.from(mine.body)).toEqual(PNG);

    const sent = await call('POST', `/api/chats/${world.chat.id}/messages`, {
      headers: guestAuth,
      json: { content: '', attachments: [up.body.data.id] },
    });
    expect(sent.status).toBe(201);
    expect(sent.body.data.files).toEqual([expect.objectContaining({ id: up.body.data.id, url: fileUrl })]);

    const owners = await call('GET', fileUrl, { headers: ownerAuth });
    expect(owners.status).toBe(200);
    expect(owners.headers.get('content-type')).toBe('image/png');
    expect(owners.headers.get('x-content-type-options')).toBe('nosniff');
    expect(owners.headers.get('content-disposition')).toBe("inline; filename*=UTF-8''pool.png");
    expect((await call('GET', fileUrl, { headers: strangerAuth })).status).toBe(404);

    const pdf = await upload(guestAuth, PDF, 'contract.pdf', 'application/pdf');
    expect(pdf.status).toBe(201);
    const pdfGet = await call('GET', pdf.body.data.url, { headers: guestAuth });
    expect(pdfGet.headers.get('content-disposition')).toMatch(/^attachment;/);
  });

  it('answers the retry of a message with an attachment with the stored message (200), storing nothing new', async () => {
    const { guest, chat } = await createChat(db);
    const auth = { cookie: (await sessionCookie(db, guest.id)).cookie };
    const up = await upload(auth, PNG, 'retry.png', 'image/png');
    const json = { content: 'with a photo', attachments: [up.body.data.id], clientMessageId: 'rest-retry-1' };
    const first = await call('POST', `/api/chats/${chat.id}/messages`, { headers: auth, json });
    expect(first.status).toBe(201);
    const before = await fingerprint();

    const again = await call('POST', `/api/chats/${chat.id}/messages`, { headers: auth, json });
    expect(again.status).toBe(200);
    expect(again.body.data).toEqual(first.body.data);
    expect(again.body.data.files).toEqual([expect.objectContaining({ id: up.body.data.id })]);
    expect(await fingerprint()).toEqual(before);
  });

  it('stores markup exactly as typed and returns it as data, never rendered', async () => {
    const content = '<script>alert(1)</script><img src=x onerror=alert(2)>';
    const sent = await call('POST', `/api/chats/${world.chat.id}/messages`, { headers: guestAuth, json: { content } });
    expect(sent.status).toBe(201);
    expect(sent.headers.get('content-type')).toMatch(/^application\/json/);
    const history = await call('GET', `/api/chats/${world.chat.id}/messages`, { headers: ownerAuth });
    expect(history.body.data.messages.at(-1).content).toBe(content);
  });
});

describe('downloads', () => {
  it("serves a file under a name with its sniffed type's extension and no invisible or control characters", async () => {
    const user = await createUser(db);
    const auth = { cookie: (await sessionCookie(db, user.id)).cookie };
    const named: Array<[sent: string, bytes: Buffer, served: string]> = [
      ['photo.exe', PNG, 'photo.png'],
      ['invoice\u202Egnp.exe', PNG, 'invoicegnp.png'],
      ['\u2066re\u200Bport\u2069.PNG\uFEFF', PNG, 'report.PNG'],
      ['contract.png', PDF, 'contract.pdf'],
    ];
    for (const [sent, bytes, served] of named) {
      const up = await upload(auth, bytes, sent, 'image/png');
      expect(up.status).toBe(201);
      expect(up.body.data.originalName).toBe(served);
      const got = await call('GET', up.body.data.url, { headers: auth });
      expect(got.headers.get('content-disposition')).toMatch(
        new RegExp(`^(inline|attachment); filename\\*=UTF-8''${encodeURIComponent(served)}$`),
      );
      expect(got.headers.get('x-content-type-options')).toBe('nosniff');
    }

    // A file stored before names were cleaned at upload is served under a clean name as well.
    const legacy = await db.file.create({
      data: {
        uploaderId: user.id,
        originalName: 'old\u202Egnp\u0007.exe',
        mimeType: 'image/png',
        size: PNG.length,
        storageKey: await storage.put(PNG),
      },
    });
    const got = await call('GET', `/api/attachments/${legacy.id}`, { headers: auth });
    expect(got.status).toBe(200);
    expect(got.headers.get('content-disposition')).toBe("inline; filename*=UTF-8''oldgnp.png");
    expect(got.headers.get('content-type')).toBe('image/png');
    expect(got.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

describe('robustness', () => {
  it("ignores another app's cookie that is not valid percent-encoding", async () => {
    const res = await call('GET', '/api/chats', { headers: { cookie: `other_app=100%; ${guestAuth.cookie}` } });
    expect(res.status).toBe(200);
  });

  it('limits REST sends per user like the socket path (SEND_LIMIT per SEND_LIMIT_SECONDS)', async () => {
    const { guest, chat } = await createChat(db);
    const auth = { cookie: (await sessionCookie(db, guest.id)).cookie };
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) {
      statuses.push(
        (await call('POST', `/api/chats/${chat.id}/messages`, { headers: auth, json: { content: `flood ${i}` } }))
          .status,
      );
    }
    expect(statuses.slice(0, 30).every((s) => s === 201)).toBe(true);
    expect(statuses[30]).toBe(429);
    expect(await db.message.count({ where: { chatId: chat.id } })).toBe(30);
  });

  it('limits sign-ups per client address (each costs a password hash)', async () => {
    const from = { 'x-forwarded-for': '198.51.100.23' };
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) {
      const res = await call('POST', '/api/auth/signup', {
        headers: from,
        json: { email: `many${i}@example.test`, name: 'Many', password: 'long-enough' },
      });
      statuses.push(res.status);
      if (res.status === 429) expect(res.body.error.code).toBe('RATE_LIMITED');
    }
    expect(statuses.slice(0, 30).every((s) => s === 201)).toBe(true);
    expect(statuses[30]).toBe(429);
    expect(await db.user.count({ where: { email: 'many30@example.test' } })).toBe(0);
    // Another address is not affected.
    const other = await call('POST', '/api/auth/signup', {
      headers: { 'x-forwarded-for': '198.51.100.24' },
      json: { email: 'other-net@example.test', name: 'O', password: 'long-enough' },
    });
    expect(other.status).toBe(201);
  });
});

describe('search over REST', () => {
  it("finds a message of the user's own chats, and nothing for a stranger or SQL-ish text", async () => {
    await call('POST', `/api/chats/${world.chat.id}/messages`, {
      headers: guestAuth,
      json: { content: 'Where are the snorkels kept?' },
    });
    const found = await call('GET', '/api/search?q=SNORK', { headers: ownerAuth });
    expect(found.status).toBe(200);
    expect(found.body.data.messages).toEqual([
      expect.objectContaining({
        chatId: world.chat.id,
        snippet: { text: 'Where are the snorkels kept?', highlights: [[14, 19]] },
      }),
    ]);
    const stranger = await call('GET', '/api/search?q=snork', { headers: strangerAuth });
    expect(stranger.body.data).toEqual({ query: 'snork', chats: [], messages: [], nextCursor: null });
    const before = await fingerprint();
    const sqlish = await call('GET', `/api/search?q=${encodeURIComponent("snork' OR 1=1; DELETE FROM messages; --")}`, {
      headers: ownerAuth,
    });
    expect(sqlish.status).toBe(200);
    expect(sqlish.body.data.messages).toEqual([]);
    expect(await fingerprint()).toEqual(before);
  });
});

describe('bad input: each gets its coded error and the database is unchanged', () => {
  const chatPath = () => `/api/chats/${world.chat.id}`;
  type Case = [name: string, run: () => Promise<{ status: number; body: Answer }>, status: number, code: string];
  const cases: Case[] = [
    ['no credentials on GET /api/chats', () => call('GET', '/api/chats'), 401, 'UNAUTHENTICATED'],
    [
      'no credentials on send',
      () => call('POST', `${chatPath()}/messages`, { json: { content: 'x' } }),
      401,
      'UNAUTHENTICATED',
    ],
    [
      'forged bearer token',
      () =>
        call('GET', '/api/chats', { headers: { authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.forged' } }),
      401,
      'UNAUTHENTICATED',
    ],
    [
      'bearer token signed with another secret',
      async () => {
        const { token } = await issueRealtimeToken(
          { userId: world.guest.id, sessionId: 'cwhatever000000000000' },
          { secret: 'another-secret-of-enough-length' },
        );
        return call('GET', '/api/chats', { headers: { authorization: `Bearer ${token}` } });
      },
      401,
      'UNAUTHENTICATED',
    ],
    [
      'expired bearer token',
      async () => {
        const { sessionId } = await bearerToken(db, world.guest.id);
        const { token } = await issueRealtimeToken({ userId: world.guest.id, sessionId }, { ttlSeconds: -60 });
        return call('GET', '/api/chats', { headers: { authorization: `Bearer ${token}` } });
      },
      401,
      'UNAUTHENTICATED',
    ],
    [
      'malformed Authorization header',
      () => call('GET', '/api/chats', { headers: { authorization: 'Token abc' } }),
      401,
      'UNAUTHENTICATED',
    ],
    [
      'forged session cookie',
      () => call('GET', '/api/chats', { headers: { cookie: 'next-auth.session-token=not-a-jwe' } }),
      401,
      'UNAUTHENTICATED',
    ],
    [
      'revoked session',
      async () => {
        const { cookie, sessionId } = await sessionCookie(db, world.guest.id);
        await revokeSession(db, sessionId);
        return call('POST', `${chatPath()}/messages`, { headers: { cookie }, json: { content: 'after sign-out' } });
      },
      401,
      'UNAUTHENTICATED',
    ],
    [
      'send to a chat of other users',
      () => call('POST', `${chatPath()}/messages`, { headers: strangerAuth, json: { content: 'intrude' } }),
      404,
      'NOT_FOUND',
    ],
    [
      'history of a chat of other users',
      () => call('GET', `${chatPath()}/messages`, { headers: strangerAuth }),
      404,
      'NOT_FOUND',
    ],
    [
      'unknown chat',
      () => call('GET', '/api/chats/cnosuchchat000000000000/messages', { headers: guestAuth }),
      404,
      'NOT_FOUND',
    ],
    [
      'malformed chat id',
      () => call('GET', '/api/chats/NOT-AN-ID!/messages', { headers: guestAuth }),
      400,
      'VALIDATION',
    ],
    [
      'content missing',
      () => call('POST', `${chatPath()}/messages`, { headers: guestAuth, json: {} }),
      400,
      'VALIDATION',
    ],
    [
      'content of the wrong type',
      () => call('POST', `${chatPath()}/messages`, { headers: guestAuth, json: { content: 42 } }),
      400,
      'VALIDATION',
    ],
    [
      'content of nothing but zero-width and direction characters',
      () =>
        call('POST', `${chatPath()}/messages`, {
          headers: guestAuth,
          json: { content: ' \u200b\u200d\u202e\ufeff\u2066 ' },
        }),
      400,
      'VALIDATION',
    ],
    [
      'empty content without attachment',
      () => call('POST', `${chatPath()}/messages`, { headers: guestAuth, json: { content: '   ' } }),
      400,
      'VALIDATION',
    ],
    [
      'content with a NUL character',
      () => call('POST', `${chatPath()}/messages`, { headers: guestAuth, json: { content: 'a\u0000b' } }),
      400,
      'VALIDATION',
    ],
    [
      'content one character too long',
      () =>
        call('POST', `${chatPath()}/messages`, {
          headers: guestAuth,
          json: { content: 'x'.repeat(MAX_CONTENT_LENGTH + 1) },
        }),
      400,
      'VALIDATION',
    ],
    [
      '100 KB of content',
      () => call('POST', `${chatPath()}/messages`, { headers: guestAuth, json: { content: 'x'.repeat(100 * 1024) } }),
      413,
      'PAYLOAD_TOO_LARGE',
    ],
    [
      'body that is not JSON',
      () => call('POST', `${chatPath()}/messages`, { headers: guestAuth, json: '{"content": "x"' }),
      400,
      'VALIDATION',
    ],
    [
      'attachments not an array',
      () => call('POST', `${chatPath()}/messages`, { headers: guestAuth, json: { content: 'x', attachments: 'abc' } }),
      400,
      'VALIDATION',
    ],
    [
      "another user's file as attachment",
      async () => {
        const theirs = await createUpload(db, world.owner.id);
        const res = await call('POST', `${chatPath()}/messages`, {
          headers: guestAuth,
          json: { content: 'mine now', attachments: [theirs.id] },
        });
        await db.file.delete({ where: { id: theirs.id } }); // the fixture row itself is not part of what the call may change
        return res;
      },
      400,
      'VALIDATION',
    ],
    [
      'clientMessageId with spaces',
      () =>
        call('POST', `${chatPath()}/messages`, {
          headers: guestAuth,
          json: { content: 'x', clientMessageId: 'has space' },
        }),
      400,
      'VALIDATION',
    ],
    [
      'propertyId of another property',
      () =>
        call('POST', `${chatPath()}/messages`, {
          headers: guestAuth,
          json: { content: 'x', propertyId: 'cotherproperty0000000' },
        }),
      400,
      'VALIDATION',
    ],
    ['limit=0', () => call('GET', `${chatPath()}/messages?limit=0`, { headers: guestAuth }), 400, 'VALIDATION'],
    ['limit=10000', () => call('GET', `${chatPath()}/messages?limit=10000`, { headers: guestAuth }), 400, 'VALIDATION'],
    ['limit=abc', () => call('GET', `${chatPath()}/messages?limit=abc`, { headers: guestAuth }), 400, 'VALIDATION'],
    [
      'malformed before cursor',
      () => call('GET', `${chatPath()}/messages?before=%27%3B%20DROP%20TABLE`, { headers: guestAuth }),
      400,
      'VALIDATION',
    ],
    [
      'a send as text/plain (what a cross-site form or no-cors fetch can send)',
      () =>
        call('POST', `${chatPath()}/messages`, {
          headers: { ...guestAuth, 'content-type': 'text/plain' },
          body: JSON.stringify({ content: 'forged' }),
        }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    [
      'a read receipt as text/plain',
      () =>
        call('POST', `${chatPath()}/read`, {
          headers: { ...guestAuth, 'content-type': 'text/plain' },
          body: JSON.stringify({ upToMessageId: 'cmessageelsewhere0000' }),
        }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    [
      'before cursor in year 0 (PostgreSQL has no year 0: it answered 500)',
      () => call('GET', `${chatPath()}/messages?before=0000-01-01T00:00:00Z`, { headers: guestAuth }),
      400,
      'VALIDATION',
    ],
    [
      'after cursor naming a message of another chat',
      () => call('GET', `${chatPath()}/messages?after=cmessageelsewhere0000`, { headers: guestAuth }),
      400,
      'VALIDATION',
    ],
    [
      'before and after together',
      () =>
        call('GET', `${chatPath()}/messages?before=2026-01-01T00:00:00Z&after=2025-01-01T00:00:00Z`, {
          headers: guestAuth,
        }),
      400,
      'VALIDATION',
    ],
    [
      'mark read with neither ids nor upTo',
      () => call('POST', `${chatPath()}/read`, { headers: ownerAuth, json: {} }),
      400,
      'VALIDATION',
    ],
    [
      'mark read of own message',
      async () => {
        const mine = await db.message.findFirstOrThrow({ where: { chatId: world.chat.id, senderId: world.guest.id } });
        return call('POST', `${chatPath()}/read`, { headers: guestAuth, json: { messageIds: [mine.id] } });
      },
      403,
      'FORBIDDEN',
    ],
    [
      'open chat on unknown property',
      () => call('POST', '/api/chats', { headers: guestAuth, json: { propertyId: 'cnosuchproperty000000' } }),
      404,
      'NOT_FOUND',
    ],
    [
      'owner opens chat on own property',
      () => call('POST', '/api/chats', { headers: ownerAuth, json: { propertyId: world.property.id } }),
      403,
      'FORBIDDEN',
    ],
    [
      'upload of a text file named .png',
      () => upload(guestAuth, Buffer.from('just text, not an image'), 'fake.png', 'image/png'),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    [
      'upload of an HTML file',
      () => upload(guestAuth, Buffer.from('<html><script>alert(1)</script></html>'), 'x.html', 'text/html'),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    [
      'upload over the size limit',
      () => upload(guestAuth, Buffer.concat([PNG, Buffer.alloc(11 * 1024 * 1024)]), 'big.png', 'image/png'),
      413,
      'PAYLOAD_TOO_LARGE',
    ],
    [
      'upload without a file field',
      () => call('POST', '/api/attachments', { headers: guestAuth, body: new FormData() }),
      400,
      'VALIDATION',
    ],
    ['upload without credentials', () => upload({}, PNG, 'a.png', 'image/png'), 401, 'UNAUTHENTICATED'],
    ['search without credentials', () => call('GET', '/api/search?q=pool'), 401, 'UNAUTHENTICATED'],
    ['search without a query', () => call('GET', '/api/search', { headers: guestAuth }), 400, 'VALIDATION'],
    ['search for an empty string', () => call('GET', '/api/search?q=', { headers: guestAuth }), 400, 'VALIDATION'],
    [
      'search for 2,000 characters',
      () => call('GET', `/api/search?q=${'a'.repeat(2_000)}`, { headers: guestAuth }),
      400,
      'VALIDATION',
    ],
    ['realtime token without credentials', () => call('GET', '/api/realtime/token'), 401, 'UNAUTHENTICATED'],
    [
      'sign-up with a short password',
      () => call('POST', '/api/auth/signup', { json: { email: 'a@b.test', name: 'A', password: 'short' } }),
      400,
      'VALIDATION',
    ],
    [
      'sign-up with a bad email',
      () => call('POST', '/api/auth/signup', { json: { email: 'nope', name: 'A', password: 'long-enough' } }),
      400,
      'VALIDATION',
    ],
    [
      'chunked JSON body over the limit, no Content-Length',
      async () => {
        const big = new TextEncoder().encode(JSON.stringify({ content: 'x'.repeat(200 * 1024) }));
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            for (let i = 0; i < big.length; i += 16 * 1024) controller.enqueue(big.slice(i, i + 16 * 1024));
            controller.close();
          },
        });
        const response = await fetch(`${base}${chatPath()}/messages`, {
          method: 'POST',
          headers: { ...guestAuth, 'content-type': 'application/json' },
          body,
          duplex: 'half',
        } as RequestInit);
        return { status: response.status, body: await response.json() };
      },
      413,
      'PAYLOAD_TOO_LARGE',
    ],
  ];

  it('has at least 30 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  it.each(cases)('%s → %i %s', async (_name, run, status, code) => {
    const before = await fingerprint();
    const res = await run();
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(typeof res.body.error.message).toBe('string');
    expect(JSON.stringify(res.body)).not.toMatch(/prisma|SELECT|postgres|stack/i);
    expect(await fingerprint()).toEqual(before);
  });
});
