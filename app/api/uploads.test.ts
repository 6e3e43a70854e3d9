// Uploads over real HTTP (test/route-server.ts streams request bodies as Next.js does), real
// PostgreSQL and real files under this file's UPLOAD_DIR: refused uploads leave nothing behind and
// are answered while the client is still sending; uploads in flight per user and unsent uploads
// per user are bounded.
import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { INCOMING_DIR } from '@/lib/attachments/storage';
import { db } from '@/lib/db';
import { env } from '@/lib/env';
import { createChat, createUpload, createUser, sessionCookie } from '@/test/fixtures';
import { startRouteServer } from '@/test/route-server';

let server: Awaited<ReturnType<typeof startRouteServer>>;
let base: string;
const uploadDir = path.resolve(env.UPLOAD_DIR);

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
/** A PNG of `size` bytes: a real one, then filler (still sniffed as image/png). */
const pngOf = (size: number) => Buffer.concat([PNG, randomBytes(size - PNG.length)]);

// A JSON answer, inspected field by field.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Answer = { status: number; body: any };

beforeAll(async () => {
  server = await startRouteServer();
  base = server.url;
});
afterAll(() => server.close());

const held: Array<{ abandon(): void }> = [];
afterEach(() => held.splice(0).forEach((u) => u.abandon()));

async function userAuth() {
  const user = await createUser(db);
  return { user, auth: { cookie: (await sessionCookie(db, user.id)).cookie } };
}

async function upload(auth: Record<string, string>, bytes: Buffer, name = 'photo.png'): Promise<Answer> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)], { type: 'image/png' }), name);
  const response = await fetch(`${base}/api/attachments`, { method: 'POST', headers: auth, body: form });
  return { status: response.status, body: await response.json() };
}

/**
 * An upload whose multipart body the test sends piece by piece (chunked, no Content-Length):
 * `send` pushes file bytes, `end` finishes the body, `abandon` drops the connection.
 */
