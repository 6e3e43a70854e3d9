// Moves old messages from `messages` to `archived_messages`, one batch per transaction.
//
// A batch, inside BEGIN … COMMIT on the job's own connection:
//   1. INSERT INTO archived_messages SELECT … FROM (the oldest N messages before the cutoff,
//      FOR UPDATE SKIP LOCKED) RETURNING id: the row locks keep live traffic from changing those
//      rows until the batch commits, and SKIP LOCKED means the job never waits on a live sender;
//      rows someone holds are simply left for a later batch or run.
//   2. UPDATE each child table of CHILD_TABLES (today files): the link moves from message_id to
//      archived_message_id. This must come before 3: files.message_id is ON DELETE SET NULL, so
//      deleting first would silently detach every attachment.
//   3. DELETE the same ids from messages; the count must equal step 1's or the batch rolls back.
// The copied columns and the child tables are not listed here: loadMessageTables
// (message-tables.ts) reads them from the catalog once per run, and refuses to run when
// `messages` has a column `archived_messages` lacks or a child table with no rule.
// Why a transaction of several statements and not one `WITH moved AS (DELETE … RETURNING …)
// INSERT …` statement: the files' link has to move too, and inside one statement the files
// UPDATE and the ON DELETE SET NULL action fired by the DELETE would touch the same rows in an
// order PostgreSQL does not promise. Separate statements make the order explicit.
// Killed at any moment, a batch is either committed whole or not at all, so every message is in
// exactly one of the two tables and a new run simply continues with what is left.
import type pg from 'pg';
import { runBatches } from './batches';
import { ident, loadMessageTables, type MessageTables } from './message-tables';

export interface BatchResult {
  messages: number;
  files: number;
}

/**
 * One batch. `tables`: the run's rules from loadMessageTables, read here when a caller (a test)
 * archives a single batch without them.
 */
export async function archiveBatch(
  client: pg.ClientBase,
  cutoff: Date,
  batchSize: number,
  tables?: MessageTables,
): Promise<BatchResult> {
  const { columns, children } = tables ?? (await loadMessageTables(client));
  // Every column of messages, copied as it is; archived_at (archive only) takes its default,
  // the transaction's now().
  const copied = columns.map(ident).join(', ');
  await client.query('BEGIN');
  try {
    // The columns are read by the locking SELECT itself, not re-read from `messages` by a join:
    // under READ COMMITTED a locking read returns the newest committed version of each row
    // (e.g. a read_at set a moment ago), where a plain join would see the statement's snapshot.
    const inserted = await client.query<{ id: string }>(
      `WITH picked AS (
         SELECT ${copied} FROM messages
         WHERE created_at < $1
         ORDER BY created_at, id
         LIMIT $2
         FOR UPDATE SKIP LOCKED
       )
       INSERT INTO archived_messages (${copied})
       SELECT ${copied} FROM picked
       RETURNING id`,
      [cutoff, batchSize],
    );
    const ids = inserted.rows.map((r) => r.id);
    if (ids.length === 0) {
      await client.query('COMMIT');
      return { messages: 0, files: 0 };
    }
    let files = 0;
    for (const child of children) {
      const live = ident(child.liveColumn);
      const moved = await client.query(
        `UPDATE ${ident(child.table)} SET ${ident(child.archivedColumn)} = ${live}, ${live} = NULL
         WHERE ${live} = ANY($1::text[])`,
        [ids],
      );
      if (child.table === 'files') files = moved.rowCount ?? 0;
    }
    const deleted = await client.query('DELETE FROM messages WHERE id = ANY($1::text[])', [ids]);
    if (deleted.rowCount !== ids.length) {
      // Cannot happen while we hold the row locks; if it ever does, keep both tables as they were.
      throw new Error(`archive batch: copied ${ids.length} messages but deleted ${deleted.rowCount}; rolled back`);
    }
    await client.query('COMMIT');
    return { messages: ids.length, files };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
}

/** Messages older than the cutoff: the progress estimate, and what a dry run reports. */
export async function countArchivable(
  client: pg.ClientBase,
  cutoff: Date,
  limit?: number,
): Promise<{ messages: number; files: number }> {
  // With --max-batches a run moves at most limit rows, the oldest first: count exactly those.
  const { rows } = await client.query<{ messages: number; files: number }>(
    `WITH due AS (
       SELECT id FROM messages WHERE created_at < $1 ORDER BY created_at, id LIMIT $2
     )
     SELECT (SELECT count(*) FROM due)::int AS messages,
            (SELECT count(*) FROM files f JOIN due ON f.message_id = due.id)::int AS files`,
    [cutoff, limit ?? null],
  );
  return rows[0]!;
}

export interface ArchiveProgress {
  batch: number;
  batchMessages: number;
  batchFiles: number;
  totalMessages: number;
  totalFiles: number;
  /** Messages due when the run started (an estimate once live traffic moves on). */
  expected: number;
  rowsPerSecond: number;
  /** Seconds left at the current rate, null before anything moved. */
  etaSeconds: number | null;
}

export async function archiveMessages(
  client: pg.ClientBase,
  options: {
    cutoff: Date;
    batchSize: number;
    maxBatches?: number;
    expected: number;
    signal?: AbortSignal;
    onBatch?: (progress: ArchiveProgress) => void;
  },
): Promise<{ messages: number; files: number; batches: number; seconds: number }> {
  const started = performance.now();
  // Once per run: a schema that changed mid-run is picked up by the next run.
  const tables = await loadMessageTables(client);
  let messages = 0;
  let files = 0;
  const batches = await runBatches(options, async (batch) => {
    const result = await archiveBatch(client, options.cutoff, options.batchSize, tables);
    // Stop only on an empty batch: a short one may just mean some rows were locked (skipped).
    if (result.messages === 0) return false;
    messages += result.messages;
    files += result.files;
    const seconds = (performance.now() - started) / 1000;
    const rowsPerSecond = seconds > 0 ? messages / seconds : 0;
    const left = Math.max(0, options.expected - messages);
    options.onBatch?.({
      batch,
      batchMessages: result.messages,
      batchFiles: result.files,
      totalMessages: messages,
      totalFiles: files,
      expected: options.expected,
      rowsPerSecond,
      etaSeconds: rowsPerSecond > 0 ? left / rowsPerSecond : null,
    });
    return true;
  });
  return { messages, files, batches, seconds: (performance.now() - started) / 1000 };
}
