import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createDb, db } from '../db';
import { preparedStatementMarker, preparedStatementName } from '../db/client';
import { createChat, createUpload, createUser } from '../../test/fixtures';
import { newMessageId, sendMessage, sendMessages, type SendRequest } from './send-messages';

describe('sendMessages (one transaction for a group)', () => {
  it('answers each message on its own: good ones stored, bad ones refused, retries answered from the stored row', async () => {
    const { guest, owner, chat } = await createChat(db);
    const other = await createChat(db);
    const stranger = await createUser(db);
    const mine = await createUpload(db, guest.id);
    const theirs = await createUpload(db, owner.id);
    const earlier = await sendMessage(db, guest.id, {
      chatId: chat.id,
      content: 'earlier',
      clientMessageId: 'k-earlier',
    });

    const requests: SendRequest[] = [
      { senderId: guest.id, input: { chatId: chat.id, content: 'plain' } },
      { senderId: stranger.id, input: { chatId: chat.id, content: 'not my chat' } },
      { senderId: guest.id, input: { chatId: chat.id, content: 'stolen file', attachments: [theirs.id] } },
      { senderId: guest.id, input: { chatId: chat.id, content: 'earlier', clientMessageId: 'k-earlier' } },
      { senderId: guest.id, input: { chatId: chat.id, content: 'twice', clientMessageId: 'k-twice' } },
      { senderId: guest.id, input: { chatId: chat.id, content: 'twice', clientMessageId: 'k-twice' } },
      { senderId: guest.id, input: { chatId: chat.id, content: 'with file', attachments: [mine.id] } },
      { senderId: owner.id, input: { chatId: chat.id, content: 'from the owner' } },
      {
        senderId: other.guest.id,
        input: { chatId: other.chat.id, content: 'elsewhere', clientMessageId: 'k-earlier' },
      },
    ];
    const outcomes = await sendMessages(db, requests);

    const summary = outcomes.map((o) =>
      o.ok ? (o.sent.duplicate ? 'duplicate' : 'stored') : (o.error as { code: string }).code,
    );
    expect(summary).toEqual([
      'stored',
      'NOT_FOUND',
      'VALIDATION',
      'duplicate',
      'stored',
      'duplicate',
      'stored',
      'stored',
      'stored',
    ]);
    const ok = outcomes.map((o) => (o.ok ? o.sent : null));
    expect(ok[3]!.message.id).toBe(earlier.message.id);
    expect(ok[5]!.message.id).toBe(ok[4]!.message.id);
    expect(ok[6]!.message.files.map((f) => f.id)).toEqual([mine.id]);

    const stored = await db.message.findMany({
      where: { chatId: chat.id },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
    expect(stored.map((m) => m.content)).toEqual(['earlier', 'plain', 'twice', 'with file', 'from the owner']);
    expect((await db.file.findUniqueOrThrow({ where: { id: theirs.id } })).messageId).toBeNull();
    expect((await db.file.findUniqueOrThrow({ where: { id: mine.id } })).messageId).toBe(ok[6]!.message.id);
    // The group's counts: the owner has 4 unread from the guest (earlier, plain, twice, with file).
    expect(ok[6]).toMatchObject({ recipientId: owner.id, unreadCount: 4, chatUnreadCount: 4 });
    expect(ok[7]).toMatchObject({ recipientId: guest.id, unreadCount: 1, chatUnreadCount: 1 });
    expect((await db.chat.findUniqueOrThrow({ where: { id: chat.id } })).lastMessageAt).toEqual(
      stored.at(-1)!.createdAt,
    );
  });

  it('two files in one group cannot claim the same upload', async () => {
    const { guest, chat } = await createChat(db);
    const f = await createUpload(db, guest.id);
    const outcomes = await sendMessages(db, [
      { senderId: guest.id, input: { chatId: chat.id, content: 'first', attachments: [f.id] } },
      { senderId: guest.id, input: { chatId: chat.id, content: 'second', attachments: [f.id] } },
    ]);
    expect(outcomes.map((o) => o.ok)).toEqual([true, false]);
    expect(await db.message.count({ where: { chatId: chat.id } })).toBe(1);
  });

  it('answers the retry of a message with an attachment with the stored message, in a later group or the same one', async () => {
    const { guest, chat } = await createChat(db);
    const f = await createUpload(db, guest.id);
    const g = await createUpload(db, guest.id);
    const send = (clientMessageId: string, fileId: string): SendRequest => ({
      senderId: guest.id,
      input: { chatId: chat.id, content: 'with file', attachments: [fileId], clientMessageId },
    });
    const [first] = await sendMessages(db, [send('k-file', f.id)]);
    const [retry] = await sendMessages(db, [send('k-file', f.id)]);
    const sameGroup = await sendMessages(db, [send('k-group', g.id), send('k-group', g.id)]);

    const sent = [first, retry, ...sameGroup].map((o) => (o!.ok ? o!.sent : null));
    expect(sent.map((s) => s?.duplicate)).toEqual([false, true, false, true]);
    expect(sent[1]!.message).toEqual(sent[0]!.message);
    expect(sent[1]!.message.files.map((file) => file.id)).toEqual([f.id]);
    expect(sent[3]!.message.id).toBe(sent[2]!.message.id);
    expect(sent[3]!.message.files.map((file) => file.id)).toEqual([g.id]);
    expect(await db.message.count({ where: { chatId: chat.id } })).toBe(2);
  });

  it('answers a retry sent while the first attempt is still in flight with the stored message', async () => {
    const { guest, chat } = await createChat(db);
    const f = await createUpload(db, guest.id);
    const request: SendRequest = {
      senderId: guest.id,
      input: { chatId: chat.id, content: 'with file', attachments: [f.id], clientMessageId: 'k-inflight' },
    };
    // The first attempt claims the file, then waits for the chat row; the retry waits for the file.
    const locker = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query('SELECT id FROM chats WHERE id = $1 FOR UPDATE', [chat.id]);
    const first = sendMessages(db, [request]);
    await waitForLockWaiters(1);
    const retry = sendMessages(db, [request]);
    await waitForLockWaiters(2);
    await locker.query('COMMIT');
    await locker.end();

    const [a, b] = [(await first)[0]!, (await retry)[0]!].map((o) => {
      if (!o.ok) throw o.error;
      return o.sent;
    });
    expect([a!.duplicate, b!.duplicate]).toEqual([false, true]);
    expect(b!.message.id).toBe(a!.message.id);
    expect(b!.message.files.map((file) => file.id)).toEqual([f.id]);
    expect(await db.message.count({ where: { chatId: chat.id } })).toBe(1);
  });

  it("through the process's db, a send with attachments is one transaction: its claimed file stays locked until it commits", async () => {
    // The process's `db` is a lazy proxy; sendMessages must see it as a client and open a
    // transaction (before the proxy answered `in`, each step ran in autocommit).
    expect('$transaction' in db).toBe(true);
    const { guest, chat } = await createChat(db);
    const f = await createUpload(db, guest.id);
    const locker = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query('SELECT id FROM chats WHERE id = $1 FOR UPDATE', [chat.id]);
    const send = sendMessage(db, guest.id, { chatId: chat.id, content: 'with file', attachments: [f.id] });
    await waitForLockWaiters(1); // it claimed the file, then waits for the chat row
    const probe = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await probe.connect();
    const claim = await probe.query('SELECT id FROM files WHERE id = $1 FOR UPDATE NOWAIT', [f.id]).then(
      () => 'free',
      (error: { code?: string }) => error.code,
    );
    await locker.query('COMMIT');
    await Promise.all([locker.end(), probe.end()]);
    expect(claim).toBe('55P03'); // lock_not_available: the send in flight holds it
    expect((await send).message.files.map((file) => file.id)).toEqual([f.id]);
  });

  it('concurrent groups over the same chats in opposite orders neither deadlock nor lose a message', async () => {
    const a = await createChat(db);
    const b = await createChat(db);
    const group = (first: typeof a, second: typeof a, n: number): SendRequest[] => [
      { senderId: first.guest.id, input: { chatId: first.chat.id, content: `g${n}-1` } },
      { senderId: second.guest.id, input: { chatId: second.chat.id, content: `g${n}-2` } },
    ];
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, n) => sendMessages(db, n % 2 ? group(a, b, n) : group(b, a, n))),
    );
    expect(results.flat().every((o) => o.ok)).toBe(true);
    expect(await db.message.count({ where: { chatId: { in: [a.chat.id, b.chat.id] } } })).toBe(40);
  });

  it('fails every message of a group whose transaction fails, storing none of them', async () => {
    const { guest, chat } = await createChat(db);
    // A content with a NUL byte is refused by PostgreSQL for text: the whole statement fails.
    const outcomes = await sendMessages(db, [
      { senderId: guest.id, input: { chatId: chat.id, content: 'fine' } },
      { senderId: guest.id, input: { chatId: chat.id, content: 'bad \u0000 byte' } },
    ]);
    expect(outcomes.map((o) => o.ok)).toEqual([false, false]);
    expect(await db.message.count({ where: { chatId: chat.id } })).toBe(0);
  });
});

