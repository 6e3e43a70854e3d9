// Attachments named by URL over REST, end to end: real HTTP to the route handlers, real
// PostgreSQL, real storage, and a real local HTTP server standing in for the third-party host
// (let through ATTACHMENT_FETCH_ALLOW, set before lib/env is read). A send stores the URL; the
// first GET /api/attachments/:id fetches it through the uploads' checks and serves it from here;
// a failure is REMOTE_FETCH_REFUSED (502), remembered for REMOTE_FETCH_RETRY_MINUTES.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { REMOTE_FETCH_RETRY_MINUTES } from '@/lib/attachments/attachments';
import { MAX_ATTACHMENTS } from '@/lib/chat';
import { db } from '@/lib/db';
import { env } from '@/lib/env';
import { createChat, createUser, sessionCookie } from '@/test/fixtures';
import { PNG } from '@/test/file-server';
import { routeCaller, startRouteServer } from '@/test/route-server';

const remote = await vi.hoisted(async () => {
  const { startFileServer } = await import('../../test/file-server');
  const server = await startFileServer();
  process.env.ATTACHMENT_FETCH_ALLOW = server.hostPort;
  return server;
});

let server: Awaited<ReturnType<typeof startRouteServer>>;
let base: string;
const call = routeCaller(() => base);
const uploadDir = path.resolve(env.UPLOAD_DIR);

beforeAll(async () => {
  server = await startRouteServer();
  base = server.url;
});
afterAll(async () => {
  await server?.close();
  await remote.close();
});

/** A chat with a cookie for each member, and one for a user outside it. */
async function world() {
  const w = await createChat(db);
  const stranger = await createUser(db);
  return {
    ...w,
    guestAuth: { cookie: (await sessionCookie(db, w.guest.id)).cookie },
    ownerAuth: { cookie: (await sessionCookie(db, w.owner.id)).cookie },
    strangerAuth: { cookie: (await sessionCookie(db, stranger.id)).cookie },
  };
}

let paths = 0;
/** A fresh path on the remote server, so hit counts are the test's own. */
const fresh = (name: string) => `/${++paths}/${name}`;

/** The guest sends a message with these attachments; returns its file ids (201 expected). */
async function send(w: Awaited<ReturnType<typeof world>>, attachments: unknown[]): Promise<string[]> {
  const sent = await call('POST', `/api/chats/${w.chat.id}/messages`, {
    headers: w.guestAuth,
    json: { content: 'see attached', attachments },
  });
  expect(sent.status).toBe(201);
  return (sent.body.data.files as Array<{ id: string }>).map((f) => f.id);
}

const get = (fileId: string, auth: Record<string, string>) =>
  call('GET', `/api/attachments/${fileId}`, { headers: auth });

const counts = async () => ({ messages: await db.message.count(), files: await db.file.count() });

