// The chat_messages view as the one read path: it covers every column of messages, and reading a
// history page through it stays on the two (chat_id, created_at, id) indexes at any depth.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db, Prisma } from '../db';
import { createChat } from '../../test/fixtures';
import { lastMessages, lastMessagesQuery, messagePageQuery, pageQuery } from './message-store';

const SHOW_PLANS = process.env.SHOW_PLANS === '1';

async function plan(query: Prisma.Sql, analyze = false): Promise<string> {
  const rows = await db.$queryRaw<Array<{ 'QUERY PLAN': string }>>(
    analyze ? Prisma.sql`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ${query}` : Prisma.sql`EXPLAIN ${query}`,
  );
  const text = rows.map((r) => r['QUERY PLAN']).join('\n');
  if (SHOW_PLANS) console.log(text);
  return text;
}

describe('the chat_messages view', () => {
  let client: pg.Client;
  beforeAll(async () => {
    client = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
  });
  afterAll(() => client?.end());

  const columnsOf = async (relation: string) =>
    (
      await client.query<{ name: string }>(
        `SELECT attname AS name FROM pg_attribute
         WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
        [relation],
      )
    ).rows.map((r) => r.name);

  it('has every column of messages, and the archived flag', async () => {
    // A migration that adds a column to messages must replace the view too (PostgreSQL fixed
    // its column list when it was created), or reads would not see the column. CREATE OR REPLACE
    // VIEW only appends columns, so the order differs from the table's.
    const live = await columnsOf('messages');
    const view = await columnsOf('chat_messages');
    expect(live.length).toBeGreaterThan(5);
    expect(view.toSorted()).toEqual([...live, 'archived'].toSorted());
  });

  it('is reported incomplete when a migration adds a column to messages without replacing it', async () => {
    await client.query('BEGIN');
    try {
      await client.query('ALTER TABLE messages ADD COLUMN late_note_at timestamptz(3)');
      expect((await columnsOf('chat_messages')).toSorted()).not.toEqual(
        [...(await columnsOf('messages')), 'archived'].toSorted(),
      );
    } finally {
      await client.query('ROLLBACK');
    }
  });
});

describe('history pages through the view, 10,000 archived and 10,000 live messages in the chat', () => {
  let chatId: string;
  const live = (i: number) => `l${String(i).padStart(6, '0')}`;

  beforeAll(async () => {
    const { guest, owner, chat } = await createChat(db);
    chatId = chat.id;
    await db.$executeRaw`
      INSERT INTO archived_messages (id, chat_id, sender_id, recipient_id, content, created_at)
      SELECT 'a' || lpad(i::text, 6, '0'), ${chat.id}, ${guest.id}, ${owner.id}, 'old ' || i,
             timestamptz '2024-01-01' + make_interval(secs => i * 60)
      FROM generate_series(0, 9999) AS i`;
    await db.$executeRaw`
      INSERT INTO messages (id, chat_id, sender_id, recipient_id, content, created_at)
      SELECT 'l' || lpad(i::text, 6, '0'), ${chat.id}, ${guest.id}, ${owner.id}, 'new ' || i,
             timestamptz '2026-01-01' + make_interval(secs => i * 60)
      FROM generate_series(0, 9999) AS i`;
    for (let c = 0; c < 10; c++) {
      const other = await createChat(db);
      await db.$executeRaw`
        INSERT INTO messages (id, chat_id, sender_id, recipient_id, content, created_at)
        SELECT 'o' || ${c} || '_' || i, ${other.chat.id}, ${other.guest.id}, ${other.owner.id}, 'other ' || i,
               timestamptz '2026-01-01' + make_interval(secs => i * 30)
        FROM generate_series(0, 1999) AS i`;
    }
    await db.$executeRaw`ANALYZE messages`;
    await db.$executeRaw`ANALYZE archived_messages`;
  }, 60_000);

  function expectIndexMerge(text: string, direction: 'Backward ' | '') {
    expect(text).toMatch(/Merge Append/);
    expect(text).toMatch(new RegExp(`Index (Only )?Scan ${direction}using idx_messages_chat_created on messages`));
    expect(text).toMatch(
      new RegExp(`Index (Only )?Scan ${direction}using idx_archived_messages_chat_created on archived_messages`),
    );
    expect(text).not.toMatch(/Seq Scan on (archived_)?messages/);
    // No Sort node at all: the merge keeps the indexes' order, nothing sorts the chat.
    expect(text.split('\n').filter((l) => /Sort(?! Key)/.test(l) && !/Merge Append/.test(l))).toEqual([]);
  }

  it('a page from the middle, backwards: a Merge Append of both index scans reading only the page', async () => {
    const position = { createdAt: new Date('2026-01-04T11:20:00Z'), id: live(5000) };
    const text = await plan(pageQuery(chatId, position, false, 101, 0), true);
    expectIndexMerge(text, 'Backward ');
    // Each index is read only as far as the page: 101 rows, plus at most one to stop the merge.
    for (const m of text.matchAll(/Index (?:Only )?Scan.*\(actual rows=(\d+)/g))
      expect(Number(m[1])).toBeLessThanOrEqual(102);
  });

  it("a keyset page of whole messages (listMessages' one statement): the same merge, reading only the page", async () => {
    const position = { createdAt: new Date('2026-01-04T11:20:00Z'), id: live(5000) };
    const text = await plan(messagePageQuery(chatId, position, false, 101), true);
    // Not expectIndexMerge: the files' and reactions' json_agg(… ORDER BY) sort within each message.
    expect(text).toMatch(/Merge Append/);
    expect(text).toMatch(/Index (Only )?Scan Backward using idx_messages_chat_created on messages/);
    expect(text).toMatch(/Index (Only )?Scan Backward using idx_archived_messages_chat_created on archived_messages/);
    expect(text).not.toMatch(/Seq Scan on (archived_)?messages/);
    for (const m of text.matchAll(/Index (?:Only )?Scan Backward.*\(actual rows=(\d+)/g))
      expect(Number(m[1])).toBeLessThanOrEqual(102);
    // The relations are read once for the page, not once per message (the quote only for replies).
    const relationReads = text.split('\n').filter((l) => / on (users|properties|files|message_reactions) /.test(l));
    expect(relationReads.length).toBeGreaterThanOrEqual(4);
    for (const line of relationReads) expect(line).toMatch(/loops=1\)|never executed/);
  });

  it('a page forwards across the live/archive boundary: the same merge', async () => {
    const position = { createdAt: new Date('2024-01-07T22:00:00Z'), id: 'a009900' };
    const text = await plan(pageQuery(chatId, position, true, 201, 0), true);
    expectIndexMerge(text, '');
  });

  it("the seed's OFFSET page: the same merge, reading skip + take rows at most", async () => {
    const text = await plan(pageQuery(chatId, null, false, 50, 12_000), true);
    expectIndexMerge(text, 'Backward ');
    const read = [...text.matchAll(/Index (?:Only )?Scan.*\(actual rows=(\d+)/g)].map((m) => Number(m[1]));
    expect(read.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(12_050 + 1);
  });

  it("each chat's last message: one merge probe per chat, reading one row of each index", async () => {
    const text = await plan(lastMessagesQuery([chatId]), true);
    expectIndexMerge(text, 'Backward ');
    for (const m of text.matchAll(/Index (?:Only )?Scan Backward.*\(actual rows=(\d+)/g)) expect(Number(m[1])).toBe(1);
    const rows = await lastMessages(db, [chatId]);
    expect(rows).toEqual([expect.objectContaining({ id: live(9999), archived: false })]);
  });
});
