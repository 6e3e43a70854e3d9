// The job on a live database: while it moves 22,000 old messages in small batches, senders and
// readers keep working, both as plain SQL writes and through the chat domain (lib/chat). None of
// them fails, none waits for the run, and the run loses nothing.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { markMessagesRead, sendMessage } from '../chat';
import { db } from '../db';
import { runArchiveJob } from './run-archive-job';
import { connect, databaseUrl, seedChats, seedMessages, snapshot } from './test-fixtures';

const P = 'live';
const CHATS = 10;
const TOTAL = 30_000;

describe('live sends and reads during a run', () => {
  let client: pg.Client;

  beforeAll(async () => {
    client = await connect();
    await seedChats(client, P, CHATS);
    // 1,400 days of history: about 22,000 messages are older than a year, 8,000 newer.
    await seedMessages(client, { prefix: P, chats: CHATS, count: TOTAL, spanDays: 1400, filesEvery: 100 });
  }, 120_000);

  afterAll(async () => {
    await client.end();
    await db.$disconnect();
  });

  it('sends and read receipts succeed and are kept while the archive runs', async () => {
    const before = await snapshot(client);
    const seededIds = (await client.query<{ id: string }>('SELECT id FROM messages ORDER BY id')).rows.map((r) => r.id);
    // Recent unread messages to the owner (message i: unread when i % 3 == 0, to the owner when
    // i is even, newer than a year for small i), to be marked read during the run.
    const unread = (
      await client.query<{ id: string; chat_id: string }>(
        `SELECT id, chat_id FROM messages WHERE read_at IS NULL AND recipient_id = $1 AND created_at > now() - interval '300 days' ORDER BY created_at DESC`,
        [`${P}owner`],
      )
    ).rows;
    expect(unread.length).toBeGreaterThan(500);

    let batches = 0;
    let finished = false;
    const job = runArchiveJob({
      databaseUrl: databaseUrl(),
      options: { olderThanDays: 365, emptyChatDays: 90, batchSize: 200, dryRun: false },
      log: (line) => {
        if (line.startsWith('archive: batch ')) batches += 1;
      },
    }).finally(() => (finished = true));

    const sent: string[] = [];
    const markedRead: string[] = [];
    const latencies: number[] = [];
    let duringRun = 0;
    let i = 0;
    const timed = async <T>(op: () => Promise<T>): Promise<T> => {
      const start = performance.now();
      const midRun = batches > 0 && !finished;
      const value = await op();
      latencies.push(performance.now() - start);
      if (midRun && !finished) duringRun += 1;
      return value;
    };
    while (!finished) {
      const g = (i % CHATS) + 1;
      const chatId = `${P}chat${g}`;
      // A plain INSERT, as any writer of `messages` does.
      const plain = await timed(() =>
        db.message.create({
          data: { chatId, senderId: `${P}guest${g}`, recipientId: `${P}owner`, content: `live ${i}` },
          select: { id: true },
        }),
      );
      sent.push(plain.id);
      // The domain's send (one statement; its trigger moves the chat's counters and last_message_at).
      const viaDomain = await timed(() => sendMessage(db, `${P}guest${g}`, { chatId, content: `domain ${i}` }));
      sent.push(viaDomain.message.id);
      // A plain read_at UPDATE and the domain's read receipt, on recent messages.
      const a = unread[2 * i];
      const b = unread[2 * i + 1];
      if (a && b) {
        const updated = await timed(() => db.message.updateMany({ where: { id: a.id }, data: { readAt: new Date() } }));
        expect(updated.count).toBe(1);
        markedRead.push(a.id);
        const receipt = await timed(() => markMessagesRead(db, `${P}owner`, { chatId: b.chat_id, messageIds: [b.id] }));
        expect(receipt.messageIds).toEqual([b.id]);
        markedRead.push(b.id);
      }
      i += 1;
    }
    const result = await job;

    expect(result.outcome).toBe('completed');
    expect(result.archivedMessages).toBeGreaterThan(21_000);
    // The traffic really overlapped the run, many batches of it.
    expect(batches).toBeGreaterThan(100);
    expect(duringRun).toBeGreaterThan(20);
    const sorted = [...latencies].sort((x, y) => x - y);
    const p50 = sorted[Math.floor(sorted.length / 2)]!;
    const max = sorted.at(-1)!;
    console.log(
      `live traffic during the run: ${latencies.length} operations (${duringRun} while batches were running), ` +
        `p50 ${p50.toFixed(1)} ms, max ${max.toFixed(1)} ms; run ${result.durationMs} ms for ${result.archivedMessages} messages`,
    );
    // No operation waited for the run as a whole (it only ever meets short batch transactions).
    expect(max).toBeLessThan(Math.max(1_000, result.durationMs / 2));

    // Every live write is there, untouched by the archive.
    const kept = await client.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM messages WHERE id = ANY($1::text[])',
      [sent],
    );
    expect(kept.rows[0]!.n).toBe(sent.length);
    const read = await client.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM messages WHERE id = ANY($1::text[]) AND read_at IS NOT NULL',
      [markedRead],
    );
    expect(read.rows[0]!.n).toBe(markedRead.length);

    // And the run lost nothing: the seeded ids, each in exactly one table, none due left.
    const after = await snapshot(client);
    expect(after.inBoth).toBe(0);
    expect(after.live + after.archived).toBe(before.live + sent.length);
    expect(after.detachedFiles).toBe(0);
    const union = await client.query<{ id: string }>(
      `SELECT id FROM messages WHERE id LIKE 'livem%' UNION ALL SELECT id FROM archived_messages ORDER BY id`,
    );
    expect(union.rows.map((r) => r.id)).toEqual(seededIds);
    const due = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM messages WHERE created_at < $1', [
      result.cutoff,
    ]);
    expect(due.rows[0]!.n).toBe(0);
  }, 120_000);
});
