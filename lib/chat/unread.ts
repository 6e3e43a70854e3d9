// Unread counts. Both read only the partial index idx_messages_unread
// (recipient_id, chat_id) WHERE read_at IS NULL (created in the init migration), so their cost
// follows the number of unread messages, never the length of the history.
import { Prisma, type Db } from '../db';

export function unreadTotalQuery(recipientId: string): Prisma.Sql {
  return Prisma.sql`SELECT count(*)::int AS count FROM messages WHERE recipient_id = ${recipientId} AND read_at IS NULL`;
}

export function unreadInChatQuery(recipientId: string, chatId: string): Prisma.Sql {
  return Prisma.sql`SELECT count(*)::int AS count FROM messages
    WHERE recipient_id = ${recipientId} AND chat_id = ${chatId} AND read_at IS NULL`;
}

/** Both counts in one pass over the recipient's unread entries (one round trip per send). */
export function unreadCountsQuery(recipientId: string, chatId: string): Prisma.Sql {
  return Prisma.sql`SELECT count(*)::int AS total, (count(*) FILTER (WHERE chat_id = ${chatId}))::int AS in_chat
    FROM messages WHERE recipient_id = ${recipientId} AND read_at IS NULL`;
}

type Queryable = Pick<Db, '$queryRaw'>;

/** The recipient's unread messages over all chats (the seed's `getUnreadCount`). */
export async function countUnread(db: Queryable, recipientId: string): Promise<number> {
  const [row] = await db.$queryRaw<Array<{ count: number }>>(unreadTotalQuery(recipientId));
  return row?.count ?? 0;
}

export async function countUnreadInChat(db: Queryable, recipientId: string, chatId: string): Promise<number> {
  const [row] = await db.$queryRaw<Array<{ count: number }>>(unreadInChatQuery(recipientId, chatId));
  return row?.count ?? 0;
}

/** The recipient's unread messages over all chats and in this chat, in one query. */
export async function countUnreadBoth(db: Queryable, recipientId: string, chatId: string): Promise<{ unreadCount: number; chatUnreadCount: number }> {
  const [row] = await db.$queryRaw<Array<{ total: number; in_chat: number }>>(unreadCountsQuery(recipientId, chatId));
  return { unreadCount: row?.total ?? 0, chatUnreadCount: row?.in_chat ?? 0 };
}

/** Unread messages per (recipient, chat) for these recipients: the chat list and group sends. */
export async function countUnreadByChat(db: Queryable, recipientIds: string[]): Promise<Array<{ recipientId: string; chatId: string; count: number }>> {
  return db.$queryRaw`
    SELECT recipient_id AS "recipientId", chat_id AS "chatId", count(*)::int AS count FROM messages
    WHERE recipient_id = ANY(${recipientIds}::text[]) AND read_at IS NULL GROUP BY recipient_id, chat_id`;
}
