import { describe, expect, it, beforeAll } from 'vitest';
import { db, Prisma } from '../db';
import { countUnread, countUnreadBoth, countUnreadInChat, unreadCountsQuery, unreadInChatQuery, unreadTotalQuery } from './unread';

// A recipient whose chats hold many read messages and a few unread ones: the shape of a real
// inbox after a year of use. The planner must count from the partial index, not scan history.
describe('unread counts', () => {
  let ownerId: string;
  let chatIds: string[];

  beforeAll(async () => {
    const owner = await db.user.create({ data: { email: 'o@unread.test', name: 'O', passwordHash: 'x', role: 'OWNER' } });
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
    await db.$executeRaw`ANALYZE messages`;
  });

  it('counts exactly the unread messages, in total and per chat', async () => {
    const expectedTotal = Array.from({ length: 20 }, (_, g) => g % 3).reduce((a, b) => a + b, 0);
    expect(await countUnread(db, ownerId)).toBe(expectedTotal);
    expect(await countUnreadInChat(db, ownerId, chatIds[2]!)).toBe(2);
    expect(await countUnreadInChat(db, ownerId, chatIds[3]!)).toBe(0);
    // Both at once (what a send returns) agree with the two separate counts.
    expect(await countUnreadBoth(db, ownerId, chatIds[2]!)).toEqual({ unreadCount: expectedTotal, chatUnreadCount: 2 });
    expect(await countUnreadBoth(db, ownerId, chatIds[3]!)).toEqual({ unreadCount: expectedTotal, chatUnreadCount: 0 });
  });

  it.each([
    ['the total', () => unreadTotalQuery(ownerId)],
    ['one chat', () => unreadInChatQuery(ownerId, chatIds[5]!)],
    ['both counts', () => unreadCountsQuery(ownerId, chatIds[5]!)],
  ])('reads %s from the partial index idx_messages_unread, never a sequential scan', async (_what, query) => {
    const plan = await db.$queryRaw<Array<{ 'QUERY PLAN': string }>>(Prisma.sql`EXPLAIN ${query()}`);
    const text = plan.map((r) => r['QUERY PLAN']).join('\n');
    expect(text).toMatch(/Index Only Scan using idx_messages_unread|Index Scan using idx_messages_unread|Bitmap Index Scan on idx_messages_unread/);
    expect(text).not.toMatch(/Seq Scan/);
  });
});