describe('the group statement', () => {
  it('is prepared once per connection and reused (PostgreSQL does not plan it on every send)', async () => {
    const single = createDb(process.env.DATABASE_URL!, 1); // one connection: the one asked below
    try {
      const { guest, chat } = await createChat(db);
      for (let n = 0; n < 3; n++) {
        const [outcome] = await sendMessages(single, [
          { senderId: guest.id, input: { chatId: chat.id, content: `m${n}` } },
        ]);
        expect(outcome!.ok).toBe(true);
      }
      const prepared = await single.$queryRaw<Array<{ name: string; calls: bigint }>>`
        SELECT name, generic_plans + custom_plans AS calls FROM pg_prepared_statements`;
      expect(prepared.map((p) => [p.name, Number(p.calls)])).toEqual([['store_group', 3]]);
    } finally {
      await single.$disconnect();
    }
  });

  it('names only the statements that carry the marker', () => {
    expect(preparedStatementName(`${preparedStatementMarker('store_group')}\n WITH v AS (SELECT 1)`)).toBe(
      'store_group',
    );
    expect(preparedStatementName('SELECT 1 /* prepared:store_group */')).toBeUndefined();
    expect(preparedStatementName('SELECT 1')).toBeUndefined();
    expect(() => preparedStatementMarker('Robert; DROP')).toThrow(/bad prepared statement name/);
  });
});

describe('newMessageId', () => {
  it('sorts in the order made, within one millisecond too, and fits the id pattern', () => {
    const ids = Array.from({ length: 50 }, () => newMessageId(1_800_000_000_000));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(50);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]{8,64}$/);
    expect(newMessageId(1_800_000_000_001) > ids.at(-1)!).toBe(true);
  });
});

/** Waits until `n` sessions of this database wait for a lock. */
async function waitForLockWaiters(n: number) {
  // Its own connection, outside any transaction: a transaction sees pg_stat_activity as it was
  // when it first read it.
  const watcher = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await watcher.connect();
  try {
    for (let i = 0; i < 500; i++) {
      const { rows } = await watcher.query<{ waiting: number }>(
        `SELECT count(*)::int AS waiting FROM pg_stat_activity
         WHERE datname = current_database() AND wait_event_type = 'Lock'`,
      );
      if (rows[0]!.waiting >= n) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`${n} sessions never waited for a lock`);
  } finally {
    await watcher.end();
  }
}
