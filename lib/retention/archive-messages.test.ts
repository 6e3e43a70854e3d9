// The retention job on three years of history: 20,000 messages over 40 chats, 400 attachments.
// A dry run first (through the real CLI), then a real run; nothing may be lost or duplicated.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ARCHIVE_AUDIT_ACTION, runArchiveJob, type ArchiveJobResult } from './run-archive-job';
import { connect, databaseUrl, runArchiveCli, seedChats, seedMessages, snapshot, type Snapshot } from './test-fixtures';

const TOTAL = 20_000;

describe('archiving 20,000 messages spread over 3 years', () => {
  let client: pg.Client;
  let initial: Snapshot;
  let createdAt: Map<string, number>;

  beforeAll(async () => {
    client = await connect();
    await seedChats(client, 'h_', 40);
    await seedMessages(client, { prefix: 'h_', chats: 40, count: TOTAL, spanDays: 3 * 365, filesEvery: 50 });
    initial = await snapshot(client);
    const { rows } = await client.query<{ id: string; t: Date }>('SELECT id, created_at AS t FROM messages');
    createdAt = new Map(rows.map((r) => [r.id, r.t.getTime()]));
  }, 120_000);

  afterAll(async () => {
    await client.end();
  });

  it('seeds what the test claims', () => {
    expect(initial).toMatchObject({ live: TOTAL, archived: 0, files: TOTAL / 50, inBoth: 0, detachedFiles: 0 });
  });

  it('--dry-run reports the counts and changes nothing', async () => {
    const before = await snapshot(client);
    const cli = await runArchiveCli(['--dry-run']);
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
    const match =
      /would archive (\d+) messages \((\d+) files\) older than (\S+?), delete (\d+) empty chats .* and (\d+) unclaimed uploads/.exec(
        cli.stdout,
      );
    expect(match, cli.stdout).not.toBeNull();
    const cutoff = new Date(match![3]!).getTime();
    const due = [...createdAt.entries()].filter(([, t]) => t < cutoff);
    expect(Number(match![1])).toBe(due.length);
    // Every 50th message (by number) has a file; count those among the due ones.
    expect(Number(match![2])).toBe(due.filter(([id]) => Number(id.slice('h_m'.length)) % 50 === 0).length);
    expect(Number(match![4])).toBe(0);
    expect(Number(match![5])).toBe(0);
    expect(due.length).toBeGreaterThan(13_000);

    const after = await snapshot(client);
    // The only write of a dry run is its own audit row.
    expect({ ...after, auditLogs: 0 }).toEqual({ ...before, auditLogs: 0 });
    expect(after.auditLogs).toBe(before.auditLogs + 1);
    const { rows } = await client.query(
      `SELECT details FROM audit_logs WHERE action = $1 ORDER BY created_at DESC LIMIT 1`,
      [ARCHIVE_AUDIT_ACTION],
    );
    expect(rows[0].details).toMatchObject({
      dryRun: true,
      archivedMessages: due.length,
      deletedChats: 0,
      outcome: 'completed',
    });
  }, 60_000);

  describe('a real run', () => {
    let result: ArchiveJobResult;
    const lines: string[] = [];

    beforeAll(async () => {
      result = await runArchiveJob({
        databaseUrl: databaseUrl(),
        options: { olderThanDays: 365, emptyChatDays: 90, batchSize: 5000, dryRun: false },
        log: (line) => lines.push(line),
      });
      // The figure quoted in the retention notes.
      console.log(lines.filter((l) => /done|batch/.test(l)).join('\n'));
    }, 120_000);

    it('archives exactly the messages older than the cutoff', async () => {
      expect(result.outcome).toBe('completed');
      expect(result.error).toBeUndefined();
      const cutoff = result.cutoff!.getTime();
      // Within a second of now minus 365 days, on the database clock.
      expect(Math.abs(cutoff - (Date.now() - 365 * 86_400_000))).toBeLessThan(60_000);

      const expected = [...createdAt.entries()]
        .filter(([, t]) => t < cutoff)
        .map(([id]) => id)
        .sort();
      const archived = (await client.query<{ id: string }>('SELECT id FROM archived_messages ORDER BY id')).rows.map(
        (r) => r.id,
      );
      const live = (await client.query<{ id: string }>('SELECT id FROM messages ORDER BY id')).rows.map((r) => r.id);
      expect(archived.sort()).toEqual(expected);
      expect(result.archivedMessages).toBe(expected.length);
      expect(live.every((id) => createdAt.get(id)! >= cutoff)).toBe(true);
      // Nothing lost, nothing twice: the ids before equal the union after.
      expect([...live, ...archived].sort()).toEqual([...createdAt.keys()].sort());
    });

    it('keeps every column of every message and every file link', async () => {
      const after = await snapshot(client);
      expect(after.inBoth).toBe(0);
      expect(after.live + after.archived).toBe(TOTAL);
      expect(after.messagesDigest).toBe(initial.messagesDigest);
      expect(after.filesDigest).toBe(initial.filesDigest);
      expect(after.detachedFiles).toBe(0);
      expect(after.chats).toBe(initial.chats);
    });

    it('moves the attachments of archived messages with them', async () => {
      const { rows } = await client.query<{ archived_files: number; live_files: number; wrong: number }>(`
        SELECT (SELECT count(*) FROM files f JOIN archived_messages a ON a.id = f.archived_message_id WHERE f.message_id IS NULL)::int AS archived_files,
               (SELECT count(*) FROM files f JOIN messages m ON m.id = f.message_id WHERE f.archived_message_id IS NULL)::int AS live_files,
               (SELECT count(*) FROM files WHERE message_id IS NOT NULL AND archived_message_id IS NOT NULL)::int AS wrong`);
      expect(rows[0]!.wrong).toBe(0);
      expect(rows[0]!.archived_files).toBe(result.movedFiles);
      expect(rows[0]!.archived_files + rows[0]!.live_files).toBe(TOTAL / 50);
      expect(result.movedFiles).toBeGreaterThan(250);
    });

    it('writes an audit row whose counts match', async () => {
      const { rows } = await client.query<{ details: Record<string, unknown> }>(
        `SELECT details FROM audit_logs WHERE action = $1 AND details->>'dryRun' = 'false'`,
        [ARCHIVE_AUDIT_ACTION],
      );
      expect(rows).toHaveLength(1);
      const archivedCount = (await client.query('SELECT count(*)::int AS n FROM archived_messages')).rows[0].n;
      expect(rows[0]!.details).toMatchObject({
        archivedMessages: archivedCount,
        movedFiles: result.movedFiles,
        deletedChats: 0,
        dryRun: false,
        outcome: 'completed',
        options: { olderThanDays: 365, emptyChatDays: 90, batchSize: 5000, dryRun: false },
      });
      expect(rows[0]!.details.durationMs).toBe(result.durationMs);
      expect(rows[0]!.details).not.toHaveProperty('error');
    });

    it('prints a progress line per batch and a summary', () => {
      const batches = lines.filter((l) =>
        /^archive: batch \d+: moved \d+ messages \(\d+ files\), \d+\/\d+ total, \d+ rows\/s, ~[\d.]+s left$/.test(l),
      );
      expect(batches).toHaveLength(Math.ceil(result.archivedMessages / 5000));
      expect(lines.at(-1)).toMatch(
        new RegExp(
          `^archive: done: archived ${result.archivedMessages} messages in [\\d.]+s, \\d+ rows/s \\(${result.movedFiles} files\\), deleted 0 empty chats and 0 unclaimed uploads$`,
        ),
      );
    });

    it('a second run finds nothing left to do', async () => {
      const before = await snapshot(client);
      const again = await runArchiveJob({
        databaseUrl: databaseUrl(),
        options: { olderThanDays: 365, emptyChatDays: 90, batchSize: 5000, dryRun: false },
      });
      expect(again).toMatchObject({ outcome: 'completed', archivedMessages: 0, movedFiles: 0, deletedChats: 0 });
      expect({ ...(await snapshot(client)), auditLogs: 0 }).toEqual({ ...before, auditLogs: 0 });
    });
  });
});
