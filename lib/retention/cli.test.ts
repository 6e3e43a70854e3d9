// `npm run archive` as a real child process: killed with SIGKILL half way, started while another
// run holds the lock, given bad options, pointed at a database that is not there.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ALREADY_RUNNING_MESSAGE, ARCHIVE_LOCK_KEY } from './run-archive-job';
import {
  collect,
  connect,
  firstBatchReported,
  killGroup,
  runArchiveCli,
  seedChats,
  seedMessages,
  snapshot,
  spawnArchive,
} from './test-fixtures';

const TOTAL = 60_000;

describe('npm run archive', () => {
  let client: pg.Client;
  let allIds: string[];

  beforeAll(async () => {
    client = await connect();
    await seedChats(client, 'k_', 30);
    // All older than the cutoff but the newest 6,000: a long run at a small batch size.
    await seedMessages(client, {
      prefix: 'k_',
      chats: 30,
      count: TOTAL,
      spanDays: 2000,
      offsetDays: 0,
      filesEvery: 100,
    });
    allIds = (await client.query<{ id: string }>('SELECT id FROM messages ORDER BY id')).rows.map((r) => r.id);
  }, 120_000);

  afterAll(async () => {
    await client.end();
  });

  async function idsInEachTable() {
    const live = (await client.query<{ id: string }>('SELECT id FROM messages')).rows.map((r) => r.id);
    const archived = (await client.query<{ id: string }>('SELECT id FROM archived_messages')).rows.map((r) => r.id);
    return { live, archived };
  }

  /** The killed run's session ends when the server notices the closed socket; wait for that. */
  async function waitForLockRelease() {
    for (let i = 0; i < 100; i++) {
      const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS ok', [
        ARCHIVE_LOCK_KEY,
      ]);
      if (rows[0]!.ok) {
        await client.query('SELECT pg_advisory_unlock($1::bigint)', [ARCHIVE_LOCK_KEY]);
        return;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the killed run never released the advisory lock');
  }

  it('refuses bad options with a clear line and exit code 64, touching nothing', async () => {
    const before = await snapshot(client);
    const bad = await runArchiveCli(['--batch-size', '12abc']);
    expect(bad.code).toBe(64);
    expect(bad.stderr.split('\n')[0]).toBe('archive: --batch-size "12abc": must be a whole number');
    const zero = await runArchiveCli(['--older-than', '0']);
    expect(zero.code).toBe(64);
    expect(zero.stderr.split('\n')[0]).toBe('archive: --older-than "0": must be at least 1');
    const unknown = await runArchiveCli(['--olderthan', '3']);
    expect(unknown.code).toBe(64);
    expect(unknown.stderr).toMatch(/^archive: Unknown option '--olderthan'/);
    expect(await snapshot(client)).toEqual(before);
  }, 60_000);

  it('fails with one line and exit code 1 when the database is unreachable', async () => {
    const result = await runArchiveCli([], { DATABASE_URL: 'postgresql://postgres:postgres@127.0.0.1:1/nowhere' });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toEqual([
      'archive: failed: cannot reach the database: connect ECONNREFUSED 127.0.0.1:1',
    ]);
  }, 30_000);

  it('a second run while one holds the lock exits 2 with "already running" and changes nothing', async () => {
    const holder = await connect();
    try {
      await holder.query('SELECT pg_advisory_lock($1::bigint)', [ARCHIVE_LOCK_KEY]);
      const before = await snapshot(client);
      const result = await runArchiveCli(['--batch-size', '1000']);
      expect(result.code).toBe(2);
      expect(result.stderr.trim()).toBe(`archive: ${ALREADY_RUNNING_MESSAGE}`);
      expect(result.stdout).toBe('');
      expect(await snapshot(client)).toEqual(before); // audit_logs included
    } finally {
      await holder.end();
    }
  }, 30_000);

  it('SIGKILL in the middle leaves every message in exactly one table; a second run finishes', async () => {
    const before = await snapshot(client);
    const child = spawnArchive(['--batch-size', '100']);
    const done = collect(child);
    // Kill the whole process group (tsx and the script) once the first batch is reported.
    await firstBatchReported(child);
    // A random few milliseconds more, so the kill lands anywhere, often inside a batch's open transaction.
    await new Promise((r) => setTimeout(r, Math.random() * 30));
    killGroup(child, 'SIGKILL');
    const killed = await done;
    expect(killed.signal ?? killed.code).toBeTruthy();
    expect(killed.stdout).not.toMatch(/archive: done/);

    // Mid-run: some messages moved, most not yet, none in both, none lost.
    const mid = await idsInEachTable();
    expect(mid.archived.length).toBeGreaterThan(0);
    expect(mid.archived.length).toBeLessThan(TOTAL - 6_000);
    console.log(
      `SIGKILL after the first progress line: ${mid.archived.length} of ${TOTAL - 6_000} due messages had moved`,
    );
    const midSnapshot = await snapshot(client);
    expect(midSnapshot.inBoth).toBe(0);
    expect([...mid.live, ...mid.archived].sort()).toEqual(allIds);
    expect(midSnapshot.messagesDigest).toBe(before.messagesDigest);
    expect(midSnapshot.filesDigest).toBe(before.filesDigest);
    expect(midSnapshot.detachedFiles).toBe(0);
    // A killed run cannot write its audit row (it has no chance to): none appeared.
    expect(midSnapshot.auditLogs).toBe(before.auditLogs);

    await waitForLockRelease();
    const second = await runArchiveCli(['--batch-size', '5000']);
    expect(second.stderr).toBe('');
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/archive: done: archived \d+ messages/);

    const end = await idsInEachTable();
    const after = await snapshot(client);
    expect([...end.live, ...end.archived].sort()).toEqual(allIds);
    expect(after.inBoth).toBe(0);
    expect(after.messagesDigest).toBe(before.messagesDigest);
    expect(after.filesDigest).toBe(before.filesDigest);
    const { rows } = await client.query<{ due: number }>(
      `SELECT count(*)::int AS due FROM messages WHERE created_at < now() - interval '365 days'`,
    );
    expect(rows[0]!.due).toBe(0);
    expect(end.archived.length).toBe(mid.archived.length + Number(/archived (\d+) messages/.exec(second.stdout)![1]));
    expect(after.auditLogs).toBe(before.auditLogs + 1);
  }, 120_000);
});
