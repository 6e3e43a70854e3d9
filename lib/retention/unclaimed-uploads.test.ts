// The retention job's sweep of unclaimed uploads, on a real database and real files on disk:
// which uploads go (rows and bytes), which stay, and a send claiming a file while the sweep runs.
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { INCOMING_DIR, localDiskStorage, type AttachmentStorage } from '../attachments/storage';
import { runArchiveJob } from './run-archive-job';
import { connect, databaseUrl, seedChats, seedMessages } from './test-fixtures';

const options = { olderThanDays: 365, emptyChatDays: 90, unclaimedUploadDays: 7, batchSize: 2, dryRun: false };

describe('sweep of unclaimed uploads', () => {
  let client: pg.Client;
  let dir: string;
  let storage: AttachmentStorage;

  beforeAll(async () => {
    client = await connect();
    dir = await mkdtemp(path.join(os.tmpdir(), 'stayeasy-uploads-'));
    storage = localDiskStorage(dir);
    await seedChats(client, 'u_', 1, { createdDaysAgo: 10, lastMessageDaysAgo: 1 });
    await seedMessages(client, { prefix: 'u_', chats: 1, count: 2, spanDays: 2 });
  });
  afterAll(async () => {
    await client.end();
    await rm(dir, { recursive: true, force: true });
  });

  /** An upload with real bytes, `daysAgo` old, held by `messageId` (or by nothing). */
  async function upload(id: string, daysAgo: number, messageId: string | null = null): Promise<string> {
    const key = await storage.put(new TextEncoder().encode(`bytes of ${id}`));
    await client.query(
      `INSERT INTO files (id, uploader_id, message_id, original_name, mime_type, size, storage_key, created_at)
       VALUES ($1, 'u_owner', $2, $1 || '.png', 'image/png', 10, $3, now() - make_interval(days => $4))`,
      [id, messageId, key, daysAgo],
    );
    return key;
  }
  const rowExists = async (id: string) =>
    (await client.query('SELECT 1 FROM files WHERE id = $1', [id])).rowCount === 1;
  const bytesExist = (key: string) =>
    storage.get(key).then(
      async ({ stream }) => (await stream.cancel(), true),
      () => false,
    );

  it('deletes uploads no message holds once UNCLAIMED_UPLOAD_DAYS have passed, rows and bytes; keeps the rest', async () => {
    const abandoned = await Promise.all(['old1', 'old2', 'old3'].map((id) => upload(id, 8)));
    const recent = await upload('recent', 6);
    const held = await upload('held', 8, 'u_m1');

    const dry = await runArchiveJob({ databaseUrl: databaseUrl(), options: { ...options, dryRun: true }, storage });
    expect(dry).toMatchObject({ outcome: 'completed', deletedUploads: 3 });
    for (const key of abandoned) expect(await bytesExist(key)).toBe(true);

    const lines: string[] = [];
    const result = await runArchiveJob({ databaseUrl: databaseUrl(), options, storage, log: (l) => lines.push(l) });
    expect(result).toMatchObject({ outcome: 'completed', deletedUploads: 3 });
    // Batches of 2: two batches, each reported.
    expect(lines.filter((l) => l.startsWith('archive: uploads batch'))).toEqual([
      'archive: uploads batch 1: deleted 2 unclaimed uploads, 2 total',
      'archive: uploads batch 2: deleted 1 unclaimed uploads, 3 total',
    ]);
    expect(lines.at(-1)).toContain('and 3 unclaimed uploads');

    for (const id of ['old1', 'old2', 'old3']) expect(await rowExists(id)).toBe(false);
    for (const key of abandoned) expect(await bytesExist(key)).toBe(false);
    expect(await rowExists('recent')).toBe(true);
    expect(await bytesExist(recent)).toBe(true);
    expect(await rowExists('held')).toBe(true);
    expect(await bytesExist(held)).toBe(true);

    const audit = await client.query<{ details: { deletedUploads: number; uploadCutoff: string } }>(
      `SELECT details FROM audit_logs WHERE action = 'ARCHIVE_JOB_RUN' ORDER BY created_at DESC LIMIT 1`,
    );
    expect(audit.rows[0]!.details.deletedUploads).toBe(3);
    expect(Date.parse(audit.rows[0]!.details.uploadCutoff)).toBeLessThan(Date.now() - 6.9 * 86_400_000);
  });

  it('deletes an old file named by URL whose message is gone and that was never fetched (no bytes), in a batch of its own', async () => {
    // batchSize 2: a whole batch of rows without bytes must not end the sweep early.
    for (const id of ['url-a', 'url-b']) {
      await client.query(
        `INSERT INTO files (id, uploader_id, original_name, mime_type, size, storage_key, source_url, created_at)
         VALUES ($1, 'u_owner', 'x.png', 'image', 0, NULL, 'https://example.com/x.png', now() - interval '8 days')`,
        [id],
      );
    }
    const key = await upload('zz-after-urls', 8);
    const lines: Array<{ line: string; level: string }> = [];
    const result = await runArchiveJob({
      databaseUrl: databaseUrl(),
      options,
      storage,
      log: (line, level) => lines.push({ line, level }),
    });
    expect(result).toMatchObject({ outcome: 'completed', deletedUploads: 3 });
    for (const id of ['url-a', 'url-b', 'zz-after-urls']) expect(await rowExists(id)).toBe(false);
    expect(await bytesExist(key)).toBe(false);
    expect(lines.filter((l) => l.level === 'error')).toEqual([]);
  });

  it('leaves a file a send is claiming at that moment; the send keeps it', async () => {
    const key = await upload('claimed-now', 8);
    // A send holds the file (lib/chat/send-messages.ts locks it FOR UPDATE before setting message_id).
    const sender = await connect();
    try {
      await sender.query('BEGIN');
      await sender.query(`SELECT id FROM files WHERE id = 'claimed-now' FOR UPDATE`);
      const result = await runArchiveJob({ databaseUrl: databaseUrl(), options, storage });
      expect(result).toMatchObject({ outcome: 'completed', deletedUploads: 0 });
      await sender.query(`UPDATE files SET message_id = 'u_m2' WHERE id = 'claimed-now'`);
      await sender.query('COMMIT');
    } finally {
      await sender.end();
    }
    const after = await runArchiveJob({ databaseUrl: databaseUrl(), options, storage });
    expect(after.deletedUploads).toBe(0);
    const { rows } = await client.query(`SELECT message_id FROM files WHERE id = 'claimed-now'`);
    expect(rows).toEqual([{ message_id: 'u_m2' }]);
    expect(await bytesExist(key)).toBe(true);
  });

  it('reports bytes it could not delete and still counts the upload as gone', async () => {
    await upload('stuck', 8);
    const failing: AttachmentStorage = {
      ...storage,
      delete: () => Promise.reject(new Error('EACCES: permission denied')),
    };
    const lines: Array<{ line: string; level: string }> = [];
    const result = await runArchiveJob({
      databaseUrl: databaseUrl(),
      options,
      storage: failing,
      log: (line, level) => lines.push({ line, level }),
    });
    expect(result).toMatchObject({ outcome: 'completed', deletedUploads: 1 });
    expect(await rowExists('stuck')).toBe(false);
    expect(lines).toContainEqual({
      line: expect.stringMatching(
        /^archive: could not delete the bytes of upload [a-f0-9/]+ \(its row is gone\): EACCES/,
      ),
      level: 'error',
    });
  });

  it('reports bytes that are not where UPLOAD_DIR says (a wrong directory, a missing volume)', async () => {
    const key = await upload('elsewhere', 8);
    await rm(path.join(dir, key));
    const lines: Array<{ line: string; level: string }> = [];
    const result = await runArchiveJob({
      databaseUrl: databaseUrl(),
      options,
      storage,
      log: (line, level) => lines.push({ line, level }),
    });
    expect(result).toMatchObject({ outcome: 'completed', deletedUploads: 1 });
    expect(lines).toContainEqual({
      line: expect.stringMatching(
        /^archive: could not delete the bytes of upload [a-f0-9/]+ \(its row is gone\): ENOENT/,
      ),
      level: 'error',
    });
  });
  it('removes unfinished upload files older than a day (a process died mid-upload), keeps recent ones', async () => {
    const incoming = path.join(dir, INCOMING_DIR);
    await mkdir(incoming, { recursive: true });
    const stale = path.join(incoming, 'stale.part');
    const inFlight = path.join(incoming, 'in-flight.part');
    await writeFile(stale, 'half an upload');
    await writeFile(inFlight, 'an upload going on now');
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
    await utimes(stale, twoDaysAgo, twoDaysAgo);

    const lines: string[] = [];
    const result = await runArchiveJob({ databaseUrl: databaseUrl(), options, storage, log: (l) => lines.push(l) });
    expect(result).toMatchObject({ outcome: 'completed', sweptPartialUploads: 1 });
    expect(await readdir(incoming)).toEqual(['in-flight.part']);
    expect(lines).toContain('archive: removed 1 unfinished upload files left by interrupted uploads');
  });
});