function streamingUpload(auth: Record<string, string>, filename = 'photo.png', type = 'image/png') {
  const boundary = `----stayeasy-${randomBytes(8).toString('hex')}`;
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) });
  controller.enqueue(
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\n` +
        `Content-Type: ${type}\r\n\r\n`,
    ),
  );
  let open = true;
  const upload = {
    response: fetch(`${base}/api/attachments`, {
      method: 'POST',
      headers: { ...auth, 'content-type': `multipart/form-data; boundary=${boundary}` },
      body,
      duplex: 'half',
    } as RequestInit).then(async (r): Promise<Answer> => ({ status: r.status, body: await r.json() })),
    send: (bytes: Uint8Array) => controller.enqueue(bytes),
    end() {
      controller.enqueue(Buffer.from(`\r\n--${boundary}--\r\n`));
      controller.close();
      open = false;
    },
    abandon() {
      if (open) controller.error(new Error('abandoned by the test'));
      open = false;
    },
  };
  held.push(upload);
  return upload;
}

/** Every file under UPLOAD_DIR, temporary ones included. */
async function filesOnDisk(): Promise<string[]> {
  const entries = await readdir(uploadDir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(uploadDir, path.join(e.parentPath, e.name)))
    .sort();
}

const partFiles = async () => (await filesOnDisk()).filter((f) => f.startsWith(`${INCOMING_DIR}/`));

/** The promise's value, or a failure naming what did not happen within `ms`. */
function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms)),
  ]);
}

async function eventually(check: () => Promise<boolean>, what: string) {
  for (let i = 0; i < 500; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`never: ${what}`);
}

describe('refused uploads', () => {
  it('a file over UPLOAD_MAX_BYTES is refused 413 at the first byte over, while the client still sends; nothing stays', async () => {
    const { user, auth } = await userAuth();
    const before = await filesOnDisk();
    const up = streamingUpload(auth);
    up.send(pngOf(env.UPLOAD_MAX_BYTES));
    up.send(Buffer.from('!')); // one byte over; the body stays open

    const answer = await within(10_000, 'the refusal of an oversized upload', up.response);
    expect(answer.status).toBe(413);
    expect(answer.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(await db.file.count({ where: { uploaderId: user.id } })).toBe(0);
    expect(await filesOnDisk()).toEqual(before);
  });

  it('a file whose first bytes are not an allowed type is refused 415 before the rest is sent; nothing stays', async () => {
    const { user, auth } = await userAuth();
    const before = await filesOnDisk();
    const up = streamingUpload(auth, 'page.png', 'image/png');
    up.send(Buffer.from(`<html><script>alert(1)</script>${'x'.repeat(16 * 1024)}`));

    const answer = await within(10_000, 'the refusal of an HTML upload', up.response);
    expect(answer.status).toBe(415);
    expect(answer.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(await db.file.count({ where: { uploaderId: user.id } })).toBe(0);
    expect(await filesOnDisk()).toEqual(before);
  });
});

describe('uploads in flight per user', () => {
  it(`refuses the 4th concurrent upload of a user (RATE_LIMITED) and stores the 3 others byte for byte`, async () => {
    expect(env.UPLOAD_CONCURRENCY_PER_USER).toBe(3);
    const { user, auth } = await userAuth();
    const other = await userAuth();
    // Four slow uploads: each sends its first 64 KiB, then waits.
    const files = Array.from({ length: 4 }, () => pngOf(3 * 1024 * 1024 + 123));
    const uploads = files.map(() => streamingUpload(auth));
    uploads.forEach((u, i) => u.send(files[i]!.subarray(0, 64 * 1024)));

    const first = await within(
      10_000,
      'a refusal while three uploads are in flight',
      Promise.race(uploads.map((u, i) => u.response.then((answer) => ({ i, answer })))),
    );
    expect(first.answer.status).toBe(429);
    expect(first.answer.body.error.code).toBe('RATE_LIMITED');
    // The three others are on their way to disk, under temporary names.
    await eventually(async () => (await partFiles()).length === 3, 'three partial files');
    // Another user is not affected.
    expect((await upload(other.auth, PNG)).status).toBe(201);

    const accepted = uploads.flatMap((u, i) => (i === first.i ? [] : [{ u, bytes: files[i]! }]));
    for (const { u, bytes } of accepted) {
      u.send(bytes.subarray(64 * 1024));
      u.end();
    }
    const answers = await Promise.all(accepted.map(({ u }) => u.response));
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201]);
    for (const [n, { bytes }] of accepted.entries()) {
      const row = await db.file.findUniqueOrThrow({ where: { id: answers[n]!.body.data.id } });
      expect(row).toMatchObject({ uploaderId: user.id, size: bytes.length, mimeType: 'image/png' });
      expect((await readFile(path.join(uploadDir, row.storageKey!))).equals(bytes)).toBe(true);
    }
    expect(await partFiles()).toEqual([]);
    // The slots are free again.
    expect((await upload(auth, PNG)).status).toBe(201);
  });
});

describe('unsent uploads per user', () => {
  it('refuses the upload after UNCLAIMED_UPLOAD_MAX_COUNT unsent ones (QUOTA_EXCEEDED), and takes it once a message claims some', async () => {
    const { guest, chat } = await createChat(db);
    const auth = { cookie: (await sessionCookie(db, guest.id)).cookie };
    const ids: string[] = [];
    for (let i = 0; i < env.UNCLAIMED_UPLOAD_MAX_COUNT; i++) {
      const answer = await upload(auth, PNG);
      expect(answer.status).toBe(201);
      ids.push(answer.body.data.id);
    }
    const before = await filesOnDisk();
    const refused = await upload(auth, PNG);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('QUOTA_EXCEEDED');
    expect(await db.file.count({ where: { uploaderId: guest.id } })).toBe(env.UNCLAIMED_UPLOAD_MAX_COUNT);
    expect(await filesOnDisk()).toEqual(before);

    const sent = await fetch(`${base}/api/chats/${chat.id}/messages`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ content: 'photos', attachments: ids.slice(0, 2) }),
    });
    expect(sent.status).toBe(201);
    expect((await upload(auth, PNG)).status).toBe(201);
    expect((await upload(auth, PNG)).status).toBe(201);
    expect((await upload(auth, PNG)).body.error.code).toBe('QUOTA_EXCEEDED');
  });

  it('counts the bytes of unsent uploads too (UNCLAIMED_UPLOAD_MAX_BYTES)', async () => {
    const { user, auth } = await userAuth();
    const big = await createUpload(db, user.id);
    await db.file.update({ where: { id: big.id }, data: { size: env.UNCLAIMED_UPLOAD_MAX_BYTES - 1000 } });
    const refused = await upload(auth, pngOf(2000));
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('QUOTA_EXCEEDED');
    expect((await upload(auth, pngOf(900))).status).toBe(201);
    expect(await db.file.count({ where: { uploaderId: user.id } })).toBe(2);
  });

  it('holds under concurrent uploads: one free place, three uploads at once, one stored', async () => {
    const { user, auth } = await userAuth();
    for (let i = 0; i < env.UNCLAIMED_UPLOAD_MAX_COUNT - 1; i++) await createUpload(db, user.id);
    const answers = await Promise.all([0, 1, 2].map(() => upload(auth, pngOf(64 * 1024))));
    expect(answers.map((a) => a.status).sort()).toEqual([201, 429, 429]);
    expect(await db.file.count({ where: { uploaderId: user.id } })).toBe(env.UNCLAIMED_UPLOAD_MAX_COUNT);
    expect(await partFiles()).toEqual([]);
  });
});

describe('removing an unsent upload', () => {
  it('deletes its row and bytes for its uploader and frees its place; a sent one, or another user, is refused', async () => {
    const { guest, owner, chat } = await createChat(db);
    const auth = { cookie: (await sessionCookie(db, guest.id)).cookie };
    const ownerAuth = { cookie: (await sessionCookie(db, owner.id)).cookie };
    const kept = (await upload(auth, PNG)).body.data.id as string;
    const removed = (await upload(auth, PNG)).body.data.id as string;
    const removedKey = (await db.file.findUniqueOrThrow({ where: { id: removed } })).storageKey!;
    const remove = (id: string, headers: Record<string, string>) =>
      fetch(`${base}/api/attachments/${id}`, { method: 'DELETE', headers }).then(async (r) => ({
        status: r.status,
        body: await r.json(),
      }));

    expect((await remove(removed, ownerAuth)).status).toBe(404);
    expect(await remove(removed, auth)).toEqual({ status: 200, body: { data: { id: removed } } });
    expect(await db.file.findUnique({ where: { id: removed } })).toBeNull();
    await expect(readFile(path.join(uploadDir, removedKey))).rejects.toThrow(/ENOENT/);
    expect((await remove(removed, auth)).status).toBe(404);

    const sent = await fetch(`${base}/api/chats/${chat.id}/messages`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ content: 'photo', attachments: [kept] }),
    });
    expect(sent.status).toBe(201);
    const refused = await remove(kept, auth);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('CONFLICT');
    expect(await db.file.findUnique({ where: { id: kept } })).not.toBeNull();
  });
});
