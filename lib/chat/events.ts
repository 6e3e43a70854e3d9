// The chat events that leave the database: every change a user can see elsewhere (a message
// stored, delivered or read, sessions revoked) is published with PostgreSQL NOTIFY INSIDE the
// statement or transaction that makes it. NOTIFY is transactional: delivered on commit, never for
// a rollback, so an event exists exactly when its change does, whoever made it (a socket, a REST
// call, a job) and whatever happens to that process after its commit. Every realtime node
// LISTENs and delivers each event to its own sockets (realtime/chat-events.ts): one delivery
// path for everything.
// Payloads are small: ids and counts, a group of sends in one notification. The node whose
// socket made a change delivers it to its own sockets from memory and skips its copy; the other
// nodes load a group's messages in one query (measured: whole messages built into every payload
// cost the send path about a fifth of its throughput on one node, where no one reads them).
// NOTIFY's 8000-byte limit is kept by splitting long lists.
import { z } from 'zod';
import { Prisma } from '../db';

export const CHAT_EVENTS_CHANNEL = 'stayeasy_chat_events';
const IDS_PER_NOTIFICATION = 200;
/** Messages per `messages_created` notification: about 250 bytes each, under 8000 with room. */
export const MESSAGES_PER_NOTIFICATION = 25;

/**
 * Where a change came from, when a socket made it: that socket has its ack (it is not told
 * again), and that node delivers the event to its own sockets at once, from memory, so it skips
 * the copy it hears back. Null for REST and jobs: every node delivers those from LISTEN.
 */
const originSchema = z.object({ node: z.string(), socket: z.string() }).nullable();
export type EventOrigin = z.infer<typeof originSchema>;

export const chatEventSchema = z.discriminatedUnion('type', [
  // Sign-out (or sign out everywhere): sockets opened with these sessions must close now, not
  // at their next reconnect. `sessionIds: null` means every session of the user.
  z.object({ type: z.literal('sessions_revoked'), userId: z.string(), sessionIds: z.array(z.string()).nullable() }),
  z.object({
    type: z.literal('messages_created'),
    /** In the order they were stored. */
    messages: z.array(
      z.object({
        messageId: z.string(),
        chatId: z.string(),
        recipientId: z.string(),
        /** The recipient's unread messages over all chats and in this chat, as of the commit. */
        unreadCount: z.number(),
        chatUnreadCount: z.number(),
        origin: originSchema,
      }),
    ),
  }),
  // An edit or an unsend (message-changes.ts): the message is loaded by id where it is delivered.
  z.object({
    type: z.literal('message_changed'),
    chatId: z.string(),
    messageId: z.string(),
    recipientId: z.string(),
    /** The recipient's unread counts after the change (an unsend may lower them). */
    unreadCount: z.number(),
    chatUnreadCount: z.number(),
    origin: originSchema,
  }),
  z.object({
    type: z.literal('messages_read'),
    chatId: z.string(),
    readerId: z.string(),
    otherUserId: z.string(),
    messageIds: z.array(z.string()),
    readAt: z.string(),
    /** The reader's unread counts after the read (for the reader's own tabs). */
    unreadCount: z.number(),
    chatUnreadCount: z.number(),
    origin: originSchema,
  }),
  // A sender's scheduled messages of a chat changed (scheduled-messages.ts: scheduled, edited,
  // cancelled, sent, failed): only that sender's tabs are told, and they read the list again.
  // chatId is null when the chat is gone.
  z.object({ type: z.literal('scheduled_messages_changed'), userId: z.string(), chatId: z.string().nullable() }),
  // A member blocked or unblocked the other (blocks.ts): both members' tabs learn who is blocked.
  z.object({
    type: z.literal('chat_block_changed'),
    chatId: z.string(),
    memberIds: z.array(z.string()),
    blockedUserIds: z.array(z.string()),
  }),
  // A member's delivery marker moved (delivery-receipts.ts): for the other member's ticks.
  z.object({
    type: z.literal('messages_delivered'),
    chatId: z.string(),
    /** Whose client has the messages, and who is told. */
    userId: z.string(),
    otherUserId: z.string(),
    deliveredUntil: z.string(),
  }),
]);
export type ChatEvent = z.infer<typeof chatEventSchema>;
export type ChatEventOf<T extends ChatEvent['type']> = Extract<ChatEvent, { type: T }>;

type Tx = Pick<Prisma.TransactionClient, '$executeRaw'>;

/** Publishes an event from inside the transaction that made its change (sent on commit). */
export async function publishChatEvent(tx: Tx, event: ChatEvent): Promise<void> {
  const parts: ChatEvent[] =
    event.type === 'messages_read' && event.messageIds.length > IDS_PER_NOTIFICATION
      ? chunk(event.messageIds, IDS_PER_NOTIFICATION).map((messageIds) => ({ ...event, messageIds }))
      : [event];
  for (const part of parts) {
    await tx.$executeRaw`SELECT pg_notify(${CHAT_EVENTS_CHANNEL}, ${JSON.stringify(part)})`;
  }
}

/** The parts of notifyMessagesCreatedSql's statement: where each message and its figures come from. */
export interface MessageCreatedSource {
  /** FROM … exposing the message as m. */
  from: Prisma.Sql;
  unreadCount: Prisma.Sql;
  chatUnreadCount: Prisma.Sql;
  /** A json (EventOrigin) or NULL. */
  origin: Prisma.Sql;
  order: Prisma.Sql;
}

/**
 * An SQL expression that publishes `messages_created` for the messages of `source`, in `order`,
 * MESSAGES_PER_NOTIFICATION a notification, as part of the statement it is in (so the events
 * commit with the messages), and evaluates to how many notifications it sent. The caller must use
 * that value, or PostgreSQL skips the CTE it sits in.
 */
export function notifyMessagesCreatedSql(source: MessageCreatedSource): Prisma.Sql {
  // The subqueries' ORDER BY keeps them from being flattened: the notifications go out in order.
  return Prisma.sql`(SELECT count(pg_notify(${CHAT_EVENTS_CHANNEL}, g.payload)) FROM (
      SELECT json_build_object('type', 'messages_created', 'messages', json_agg(e.item ORDER BY e.k))::text AS payload
      FROM (
        SELECT row_number() OVER (ORDER BY ${source.order}) AS k,
          json_build_object('messageId', m.id, 'chatId', m.chat_id, 'recipientId', m.recipient_id,
            'unreadCount', ${source.unreadCount}, 'chatUnreadCount', ${source.chatUnreadCount},
            'origin', ${source.origin}) AS item
        ${source.from}
      ) e
      GROUP BY (e.k - 1) / ${MESSAGES_PER_NOTIFICATION}
      ORDER BY min(e.k)
    ) g)`;
}

export function parseChatEvent(payload: string): ChatEvent | null {
  try {
    const result = chatEventSchema.safeParse(JSON.parse(payload));
    return result.success ? result.data : null;
  } catch {
    return null;
  }
}

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
