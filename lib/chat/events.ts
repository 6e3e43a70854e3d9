// The chat events that leave the database: every change a user can see elsewhere (a message
// stored, messages read, sessions revoked) is published with PostgreSQL NOTIFY INSIDE the
// statement or transaction that makes it. NOTIFY is transactional: delivered on commit, never for
// a rollback, so an event exists exactly when its change does, whoever made it (a socket, a REST
// call, a job) and whatever happens to that process after its commit. Every realtime node
// LISTENs and delivers each event to its own sockets (realtime/chat-events.ts): one delivery
// path for everything.
// Payloads carry what delivery needs (the whole message, the counts), so no node reads the
// database per event; NOTIFY's 8000-byte limit is kept by sending only the ids of a message too
// big to travel (the relay then loads it) and by splitting long id lists.
import { z } from 'zod';
import { Prisma } from '../db';
import { messageRowJsonSql, type MessageRowJson } from './message-store';

export const CHAT_EVENTS_CHANNEL = 'stayeasy_chat_events';
const IDS_PER_NOTIFICATION = 200;
/** Above this a message travels as its id only (NOTIFY refuses payloads of 8000 bytes or more). */
export const MAX_INLINE_PAYLOAD_BYTES = 7900;

// Our own SQL writes these payloads: the check is shallow on purpose (it runs per message per node).
const messageRowJson = z.custom<MessageRowJson>(
  (v) => typeof v === 'object' && v !== null && typeof (v as { id?: unknown }).id === 'string',
);

export const chatEventSchema = z.discriminatedUnion('type', [
  // Sign-out (or sign out everywhere): sockets opened with these sessions must close now, not
  // at their next reconnect. `sessionIds: null` means every session of the user.
  z.object({ type: z.literal('sessions_revoked'), userId: z.string(), sessionIds: z.array(z.string()).nullable() }),
  z.object({
    type: z.literal('message_created'),
    messageId: z.string(),
    chatId: z.string(),
    recipientId: z.string(),
    /** The recipient's unread messages over all chats and in this chat, as of the commit. */
    unreadCount: z.number(),
    chatUnreadCount: z.number(),
    /** The socket that sent it (it has its ack: not told again); null for REST and jobs. */
    origin: z.string().nullable(),
    /** The whole message; null when too big for NOTIFY (the relay loads it by id). */
    message: messageRowJson.nullable(),
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
    origin: z.string().nullable(),
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
  /** FROM … exposing the message as m (with `archived`), its people as s and r, its property as p. */
  from: Prisma.Sql;
  files: Prisma.Sql;
  unreadCount: Prisma.Sql;
  chatUnreadCount: Prisma.Sql;
  origin: Prisma.Sql;
  order: Prisma.Sql;
}

/**
 * An SQL expression that publishes `message_created` for each message of `source`, in `order`,
 * as part of the statement it is in (so the event commits with the message), and evaluates to
 * how many it published. The caller must use that value, or PostgreSQL skips the CTE it sits in.
 */
export function notifyMessagesCreatedSql(source: MessageCreatedSource): Prisma.Sql {
  const fields = (message: Prisma.Sql) => Prisma.sql`json_build_object('type', 'message_created', 'messageId', m.id,
    'chatId', m.chat_id, 'recipientId', m.recipient_id, 'unreadCount', ${source.unreadCount},
    'chatUnreadCount', ${source.chatUnreadCount}, 'origin', ${source.origin}, 'message', ${message})::text`;
  // The subquery's ORDER BY keeps it from being flattened, so the events go out in that order.
  return Prisma.sql`(SELECT count(pg_notify(${CHAT_EVENTS_CHANNEL},
      CASE WHEN octet_length(e.whole) <= ${MAX_INLINE_PAYLOAD_BYTES} THEN e.whole ELSE e.by_id END))
    FROM (
      SELECT ${fields(messageRowJsonSql(source.files))} AS whole, ${fields(Prisma.sql`NULL`)} AS by_id
      ${source.from}
      ORDER BY ${source.order}
    ) e)`;
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
