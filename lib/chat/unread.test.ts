import { describe, expect, it, beforeAll } from 'vitest';
import { db, Prisma } from '../db';
import { archiveBatch } from '../retention/archive-messages';
import { connect } from '../retention/test-fixtures';
import { createChat } from '../../test/fixtures';
import { markMessagesRead } from './messages';
import { sendMessages } from './send-messages';
import { countUnreadBoth, unreadCountsQuery } from './unread';

const inChat = async (userId: string, chatId: string) => (await countUnreadBoth(db, userId, chatId)).chatUnreadCount;

/** Chats whose counters disagree with the messages themselves (the truth the triggers keep). */
async function counterDrift() {
  return db.$queryRaw<Array<{ id: string }>>`
    SELECT c.id, c.guest_unread_count, c.owner_unread_count, t.to_guest, t.to_owner FROM chats c
    CROSS JOIN LATERAL (
      SELECT count(*) FILTER (WHERE m.recipient_id = c.guest_id)::int AS to_guest,
             count(*) FILTER (WHERE m.recipient_id = c.owner_id)::int AS to_owner
      FROM messages m WHERE m.chat_id = c.id AND m.read_at IS NULL AND m.unsent_at IS NULL
    ) t
    WHERE c.guest_unread_count <> t.to_guest OR c.owner_unread_count <> t.to_owner`;
}

// A recipient whose chats hold many read messages and a few unread ones: the shape of a real
// inbox after a year of use, bulk-loaded by plain INSERTs (the counters' triggers see those too).
describe('unread counts', () => {
  let ownerId: string;
  let chatIds: string[];

  beforeAll(async () => {
    const owner = await db.user.create({
      data: { email: 'o@unread.test', name: 'O', passwordHash: 'x', role: 'OWNER' },
    });
    const property = await db.property.create({ data: { ownerId: owner.id, name: 'P' } });
    ownerId = owner.id;
    chatIds = [];
    for (let g = 0; g < 20; g++) {
      const guest = await db.user.create({ data: { email: `g${g}@unread.test`, name: `G${g}`, passwordHash: 'x' } });
      const chat = await db.chat.create({ data: { guestId: guest.id, ownerId, propertyId: property.id } });
      chatIds.push(chat.id);
      // 2,000 read messages per chat to the owner, and g % 3 unread ones.
      await db.$executeRaw`
        INSERT INTO messages (id, chat_id, sender_id, recipient_id, content, created_at, read_at)
        SELECT 'm' || ${chat.id} || '_' || i, ${chat.id}, ${guest.id}, ${ownerId}, 'hello ' || i,
               now() - make_interval(mins => 5000 - i),
               CASE WHEN i > 2000 - ${g % 3} THEN NULL ELSE now() END
        FROM generate_series(1, 2000) AS i`;
    }
  });

  it('counts exactly the unread messages, in total and per chat', async () => {
    const expectedTotal = Array.from({ length: 20 }, (_, g) => g % 3).reduce((a, b) => a + b, 0);
    expect(await countUnreadBoth(db, ownerId, chatIds[2]!)).toEqual({ unreadCount: expectedTotal, chatUnreadCount: 2 });
    expect(await countUnreadBoth(db, ownerId, chatIds[3]!)).toEqual({ unreadCount: expectedTotal, chatUnreadCount: 0 });
    expect(await counterDrift()).toEqual([]);
  });

  it('reads the chats of the recipient only, never the messages table', async () => {
    const plan = await db.$queryRaw<Array<{ 'QUERY PLAN': string }>>(
      Prisma.sql`EXPLAIN ${unreadCountsQuery(ownerId, chatIds[5]!)}`,
    );
    const text = plan.map((r) => r['QUERY PLAN']).join('\n');
    expect(text).toMatch(/on chats/);
    expect(text).not.toMatch(/messages/);
  });
});

