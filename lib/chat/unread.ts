// Unread counts, read from the per-chat counters chats.guest_unread_count / owner_unread_count,
// which statement triggers on messages keep (prisma/migrations/20261125193000_unread_counters).
// A count costs one row per chat of the user, however long the history and however many
// messages are waiting: nothing here reads the messages table.
import { Prisma, type Db } from '../db';
import type { Chat } from '../db/generated/client';

/** A member's own counter on a chat row. */
export function unreadOf(
  chat: Pick<Chat, 'guestId' | 'guestUnreadCount' | 'ownerUnreadCount'>,
  userId: string,
): number {
  return chat.guestId === userId ? chat.guestUnreadCount : chat.ownerUnreadCount;
}

/** The recipient's unread messages over all chats and in one chat, in one query. */
export function unreadCountsQuery(recipientId: string, chatId: string): Prisma.Sql {
  return Prisma.sql`
    SELECT COALESCE(sum(n), 0)::int AS total, COALESCE(sum(n) FILTER (WHERE id = ${chatId}), 0)::int AS in_chat
    FROM (SELECT id, CASE WHEN guest_id = ${recipientId} THEN guest_unread_count ELSE owner_unread_count END AS n
          FROM chats WHERE guest_id = ${recipientId} OR owner_id = ${recipientId}) AS mine`;
}

type Queryable = Pick<Db, '$queryRaw'>;

/** The recipient's unread messages over all chats (the seed's `getUnreadCount`) and in this chat. */
export async function countUnreadBoth(
  db: Queryable,
  recipientId: string,
  chatId: string,
): Promise<{ unreadCount: number; chatUnreadCount: number }> {
  const [row] = await db.$queryRaw<Array<{ total: number; in_chat: number }>>(unreadCountsQuery(recipientId, chatId));
  return { unreadCount: row?.total ?? 0, chatUnreadCount: row?.in_chat ?? 0 };
}