describe('POST /api/chats/:chatId/messages with { url, type } attachments', () => {
  it('stores the URL with the message and answers it in the wire shape', async () => {
    const w = await world();
    const url = `${remote.origin}${fresh('dock.png')}`;
    const sent = await call('POST', `/api/chats/${w.chat.id}/messages`, {
      headers: w.guestAuth,
      json: { content: 'the dock', attachments: [{ url, type: 'image' }] },
    });
    expect(sent.status).toBe(201);
    const [file] = sent.body.data.files;
    expect(file).toEqual({
      id: expect.stringMatching(/^[a-f0-9]{32}$/),
      originalName: 'dock.png',
      mimeType: 'image',
      size: 0,
      sourceUrl: url,
      url: `/api/attachments/${file.id}`,
    });
    expect(await db.file.findUniqueOrThrow({ where: { id: file.id } })).toMatchObject({
      messageId: sent.body.data.id,
      uploaderId: w.guest.id,
      storageKey: null,
      sourceUrl: url,
    });
    // Nothing is fetched at send.
    expect(remote.hits(new URL(url).pathname)).toBe(0);
    const history = await call('GET', `/api/chats/${w.chat.id}/messages`, { headers: w.ownerAuth });
    expect(history.body.data.messages.at(-1).files).toEqual([file]);
  });

  it.each([
    'javascript:alert(1)',
    'http://127.0.0.1/x.png',
    'file:///etc/passwd',
    'https://10.0.0.1/x.png',
    'https://169.254.169.254/',
  ])('refuses %s with VALIDATION at attachments.<i>.url, storing nothing', async (url) => {
    const w = await world();
    const before = await counts();
    const answer = await call('POST', `/api/chats/${w.chat.id}/messages`, {
      headers: w.guestAuth,
      json: {
        content: 'look',
        attachments: [
          { url: 'https://example.com/ok.png', type: 'image' },
          { url, type: 'image' },
        ],
      },
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({
      code: 'VALIDATION',
      details: [{ path: ['attachments', 1, 'url'], message: expect.any(String) }],
    });
    expect(await counts()).toEqual(before);
  });

  it('refuses more than MAX_ATTACHMENTS items, ids and URLs together, and malformed items, storing nothing', async () => {
    const w = await world();
    const before = await counts();
    const item = { url: 'https://example.com/x.png', type: 'image' };
    for (const attachments of [
      Array.from({ length: MAX_ATTACHMENTS + 1 }, () => item),
      [...Array.from({ length: MAX_ATTACHMENTS }, () => item), 'cabcdefgh0123'],
      [{ url: 'https://example.com/x.png' }],
      [{ url: 'https://example.com/x.png', type: '' }],
      [{ url: 'https://example.com/x.png', type: 'x'.repeat(101) }],
      [{ url: `https://example.com/${'x'.repeat(2048)}`, type: 'image' }],
    ]) {
      const answer = await call('POST', `/api/chats/${w.chat.id}/messages`, {
        headers: w.guestAuth,
        json: { content: 'many', attachments },
      });
      expect(answer.status).toBe(400);
      expect(answer.body.error.code).toBe('VALIDATION');
    }
    expect(await counts()).toEqual(before);
  });
});

describe('GET /api/attachments/:id of a file named by URL', () => {
  it('fetches it on the first read and serves the exact bytes from here; once; members only', async () => {
    const w = await world();
    const at = fresh('dock.png');
    remote.file(at, PNG, 'image/png');
    const [id] = await send(w, [{ url: `${remote.origin}${at}`, type: 'image' }]);

    // Someone outside the chat learns nothing, and makes the app fetch nothing.
    const stranger = await get(id!, w.strangerAuth);
    expect(stranger.status).toBe(404);
    expect(stranger.body.error.code).toBe('NOT_FOUND');
    expect(remote.hits(at)).toBe(0);

    const first = await get(id!, w.ownerAuth);
    expect(first.status).toBe(200);
    expect(Buffer.from(first.body as ArrayBuffer).equals(PNG)).toBe(true);
    expect(first.headers.get('content-type')).toBe('image/png');
    expect(first.headers.get('x-content-type-options')).toBe('nosniff');
    expect(first.headers.get('content-disposition')).toBe("inline; filename*=UTF-8''dock.png");
    expect(first.headers.get('content-security-policy')).toContain('sandbox');

    const row = await db.file.findUniqueOrThrow({ where: { id: id! } });
    expect(row).toMatchObject({
      mimeType: 'image/png',
      size: PNG.length,
      originalName: 'dock.png',
      fetchFailedAt: null,
    });
    expect((await readFile(path.join(uploadDir, row.storageKey!))).equals(PNG)).toBe(true);

    const again = await get(id!, w.guestAuth);
    expect(again.status).toBe(200);
    expect(Buffer.from(again.body as ArrayBuffer).equals(PNG)).toBe(true);
    expect(remote.hits(at)).toBe(1);
    expect((await get(id!, w.strangerAuth)).status).toBe(404);
  });

  it('fetches once for concurrent first reads', async () => {
    const w = await world();
    const at = fresh('slow.png');
    remote.handle(at, (_request, response) => {
      response.writeHead(200, { 'content-type': 'image/png' });
      setTimeout(() => response.end(PNG), 300);
    });
    const [id] = await send(w, [{ url: `${remote.origin}${at}`, type: 'image' }]);
    const answers = await Promise.all([get(id!, w.ownerAuth), get(id!, w.ownerAuth), get(id!, w.guestAuth)]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    for (const a of answers) expect(Buffer.from(a.body as ArrayBuffer).equals(PNG)).toBe(true);
    expect(remote.hits(at)).toBe(1);
  });

  it('names the file with the extension of its bytes', async () => {
    const w = await world();
    const at = fresh('picture');
    remote.file(at, PNG, 'application/octet-stream');
    const [id] = await send(w, [{ url: `${remote.origin}${at}`, type: 'image/jpeg' }]);
    const got = await get(id!, w.ownerAuth);
    expect(got.headers.get('content-type')).toBe('image/png');
    expect(got.headers.get('content-disposition')).toBe("inline; filename*=UTF-8''picture.png");
  });

  it('refuses HTML served as cabin.jpg (REMOTE_FETCH_REFUSED, not served), remembers it, and tries again after the window', async () => {
    const w = await world();
    const at = fresh('cabin.jpg');
    remote.file(at, `<html><script>alert(document.cookie)</script>${'x'.repeat(5000)}</html>`, 'image/jpeg');
    const [id] = await send(w, [{ url: `${remote.origin}${at}`, type: 'image' }]);
    const before = await db.file.count({ where: { storageKey: { not: null } } });

    const first = await get(id!, w.ownerAuth);
    expect(first.status).toBe(502);
    expect(first.body.error).toMatchObject({ code: 'REMOTE_FETCH_REFUSED', details: { reason: 'type' } });
    const failed = await db.file.findUniqueOrThrow({ where: { id: id! } });
    expect(failed).toMatchObject({ storageKey: null, mimeType: 'image', size: 0 });
    expect(failed.fetchFailedAt).not.toBeNull();
    expect(await db.file.count({ where: { storageKey: { not: null } } })).toBe(before);

    // Within the window: the same refusal at once, without asking the server again.
    const second = await get(id!, w.guestAuth);
    expect(second.status).toBe(502);
    expect(second.body.error).toMatchObject({ code: 'REMOTE_FETCH_REFUSED', details: { reason: 'failed-recently' } });
    const retryAfter = Number(second.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(REMOTE_FETCH_RETRY_MINUTES * 60);
    expect(remote.hits(at)).toBe(1);

    // After it, the next read tries again: the server now has the real picture.
    await db.$executeRaw`
      UPDATE files SET fetch_failed_at = now() - ${REMOTE_FETCH_RETRY_MINUTES + 1} * interval '1 minute' WHERE id = ${id}`;
    remote.file(at, PNG, 'image/png');
    const later = await get(id!, w.ownerAuth);
    expect(later.status).toBe(200);
    expect(Buffer.from(later.body as ArrayBuffer).equals(PNG)).toBe(true);
    expect(remote.hits(at)).toBe(2);
    expect(await db.file.findUniqueOrThrow({ where: { id: id! } })).toMatchObject({
      fetchFailedAt: null,
      mimeType: 'image/png',
      originalName: 'cabin.png',
    });
  });

  it('refuses a body over UPLOAD_MAX_BYTES, streamed without Content-Length, and keeps none of it', async () => {
    const w = await world();
    const at = fresh('huge.png');
    remote.handle(at, (_request, response) => {
      response.writeHead(200, { 'content-type': 'image/png' });
      response.write(PNG);
      const chunk = randomBytes(1024 * 1024);
      let sent = PNG.length;
      const more = () => {
        while (sent <= env.UPLOAD_MAX_BYTES) {
          sent += chunk.length;
          if (!response.write(chunk)) return void response.once('drain', more);
        }
        response.end();
      };
      more();
    });
    const [id] = await send(w, [{ url: `${remote.origin}${at}`, type: 'image' }]);
    const got = await get(id!, w.ownerAuth);
    expect(got.status).toBe(502);
    expect(got.body.error).toMatchObject({ code: 'REMOTE_FETCH_REFUSED', details: { reason: 'too-large' } });
    expect((await db.file.findUniqueOrThrow({ where: { id: id! } })).storageKey).toBeNull();
  });

  it.each([
    ['an answer other than 2xx', (at: string) => at, 'status'],
    ['an empty body', (at: string) => (remote.file(at, '', 'image/png'), at), 'empty'],
  ])('refuses %s', async (_what, prepare, reason) => {
    const w = await world();
    const at = prepare(fresh('photo.png'));
    const [id] = await send(w, [{ url: `${remote.origin}${at}`, type: 'image' }]);
    const got = await get(id!, w.ownerAuth);
    expect(got.status).toBe(502);
    expect(got.body.error).toMatchObject({ code: 'REMOTE_FETCH_REFUSED', details: { reason } });
  });

  it('accepts https://localhost/x.png at send (a name), and refuses it at read: it resolves to a local address', async () => {
    const w = await world();
    const [id] = await send(w, [{ url: 'https://localhost/x.png', type: 'image' }]);
    const got = await get(id!, w.ownerAuth);
    expect(got.status).toBe(502);
    expect(got.body.error).toMatchObject({ code: 'REMOTE_FETCH_REFUSED', details: { reason: 'address' } });
    expect((await db.file.findUniqueOrThrow({ where: { id: id! } })).fetchFailedAt).not.toBeNull();
  });

  it('refuses a redirect from the allowed server to a private address it does not allow', async () => {
    const w = await world();
    const at = fresh('moved.png');
    remote.handle(at, (_request, response) =>
      response.writeHead(302, { location: 'http://127.0.0.1/internal/admin.png' }).end(),
    );
    const [id] = await send(w, [{ url: `${remote.origin}${at}`, type: 'image' }]);
    const got = await get(id!, w.ownerAuth);
    expect(got.status).toBe(502);
    expect(got.body.error).toMatchObject({ code: 'REMOTE_FETCH_REFUSED', details: { reason: 'address' } });
    expect(remote.hits(at)).toBe(1);
  });
});

describe('unsending a message with files named by URL', () => {
  it('deletes the rows, and the bytes of the one that was fetched', async () => {
    const w = await world();
    const at = fresh('fetched.png');
    remote.file(at, PNG, 'image/png');
    const sent = await call('POST', `/api/chats/${w.chat.id}/messages`, {
      headers: w.guestAuth,
      json: {
        content: 'two',
        attachments: [
          { url: `${remote.origin}${at}`, type: 'image' },
          { url: `${remote.origin}${fresh('never.png')}`, type: 'image' },
        ],
      },
    });
    const [fetched, never] = sent.body.data.files as Array<{ id: string }>;
    expect((await get(fetched!.id, w.ownerAuth)).status).toBe(200);
    const { storageKey } = await db.file.findUniqueOrThrow({ where: { id: fetched!.id } });
    expect((await readFile(path.join(uploadDir, storageKey!))).equals(PNG)).toBe(true);

    const unsent = await call('DELETE', `/api/chats/${w.chat.id}/messages/${sent.body.data.id}`, {
      headers: w.guestAuth,
    });
    expect(unsent.status).toBe(200);
    expect(unsent.body.data.message.files).toEqual([]);
    expect(await db.file.count({ where: { id: { in: [fetched!.id, never!.id] } } })).toBe(0);
    await expect(readFile(path.join(uploadDir, storageKey!))).rejects.toThrow(/ENOENT/);
    expect((await get(fetched!.id, w.ownerAuth)).status).toBe(404);
  });
});