describe('the unread counters', () => {
  it('follow every way a message comes, is read, unread again, archived or deleted, concurrent ones included', async () => {
    const a = await createChat(db);
    const b = await createChat(db);
    const send = (n: number) =>
      sendMessages(db, [
        { senderId: a.guest.id, input: { chatId: a.chat.id, content: `to owner ${n}` } },
        { senderId: a.owner.id, input: { chatId: a.chat.id, content: `to guest ${n}` } },
        { senderId: b.guest.id, input: { chatId: b.chat.id, content: `b ${n}` } },
      ]);
    const firstGroup = await send(0);
    expect(firstGroup.map((o) => o.ok && [o.sent.unreadCount, o.sent.chatUnreadCount])).toEqual([
      [1, 1],
      [1, 1],
      [1, 1],
    ]);

    // Sends and read receipts racing each other on the same chats.
    const ids = (
      await db.message.findMany({ where: { chatId: a.chat.id, recipientId: a.owner.id }, select: { id: true } })
    ).map((m) => m.id);
    await Promise.all([
      ...Array.from({ length: 10 }, (_, n) => send(n + 1)),
      markMessagesRead(db, a.owner.id, { chatId: a.chat.id, messageIds: ids }),
      ...Array.from({ length: 5 }, () =>
        markMessagesRead(db, b.owner.id, {
          chatId: b.chat.id,
          upToMessageId: firstGroup[2]!.ok ? firstGroup[2]!.sent.message.id : '',
        }),
      ),
    ]);
    expect(await counterDrift()).toEqual([]);
    expect(await inChat(a.owner.id, a.chat.id)).toBe(10);
    expect(await inChat(a.guest.id, a.chat.id)).toBe(11);
    expect(await inChat(b.owner.id, b.chat.id)).toBe(10);

    // Read everything, then unread one again (a plain UPDATE).
    const last = await db.message.findFirstOrThrow({
      where: { chatId: a.chat.id },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    });
    const receipt = await markMessagesRead(db, a.owner.id, { chatId: a.chat.id, upToMessageId: last.id });
    expect(receipt).toMatchObject({ chatUnreadCount: 0, unreadCount: 0 });
    await db.message.update({ where: { id: ids[0]! }, data: { readAt: null } });
    expect(await inChat(a.owner.id, a.chat.id)).toBe(1);

    // The archive job moves old messages out (unread ones included), a chat's deletion cascades.
    await db.message.updateMany({
      where: { chatId: { in: [a.chat.id, b.chat.id] } },
      data: { createdAt: new Date('2020-01-01') },
    });
    const client = await connect();
    try {
      expect((await archiveBatch(client, new Date('2021-01-01'), 5)).messages).toBe(5);
    } finally {
      await client.end();
    }
    expect(await counterDrift()).toEqual([]);
    await db.message.deleteMany({ where: { chatId: b.chat.id } });
    expect(await inChat(b.owner.id, b.chat.id)).toBe(0);
    expect(await counterDrift()).toEqual([]);
  });

  it('move by the unread rows of a bulk INSERT across chats and members, and last_message_at only forward', async () => {
    const a = await createChat(db);
    const b = await createChat(db);
    const later = new Date(Date.now() + 60_000);
    await db.chat.update({ where: { id: b.chat.id }, data: { lastMessageAt: later } });
    // One statement: both directions in a, a read and an unsent row (neither counts), and a row in
    // b older than b's last message.
    await db.$executeRaw`
      INSERT INTO messages (id, chat_id, sender_id, recipient_id, content, created_at, read_at, unsent_at) VALUES
        (${`${a.chat.id}-1`}, ${a.chat.id}, ${a.guest.id}, ${a.owner.id}, 'to the owner', now(), NULL, NULL),
        (${`${a.chat.id}-2`}, ${a.chat.id}, ${a.owner.id}, ${a.guest.id}, 'to the guest', now() + interval '1 second', NULL, NULL),
        (${`${a.chat.id}-3`}, ${a.chat.id}, ${a.guest.id}, ${a.owner.id}, 'already read', now(), now(), NULL),
        (${`${a.chat.id}-4`}, ${a.chat.id}, ${a.guest.id}, ${a.owner.id}, '', now(), NULL, now()),
        (${`${b.chat.id}-1`}, ${b.chat.id}, ${b.guest.id}, ${b.owner.id}, 'older than the chat', now(), NULL, NULL)`;
    const newestInA = await db.message.findFirstOrThrow({
      where: { chatId: a.chat.id },
      orderBy: { createdAt: 'desc' },
    });
    expect(await db.chat.findUniqueOrThrow({ where: { id: a.chat.id } })).toMatchObject({
      guestUnreadCount: 1,
      ownerUnreadCount: 1,
      lastMessageAt: newestInA.createdAt,
    });
    expect(await db.chat.findUniqueOrThrow({ where: { id: b.chat.id } })).toMatchObject({
      guestUnreadCount: 0,
      ownerUnreadCount: 1,
      lastMessageAt: later,
    });
  });

  it('count the other member on their own: an UPDATE that reads one member and unreads the other moves both', async () => {
    const { guest, owner, chat } = await createChat(db);
    await sendMessages(db, [
      { senderId: guest.id, input: { chatId: chat.id, content: 'to the owner' } },
      { senderId: owner.id, input: { chatId: chat.id, content: 'to the guest' } },
    ]);
    await db.message.updateMany({ where: { chatId: chat.id, recipientId: guest.id }, data: { readAt: new Date() } });
    expect(await inChat(guest.id, chat.id)).toBe(0);
    expect(await inChat(owner.id, chat.id)).toBe(1);
    // One statement: the owner's message becomes read, the guest's unread again (net change 0).
    await db.$executeRaw`UPDATE messages SET read_at = CASE WHEN read_at IS NULL THEN now() END WHERE chat_id = ${chat.id}`;
    expect(await inChat(guest.id, chat.id)).toBe(1);
    expect(await inChat(owner.id, chat.id)).toBe(0);
    expect(await counterDrift()).toEqual([]);
  });

  it("are exact in a send's answer when another write to the chat commits while the send waits for it", async () => {
    const { guest, owner, chat } = await createChat(db);
    const other = await connect();
    try {
      // Another writer (a second node, a REST send) has stored a message and holds the chat's lock.
      await other.query('BEGIN');
      await other.query(
        `INSERT INTO messages (id, chat_id, sender_id, recipient_id, content) VALUES ('mconcurrent0001', $1, $2, $3, 'first')`,
        [chat.id, guest.id, owner.id],
      );
      const answer = sendMessages(db, [{ senderId: guest.id, input: { chatId: chat.id, content: 'second' } }]);
      await new Promise((resolve) => setTimeout(resolve, 300));
      await other.query('COMMIT');
      const [outcome] = await answer;
      expect(outcome).toMatchObject({ ok: true, sent: { unreadCount: 2, chatUnreadCount: 2 } });
    } finally {
      await other.end();
    }
    expect(await inChat(owner.id, chat.id)).toBe(2);
  });

  it('are zeroed by a TRUNCATE of the messages (no DELETE trigger fires for it)', async () => {
    expect(
      (await db.chat.findMany({ where: { OR: [{ guestUnreadCount: { gt: 0 } }, { ownerUnreadCount: { gt: 0 } }] } }))
        .length,
    ).toBeGreaterThan(0);
    await db.$executeRaw`TRUNCATE messages CASCADE`;
    expect(
      await db.chat.count({ where: { OR: [{ guestUnreadCount: { not: 0 } }, { ownerUnreadCount: { not: 0 } }] } }),
    ).toBe(0);
  });
});
