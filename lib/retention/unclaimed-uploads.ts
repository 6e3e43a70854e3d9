// Deletes uploads no message ever claimed: a file is uploaded before the message that carries it
// is sent, so one the user removed from the composer, or whose message was never sent, would
// otherwise keep its row and its bytes forever. "Unclaimed" is: no live and no archived message
// holds it, and it is older than UNCLAIMED_UPLOAD_DAYS (a week by default: a message may wait in
// an offline browser's outbox for days, its attachment uploaded before the connection went).
//
// Races with a send claiming the file (lib/chat/send-messages.ts locks it FOR UPDATE and sets
// message_id): the batch picks rows FOR UPDATE SKIP LOCKED, so a file a send holds is skipped,
// and a file claimed after our snapshot is re-checked on its newest version and left alone. A
// send that reaches a file we hold waits for our commit, then finds it gone and fails with
// VALIDATION: the sender sees an error, no message points at missing bytes.
//
// The bytes go after the rows are committed, never before: a crash in between leaves bytes no
// row names (harmless garbage), never a row whose bytes are gone.
import type pg from 'pg';
import type { AttachmentStorage } from '../attachments/storage';
import { runBatches } from './batches';

const UNCLAIMED = 'f.message_id IS NULL AND f.archived_message_id IS NULL AND f.created_at < $1';

export async function countUnclaimedUploads(client: pg.ClientBase, cutoff: Date, limit?: number): Promise<number> {
  const { rows } = await client.query<{ count: number }>(
    `SELECT count(*)::int AS count FROM (SELECT 1 FROM files f WHERE ${UNCLAIMED} LIMIT $2) due`,
    [cutoff, limit ?? null],
  );
  return rows[0]!.count;
}

/**
 * One batch (one autocommit statement); returns the storage keys of the rows it deleted, null for
 * a file named by URL that was never fetched (no bytes: its message was deleted before it was read).
 */
export async function deleteUnclaimedBatch(
  client: pg.ClientBase,
  cutoff: Date,
  batchSize: number,
): Promise<Array<string | null>> {
  const { rows } = await client.query<{ storage_key: string | null }>(
    `WITH doomed AS (
       SELECT f.id FROM files f WHERE ${UNCLAIMED} ORDER BY f.id LIMIT $2 FOR UPDATE SKIP LOCKED
     )
     DELETE FROM files f USING doomed WHERE f.id = doomed.id
     RETURNING f.storage_key`,
    [cutoff, batchSize],
  );
  return rows.map((r) => r.storage_key);
}

export async function deleteUnclaimedUploads(
  client: pg.ClientBase,
  options: {
    cutoff: Date;
    batchSize: number;
    maxBatches?: number;
    storage: AttachmentStorage;
    signal?: AbortSignal;
    onBatch?: (progress: { batch: number; deleted: number; totalDeleted: number }) => void;
    /** A file whose bytes could not be removed (its row is gone already). */
    onBytesLeft?: (storageKey: string, error: unknown) => void;
  },
): Promise<{ deleted: number; batches: number }> {
  let deleted = 0;
  const batches = await runBatches(options, async (batch) => {
    const keys = await deleteUnclaimedBatch(client, options.cutoff, options.batchSize);
    if (keys.length === 0) return false;
    for (const key of keys) {
      if (key !== null) await options.storage.delete(key).catch((error: unknown) => options.onBytesLeft?.(key, error));
    }
    deleted += keys.length;
    options.onBatch?.({ batch, deleted: keys.length, totalDeleted: deleted });
    return true;
  });
  return { deleted, batches };
}
