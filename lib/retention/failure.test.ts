// Runs that do not complete: a batch that fails inside the database (rolled back whole, the
// failure audited), and Ctrl-C (the open batch finishes, the run is audited as interrupted).
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ARCHIVE_AUDIT_ACTION, runArchiveJob } from './run-archive-job';
import {
  collect,
  connect,
  firstBatchReported,
  databaseUrl,
  killGroup,
  seedChats,
  seedMessages,
  snapshot,
  spawnArchive,
} from './test-fixtures';

describe('runs that fail or are interrupted', () => {
  let client: pg.Client;

  beforeAll(async () => {
    client = await connect();
    await seedChats(client, 'z_', 10);
    await seedMessages(client, { prefix: 'z_', chats: 10, count: 20_000, spanDays: 2000, filesEvery: 20 });
  }, 120_000);

  afterAll(async () => {
    await client.end();
  });

  async function lastAudit() {
    const { rows } = await client.query<{ details: Record<string, unknown> }>(
      'SELECT details FROM audit_logs WHERE action = $1 ORDER BY created_at DESC LIMIT 1',
      [ARCHIVE_AUDIT_ACTION],
    );
    return rows[0]?.details;
  }

  it('a batch failing in the database rolls back whole, stops the run and is audited with the error', async () => {
    // This test's database only: the archive refuses one particular message, as a constraint or
    // a full disk would, half way through the run.
    const poison = (
      await client.query<{ id: string }>(
        `SELECT id FROM messages WHERE created_at < now() - interval '365 days' ORDER BY created_at, id OFFSET 1234 LIMIT 1`,
      )
    ).rows[0]!.id;
    await client.query(`
      CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.id = '${poison}' THEN RAISE EXCEPTION 'simulated failure archiving %', NEW.id; END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER refuse_poison BEFORE INSERT ON archived_messages FOR EACH ROW EXECUTE FUNCTION refuse_poison();`);
    const before = await snapshot(client);
    const lines: Array<[string, string]> = [];
    try {
      const result = await runArchiveJob({
        databaseUrl: databaseUrl(),
        options: { olderThanDays: 365, emptyChatDays: 90, batchSize: 500, dryRun: false },
        log: (line, level) => lines.push([level, line]),
      });
      // Batches 1 and 2 (messages 0..999) committed; batch 3 holds the poison and rolled back.
      expect(result).toMatchObject({ outcome: 'failed', archivedMessages: 1000 });
      expect(result.error).toBe(`simulated failure archiving ${poison}`);
      expect(lines.at(-1)).toEqual(['error', `archive: failed: simulated failure archiving ${poison}`]);

      const after = await snapshot(client);
      expect(after.archived).toBe(1000);
      expect(after.inBoth).toBe(0);
      expect(after.live + after.archived).toBe(before.live);
      expect(after.messagesDigest).toBe(before.messagesDigest);
      expect(after.filesDigest).toBe(before.filesDigest);
      expect(after.chats).toBe(before.chats);
      expect(await lastAudit()).toMatchObject({
        outcome: 'failed',
        archivedMessages: 1000,
        movedFiles: result.movedFiles,
        dryRun: false,
        error: `simulated failure archiving ${poison}`,
      });
    } finally {
      await client.query('DROP TRIGGER refuse_poison ON archived_messages; DROP FUNCTION refuse_poison()');
    }
  });

  it('Ctrl-C lets the open batch commit, audits the run as interrupted and exits 130', async () => {
    const before = await snapshot(client);
    const child = spawnArchive(['--batch-size', '50']);
    const done = collect(child);
    await firstBatchReported(child);
    killGroup(child, 'SIGINT');
    const result = await done;
    expect(result.code).toBe(130);
    expect(result.stderr).toContain('archive: stopping after the current batch');
    const audit = await lastAudit();
    expect(audit).toMatchObject({ outcome: 'interrupted', dryRun: false });
    const after = await snapshot(client);
    expect(after.archived - before.archived).toBe(audit!.archivedMessages);
    expect(after.archived).toBeGreaterThan(before.archived);
    expect(after.inBoth).toBe(0);
    expect(after.messagesDigest).toBe(before.messagesDigest);
    expect(
      (await client.query(`SELECT count(*)::int AS n FROM messages WHERE created_at < now() - interval '365 days'`))
        .rows[0].n,
    ).toBeGreaterThan(0);
  }, 60_000);
});
