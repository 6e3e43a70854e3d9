// The archive rules follow the schema: a column added to both message tables is archived with no
// edit of lib/retention, and a column or child table the rules cannot carry stops the job
// instead of being lost. Schema changes made to prove a failure run in a rolled-back transaction.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { archiveBatch, archiveMessages } from './archive-messages';
import { CHILD_TABLES, checkMessageTables, childTablesInCatalog, columnsOf, loadMessageTables } from './message-tables';
import { connect, seedChats, seedMessages } from './test-fixtures';

let client: pg.Client;

beforeAll(async () => {
  client = await connect();
});
afterAll(() => client?.end());

async function inRolledBackTransaction(fn: () => Promise<void>): Promise<void> {
  await client.query('BEGIN');
  try {
    await fn();
  } finally {
    await client.query('ROLLBACK');
  }
}

describe('the migrated schema', () => {
  it('has nothing archiving would lose: every messages column is in archived_messages, every child table registered', async () => {
    expect(await checkMessageTables(client)).toEqual([]);
    // Sanity: the registry and the catalog really were compared.
    expect(await childTablesInCatalog(client)).toEqual([
      { table: 'files', column: 'message_id' },
      { table: 'message_edits', column: 'message_id' },
      { table: 'message_reactions', column: 'message_id' },
    ]);
    expect(CHILD_TABLES.map((c) => c.table)).toEqual(['files', 'message_edits', 'message_reactions']);
  });
});

describe('checkMessageTables', () => {
  it('reports a column added to messages only, and the job refuses to start', async () => {
    await inRolledBackTransaction(async () => {
      await client.query('ALTER TABLE messages ADD COLUMN deleted_at timestamptz(3)');
      expect(await checkMessageTables(client)).toEqual(['messages.deleted_at has no column in archived_messages']);
      await expect(loadMessageTables(client)).rejects.toThrow(
        /messages\.deleted_at has no column in archived_messages/,
      );
    });
  });

  it('reports a child table of messages that has no CHILD_TABLES entry', async () => {
    await inRolledBackTransaction(async () => {
      await client.query(`
        CREATE TABLE reactions (
          id text PRIMARY KEY,
          message_id text NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
          emoji text NOT NULL)`);
      expect(await checkMessageTables(client)).toEqual([
        'reactions.message_id references messages(id) but has no entry in CHILD_TABLES',
      ]);
      await expect(loadMessageTables(client)).rejects.toThrow(/reactions\.message_id/);
    });
  });
});

describe('a child table with its CHILD_TABLES entry', () => {
  it('has its link moved to the archived copy by the same rule as files', async () => {
    await client.query(`
      CREATE TABLE reactions (
        id text PRIMARY KEY,
        message_id text REFERENCES messages (id) ON DELETE CASCADE,
        archived_message_id text REFERENCES archived_messages (id) ON DELETE CASCADE,
        emoji text NOT NULL)`);
    try {
      await seedChats(client, 'rc_', 1);
      await seedMessages(client, { prefix: 'rc_', chats: 1, count: 3, spanDays: 1, offsetDays: 400 });
      await client.query(
        `INSERT INTO reactions (id, message_id, emoji) SELECT 'r' || id, id, '+1' FROM messages WHERE id LIKE 'rc_%'`,
      );
      const children = [
        ...CHILD_TABLES,
        { table: 'reactions', liveColumn: 'message_id', archivedColumn: 'archived_message_id' },
      ];
      // Not in the real registry, so a real run refuses; archiving with the entry added (what a
      // migration adding reactions would add to CHILD_TABLES) moves its rows.
      await expect(loadMessageTables(client)).rejects.toThrow(/reactions\.message_id/);
      const live = await columnsOf(client, 'messages');
      expect(
        (await archiveBatch(client, new Date(Date.now() - 365 * 86_400_000), 10, { columns: live, children })).messages,
      ).toBe(3);
      const { rows } = await client.query(
        `SELECT count(*) FILTER (WHERE archived_message_id IS NOT NULL AND message_id IS NULL)::int AS moved,
                count(*)::int AS total FROM reactions`,
      );
      expect(rows[0]).toEqual({ moved: 3, total: 3 });
    } finally {
      await client.query('DROP TABLE reactions');
      await client.query(`DELETE FROM archived_messages WHERE id LIKE 'rc_%'`);
    }
  });
});

describe('archiving a column added after this code was written', () => {
  it('copies it to archived_messages with no edit of lib/retention', async () => {
    await client.query('ALTER TABLE messages ADD COLUMN late_note_at timestamptz(3), ADD COLUMN version integer');
    await client.query(
      'ALTER TABLE archived_messages ADD COLUMN late_note_at timestamptz(3), ADD COLUMN version integer',
    );
    try {
      await seedChats(client, 'nc_', 2);
      await seedMessages(client, { prefix: 'nc_', chats: 2, count: 6, spanDays: 1, offsetDays: 400 });
      await client.query(
        `UPDATE messages SET late_note_at = created_at + interval '5 minutes', version = 7 WHERE id LIKE 'nc_%'`,
      );
      const before = (
        await client.query<{ id: string; late_note_at: Date; version: number }>(
          `SELECT id, late_note_at, version FROM messages WHERE id LIKE 'nc_%' ORDER BY id`,
        )
      ).rows;
      expect(before).toHaveLength(6);

      const moved = await archiveMessages(client, {
        cutoff: new Date(Date.now() - 365 * 86_400_000),
        batchSize: 4,
        expected: 6,
      });
      expect(moved.messages).toBe(6);

      const after = (
        await client.query<{ id: string; late_note_at: Date; version: number }>(
          `SELECT id, late_note_at, version FROM archived_messages WHERE id LIKE 'nc_%' ORDER BY id`,
        )
      ).rows;
      expect(after).toEqual(before);
    } finally {
      await client.query('DELETE FROM archived_messages WHERE id LIKE $1', ['nc_%']);
      await client.query('ALTER TABLE messages DROP COLUMN late_note_at, DROP COLUMN version');
      await client.query('ALTER TABLE archived_messages DROP COLUMN late_note_at, DROP COLUMN version');
    }
  });
});
