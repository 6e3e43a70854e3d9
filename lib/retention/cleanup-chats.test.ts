// Cleanup of abandoned chats, on a real database: which chats go, which stay, and what happens
// when a first message races with the delete.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { runArchiveJob } from './run-archive-job';
import { connect, databaseUrl, seedChats, seedMessages } from './test-fixtures';

const options = { olderThanDays: 365, emptyChatDays: 90, batchSize: 10, dryRun: false };

async function chatExists(client: pg.ClientBase, id: string): Promise<boolean> {
  return (await client.query('SELECT 1 FROM chats WHERE id = $1', [id])).rowCount === 1;
}

function insertMessage(client: pg.ClientBase, prefix: string, id: string) {
  return client.query(
    `INSERT INTO messages (id, chat_id, sender_id, recipient_id, content)
     VALUES ($2, $1 || 'chat1', $1 || 'guest1', $1 || 'owner', 'hello, anyone there?')`,
    [prefix, id],
  );
}

describe('cleanup of abandoned chats', () => {
  let client: pg.Client;

  beforeAll(async () => {
    client = await connect();
  });
  afterAll(async () => {
    await client.end();
  });

  it('deletes only empty chats idle for EMPTY_CHAT_DAYS; chats with history (live or archived) stay', async () => {
    // 25 abandoned: empty, created 200 days ago, never touched since. Batch size 10: 3 batches.
    const abandoned = await seedChats(client, 'a_', 25, { createdDaysAgo: 200, lastMessageDaysAgo: null });
    // Empty but young.
    const young = await seedChats(client, 'y_', 3, { createdDaysAgo: 10, lastMessageDaysAgo: null });
    // Empty and old, but touched (updated_at) 5 days ago.
    const touched = await seedChats(client, 't_', 2, {
      createdDaysAgo: 200,
      updatedDaysAgo: 5,
      lastMessageDaysAgo: null,
    });
    // Every message older than a year: all get archived; the chats keep that history.
    const archivedOnly = await seedChats(client, 'o_', 4, { createdDaysAgo: 900, lastMessageDaysAgo: 400 });
    await seedMessages(client, { prefix: 'o_', chats: 4, count: 40, spanDays: 300, offsetDays: 400, filesEvery: 4 });
    // Old chats with recent live messages.
    const live = await seedChats(client, 'l_', 2, { createdDaysAgo: 900, lastMessageDaysAgo: 1 });
    await seedMessages(client, { prefix: 'l_', chats: 2, count: 10, spanDays: 30 });

    const dry = await runArchiveJob({ databaseUrl: databaseUrl(), options: { ...options, dryRun: true } });
    expect(dry).toMatchObject({ outcome: 'completed', deletedChats: 25, archivedMessages: 40, movedFiles: 10 });

    const lines: string[] = [];
    const result = await runArchiveJob({ databaseUrl: databaseUrl(), options, log: (l) => lines.push(l) });
    expect(result).toMatchObject({ outcome: 'completed', deletedChats: 25, archivedMessages: 40, movedFiles: 10 });
    expect(lines.filter((l) => l.startsWith('archive: cleanup batch'))).toHaveLength(3);

    for (const id of abandoned) expect(await chatExists(client, id)).toBe(false);
    for (const id of [...young, ...touched, ...archivedOnly, ...live]) expect(await chatExists(client, id)).toBe(true);

    // The archived-only chats: no live message left, all 40 in the archive, files moved along.
    const { rows } = await client.query<{
      live: number;
      archived: number;
      files_archived: number;
      files_live: number;
    }>(`
      SELECT (SELECT count(*) FROM messages WHERE chat_id LIKE 'o_%')::int AS live,
             (SELECT count(*) FROM archived_messages WHERE chat_id LIKE 'o_%')::int AS archived,
             (SELECT count(*) FROM files WHERE id LIKE 'o_%' AND archived_message_id IS NOT NULL AND message_id IS NULL)::int AS files_archived,
             (SELECT count(*) FROM files WHERE id LIKE 'o_%' AND message_id IS NOT NULL)::int AS files_live`);
    expect(rows[0]).toEqual({ live: 0, archived: 40, files_archived: 10, files_live: 0 });

    // A run later (the archive-only chats are now "empty" in `messages`) still leaves them alone.
    const again = await runArchiveJob({ databaseUrl: databaseUrl(), options });
    expect(again.deletedChats).toBe(0);
    for (const id of archivedOnly) expect(await chatExists(client, id)).toBe(true);
  });

  it('skips a chat whose first message is being inserted, and does not wait for it', async () => {
    const [chat] = await seedChats(client, 'r_', 1, { createdDaysAgo: 200, lastMessageDaysAgo: null });
    const sender = await connect();
    try {
      await sender.query('BEGIN');
      await insertMessage(sender, 'r_', 'r_first');
      // The insert's foreign key check holds a KEY SHARE lock on the chat until it commits. The
      // job must neither delete the chat (the cascade would take the message with it) nor wait.
      const result = await runArchiveJob({ databaseUrl: databaseUrl(), options });
      expect(result).toMatchObject({ outcome: 'completed', deletedChats: 0 });
      await sender.query('COMMIT');
    } finally {
      await sender.end();
    }
    expect(await chatExists(client, chat!)).toBe(true);
    expect((await client.query(`SELECT 1 FROM messages WHERE id = 'r_first'`)).rowCount).toBe(1);
    // With its message, the chat is no longer empty: later runs keep it too.
    expect((await runArchiveJob({ databaseUrl: databaseUrl(), options })).deletedChats).toBe(0);
    expect(await chatExists(client, chat!)).toBe(true);
  });

  it('a message sent after the chat was locked for deletion fails loudly; nothing is lost silently', async () => {
    const [chat] = await seedChats(client, 's_', 1, { createdDaysAgo: 200, lastMessageDaysAgo: null });
    const sender = await connect();
    let send: Promise<unknown> | undefined;
    try {
      const pid = (await sender.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      const result = await runArchiveJob({
        databaseUrl: databaseUrl(),
        options,
        cleanupHooks: {
          afterLock: async (ids) => {
            if (!ids.includes(chat!)) return;
            send = insertMessage(sender, 's_', 's_late').then(
              () => 'stored',
              (error: { code?: string }) => error.code,
            );
            // Wait until the send is really blocked on our lock before deleting.
            for (let i = 0; i < 100; i++) {
              const { rows } = await client.query('SELECT wait_event_type FROM pg_stat_activity WHERE pid = $1', [pid]);
              if (rows[0]?.wait_event_type === 'Lock') return;
              await new Promise((r) => setTimeout(r, 20));
            }
            throw new Error('the send never waited on the chat lock');
          },
        },
      });
      expect(result).toMatchObject({ outcome: 'completed', deletedChats: 1 });
      // 23503: foreign_key_violation. The sender gets an error instead of a message that vanishes.
      expect(await send).toBe('23503');
    } finally {
      await sender.end();
    }
    expect(await chatExists(client, chat!)).toBe(false);
    expect((await client.query(`SELECT 1 FROM messages WHERE id = 's_late'`)).rowCount).toBe(0);
  });
});
