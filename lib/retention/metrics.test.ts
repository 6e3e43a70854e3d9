// The /metrics gauges of the last archive run, read from the audit log of a real database.
import { Registry } from 'prom-client';
import { afterAll, describe, expect, it } from 'vitest';

import { db } from '../db';
import { lastRunFromAuditLog, registerArchiveMetrics } from './metrics';
import { runArchiveJob } from './run-archive-job';
import { databaseUrl, seedChats, seedMessages, withClient } from './test-fixtures';

function value(text: string, name: string): number {
  const match = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  if (!match) throw new Error(`${name} missing from:\n${text}`);
  return Number(match[1]);
}

describe('archive metrics', () => {
  afterAll(async () => {
    await db.$disconnect();
  });

  it('read 0 before any run, then the last real run (dry runs do not count)', async () => {
    const registry = new Registry();
    registerArchiveMetrics(registry, lastRunFromAuditLog(db), { cacheMs: 0 });
    let text = await registry.metrics();
    expect(value(text, 'stayeasy_archive_last_run_timestamp_seconds')).toBe(0);
    expect(value(text, 'stayeasy_archive_last_run_success')).toBe(0);

    await withClient(async (client) => {
      await seedChats(client, 'x_', 3);
      await seedMessages(client, { prefix: 'x_', chats: 3, count: 300, spanDays: 900, filesEvery: 10 });
      await seedChats(client, 'e_', 2, { createdDaysAgo: 200, lastMessageDaysAgo: null });
      // An upload no message took, eight days old (its bytes were never written: removing them is a no-op).
      await client.query(
        `INSERT INTO files (id, uploader_id, original_name, mime_type, size, storage_key, created_at)
         VALUES ('x_unclaimed', 'x_owner', 'a.png', 'image/png', 1, 'ab/ab' || repeat('0', 30), now() - interval '8 days')`,
      );
    });
    const options = { olderThanDays: 365, emptyChatDays: 90, batchSize: 50, dryRun: false };
    const before = Date.now();
    const run = await runArchiveJob({ databaseUrl: databaseUrl(), options });
    expect(run.outcome).toBe('completed');
    await runArchiveJob({ databaseUrl: databaseUrl(), options: { ...options, dryRun: true } });

    text = await registry.metrics();
    expect(value(text, 'stayeasy_archive_last_run_archived_messages')).toBe(run.archivedMessages);
    expect(run.archivedMessages).toBeGreaterThan(150);
    expect(value(text, 'stayeasy_archive_last_run_moved_files')).toBe(run.movedFiles);
    expect(value(text, 'stayeasy_archive_last_run_deleted_chats')).toBe(2);
    expect(value(text, 'stayeasy_archive_last_run_deleted_uploads')).toBe(1);
    expect(value(text, 'stayeasy_archive_last_run_duration_seconds')).toBe(run.durationMs / 1000);
    expect(value(text, 'stayeasy_archive_last_run_success')).toBe(1);
    const at = value(text, 'stayeasy_archive_last_run_timestamp_seconds') * 1000;
    expect(at).toBeGreaterThanOrEqual(before - 1000);
    expect(at).toBeLessThanOrEqual(Date.now() + 1000);
  });

  it('report a failed run as success 0', async () => {
    const registry = new Registry();
    registerArchiveMetrics(registry, async () => ({
      finishedAt: new Date(1_700_000_000_000),
      durationMs: 1500,
      archivedMessages: 10,
      movedFiles: 0,
      deletedChats: 0,
      deletedUploads: 0,
      success: false,
    }));
    const text = await registry.metrics();
    expect(value(text, 'stayeasy_archive_last_run_success')).toBe(0);
    expect(value(text, 'stayeasy_archive_last_run_timestamp_seconds')).toBe(1_700_000_000);
    expect(value(text, 'stayeasy_archive_last_run_duration_seconds')).toBe(1.5);
  });
});
