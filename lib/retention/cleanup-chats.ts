// Deletes abandoned chats: no message at all, neither live (`messages`) nor archived
// (`archived_messages`), and no activity for EMPTY_CHAT_DAYS. A chat whose messages were all
// archived still has history, so it is never deleted here.
//
// "Activity" is GREATEST(created_at, updated_at, last_message_at) (GREATEST skips NULLs): the
// newest sign of life the row has, so a chat opened, touched or written to recently stays.
//
// Why two statements in one transaction, not one DELETE … WHERE NOT EXISTS: deleting a chat
// cascades to its messages (messages.chat_id ON DELETE CASCADE), and under READ COMMITTED a
// single DELETE judges NOT EXISTS on its start snapshot, but the cascade deletes by the newest
// data. A first message committed between the DELETE's snapshot and its reaching the chat row
// (an INSERT only takes a KEY SHARE lock on the chat, which does not mark the row as updated, so
// no re-check happens) would be deleted by the cascade: a lost message. So:
//   1. SELECT … FOR UPDATE SKIP LOCKED picks the candidates and locks them. A chat whose first
//      message is being inserted right now (its inserter holds KEY SHARE) is skipped; once we
//      hold the lock, no new message or archived message can reference the chat until we commit
//      (their foreign key check needs KEY SHARE, which waits).
//   2. DELETE … WHERE id = ANY(locked) AND NOT EXISTS … runs on a fresh snapshot taken after the
//      locks, so it sees every message committed before them: its NOT EXISTS is exact and the
//      cascade has nothing to delete.
// A send that reaches a chat after step 1 locked it waits for our commit and then fails on the
// foreign key (the chat is gone): an error the sender sees, never a message silently lost.
import type pg from 'pg';
import { runBatches } from './batches';

const ABANDONED = `
  GREATEST(c.created_at, c.updated_at, c.last_message_at) < $1
  AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.chat_id = c.id)
  AND NOT EXISTS (SELECT 1 FROM archived_messages a WHERE a.chat_id = c.id)`;

export interface CleanupHooks {
  /** Test seam: runs after the candidates are locked and before the DELETE. */
  afterLock?: (chatIds: string[]) => Promise<void>;
}

/** One batch; returns how many chats it locked (0: nothing left) and how many it deleted. */
export async function cleanupBatch(
  client: pg.ClientBase,
  cutoff: Date,
  batchSize: number,
  hooks: CleanupHooks = {},
): Promise<{ locked: number; deleted: number }> {
  await client.query('BEGIN');
  try {
    const locked = await client.query<{ id: string }>(
      `SELECT c.id FROM chats c WHERE ${ABANDONED} ORDER BY c.id LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [cutoff, batchSize],
    );
    const ids = locked.rows.map((r) => r.id);
    if (ids.length === 0) {
      await client.query('COMMIT');
      return { locked: 0, deleted: 0 };
    }
    await hooks.afterLock?.(ids);
    const deleted = await client.query(`DELETE FROM chats c WHERE c.id = ANY($2::text[]) AND ${ABANDONED}`, [
      cutoff,
      ids,
    ]);
    await client.query('COMMIT');
    return { locked: ids.length, deleted: deleted.rowCount ?? 0 };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
}

export async function countAbandonedChats(client: pg.ClientBase, cutoff: Date, limit?: number): Promise<number> {
  const { rows } = await client.query<{ count: number }>(
    `SELECT count(*)::int AS count FROM (SELECT c.id FROM chats c WHERE ${ABANDONED} LIMIT $2) due`,
    [cutoff, limit ?? null],
  );
  return rows[0]!.count;
}

export async function cleanupChats(
  client: pg.ClientBase,
  options: {
    cutoff: Date;
    batchSize: number;
    maxBatches?: number;
    signal?: AbortSignal;
    hooks?: CleanupHooks;
    onBatch?: (progress: { batch: number; deleted: number; totalDeleted: number }) => void;
  },
): Promise<{ deleted: number; batches: number }> {
  let deleted = 0;
  const batches = await runBatches(options, async (batch) => {
    const result = await cleanupBatch(client, options.cutoff, options.batchSize, options.hooks);
    if (result.locked === 0) return false;
    deleted += result.deleted;
    options.onBatch?.({ batch, deleted: result.deleted, totalDeleted: deleted });
    return true;
  });
  return { deleted, batches };
}
