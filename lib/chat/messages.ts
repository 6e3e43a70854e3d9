// Messages of a chat: history pages, sending and read receipts. Called by the route handlers
// and by the realtime server alike; authorization is checked here, never by the caller.
import { Prisma, type Db } from '../db';
import { AppError } from '../errors';
import { getChatForMember, type ChatMembership } from './access';
import { encodeCursor, parseCursor, type Position } from './cursor';
import { publishChatEvent } from './events';
import { messageInclude, toMessageDto, type MessageDto } from './message-dto';
import type { ListMessagesQuery, MarkReadInput } from './schemas';
import { countUnreadBoth } from './unread';

// ---------------------------------------------------------------------------------------------
// History

export interface MessagePage {
  messages: MessageDto[];
  pagination: {
    /** More messages exist beyond this page in the direction of travel (older for `before`/none, newer for `after`). */
    hasMore: boolean;
    /** Continue in the direction of travel. */
    nextCursor: string | null;
    /** Go the other way from this page. */
    prevCursor: string | null;
    // The seed's fields, present when it asked with `page`.
    page?: number;
    limit?: number;
    total?: number;
    totalPages?: number;
  };
}

export interface PageRow {
  id: string;
  created_at: Date;
  archived: boolean;
}

/**
 * A keyset page of a chat's history, live and archived messages alike, in chronological order.
 * Both tables are read through their (chat_id, created_at, id) index with a row comparison, so
 * a page costs the same at any depth.
 */
export async function listMessages(
  db: Db,
  userId: string,
  chatId: string,
  query: ListMessagesQuery,
): Promise<MessagePage> {
  await getChatForMember(db, userId, chatId);
  const forward = query.after !== undefined;
  const cursor = query.after ?? query.before;
  const position =
    cursor === undefined ? null : await resolvePosition(db, chatId, cursor, forward ? 'after' : 'before');

  if (query.page !== undefined) return listMessagesByPage(db, chatId, query.page, query.limit, position);

  const rows = await pageRows(db, chatId, position, forward, query.limit + 1, 0);
  const hasMore = rows.length > query.limit;
  const page = rows.slice(0, query.limit);
  if (!forward) page.reverse();
  const messages = await loadMessages(db, page);
  const first = messages[0];
  const last = messages.at(-1);
  const older = first ? encodeCursor({ createdAt: new Date(first.createdAt), id: first.id }) : null;
  const newer = last ? encodeCursor({ createdAt: new Date(last.createdAt), id: last.id }) : (cursor ?? null);
  return {
    messages,
    pagination: forward
      ? { hasMore, nextCursor: newer, prevCursor: older }
      : { hasMore, nextCursor: hasMore ? older : null, prevCursor: newer },
  };
}

/** The seed's OFFSET paging (page 1 = newest), kept for its clients; it slows with depth. */
async function listMessagesByPage(
  db: Db,
  chatId: string,
  page: number,
  limit: number,
  before: Position | null,
): Promise<MessagePage> {
  const rows = await pageRows(db, chatId, before, false, limit, (page - 1) * limit);
  const [{ total }] = await db.$queryRaw<[{ total: number }]>`
    SELECT ((SELECT count(*) FROM messages WHERE chat_id = ${chatId} ${beforeClause(before)})
          + (SELECT count(*) FROM archived_messages WHERE chat_id = ${chatId} ${beforeClause(before)}))::int AS total`;
  const messages = await loadMessages(db, rows.reverse());
  const totalPages = Math.ceil(total / limit);
  const first = messages[0];
  const last = messages.at(-1);
  return {
    messages,
    pagination: {
      hasMore: page < totalPages,
      nextCursor:
        page < totalPages && first ? encodeCursor({ createdAt: new Date(first.createdAt), id: first.id }) : null,
      prevCursor: last ? encodeCursor({ createdAt: new Date(last.createdAt), id: last.id }) : null,
      page,
      limit,
      total,
      totalPages,
    },
  };
}

function beforeClause(position: Position | null): Prisma.Sql {
  if (!position) return Prisma.empty;
  return position.id === null
    ? Prisma.sql`AND created_at < ${position.createdAt}`
    : Prisma.sql`AND (created_at, id) < (${position.createdAt}, ${position.id})`;
}

function afterClause(position: Position | null): Prisma.Sql {
  if (!position) return Prisma.empty;
  return position.id === null
    ? Prisma.sql`AND created_at > ${position.createdAt}`
    : Prisma.sql`AND (created_at, id) > (${position.createdAt}, ${position.id})`;
}

/** The page's SQL, exported so a test can EXPLAIN exactly what runs. */
export function pageQuery(
  chatId: string,
  position: Position | null,
  forward: boolean,
  take: number,
  skip: number,
): Prisma.Sql {
  const where = forward ? afterClause(position) : beforeClause(position);
  const order = forward ? Prisma.sql`created_at ASC, id ASC` : Prisma.sql`created_at DESC, id DESC`;
  // Ordering by the whole index key (chat_id is constant here) keeps the planner on
  // (chat_id, created_at, id) even for a chat that holds most of the table, where the plain
  // created_at index would otherwise look as cheap. Each side is limited on its own index;
  // the merge handles at most 2 × (skip + take) rows.
  const indexOrder = forward ? Prisma.sql`chat_id ASC, ${order}` : Prisma.sql`chat_id DESC, ${order}`;
  return Prisma.sql`
    (SELECT id, created_at, false AS archived FROM messages
      WHERE chat_id = ${chatId} ${where} ORDER BY ${indexOrder} LIMIT ${skip + take})
    UNION ALL
    (SELECT id, created_at, true AS archived FROM archived_messages
      WHERE chat_id = ${chatId} ${where} ORDER BY ${indexOrder} LIMIT ${skip + take})
    ORDER BY ${order} LIMIT ${take} OFFSET ${skip}`;
}

function pageRows(db: Db, chatId: string, position: Position | null, forward: boolean, take: number, skip: number) {
  return db.$queryRaw<PageRow[]>(pageQuery(chatId, position, forward, take, skip));
}

/** The messages of page rows, in the rows' order (exported for its test). */
export async function loadMessages(db: Db, rows: PageRow[]): Promise<MessageDto[]> {
  const liveIds = rows.filter((r) => !r.archived).map((r) => r.id);
  const archivedIds = rows.filter((r) => r.archived).map((r) => r.id);
  const [live, archived] = await Promise.all([
    liveIds.length ? db.message.findMany({ where: { id: { in: liveIds } }, include: messageInclude }) : [],
    archivedIds.length
      ? db.archivedMessage.findMany({ where: { id: { in: archivedIds } }, include: messageInclude })
      : [],
  ]);
  const byId = new Map<string, MessageDto>([
    ...live.map((m) => [m.id, toMessageDto(m)] as const),
    ...archived.map((m) => [m.id, toMessageDto(m, true)] as const),
  ]);
  // The retention job may have moved a message to the archive between the two queries; it
  // keeps its id there, and the page must not skip it (the next cursor would step past it).
  const moved = liveIds.filter((id) => !byId.has(id));
  if (moved.length) {
    for (const m of await db.archivedMessage.findMany({ where: { id: { in: moved } }, include: messageInclude })) {
      byId.set(m.id, toMessageDto(m, true));
    }
  }
  return rows.map((r) => byId.get(r.id)).filter((m): m is MessageDto => m !== undefined);
}

async function resolvePosition(
  db: Db,
  chatId: string,
  cursor: string,
  parameter: 'before' | 'after',
): Promise<Position> {
  const parsed = parseCursor(cursor, parameter);
  if (parsed.kind === 'position') return { createdAt: parsed.createdAt, id: parsed.id };
  const where = { id: parsed.id, chatId };
  const found =
    (await db.message.findFirst({ where, select: { id: true, createdAt: true } })) ??
    (await db.archivedMessage.findFirst({ where, select: { id: true, createdAt: true } }));
  if (!found) {
    throw new AppError('VALIDATION', `"${parameter}" names a message that is not in this chat`, {
      details: [{ path: [parameter], message: 'unknown message' }],
    });
  }
  return found;
}

// ---------------------------------------------------------------------------------------------
// Read receipts

export interface ReadReceipt {
  chatId: string;
  readerId: string;
  /** The chat's other member: the sender of the messages read, who is told so. */
  otherUserId: string;
  /** The messages this call marked read (already-read ones are not repeated). */
  messageIds: string[];
  readAt: string;
  /** The reader's unread messages after this, over all chats and in this chat. */
  unreadCount: number;
  chatUnreadCount: number;
}

/**
 * Marks messages read for their recipient. Only messages sent to the reader in this chat can be
 * named; naming any other (one's own, another chat's) changes nothing and is FORBIDDEN.
 */
export async function markMessagesRead(
  db: Db,
  readerId: string,
  input: MarkReadInput,
  /** `chat`: the reader's membership of input.chatId, when the caller already holds it. */
  options: { publish?: boolean; chat?: ChatMembership } = {},
): Promise<ReadReceipt> {
  const chat = options.chat ?? (await getChatForMember(db, readerId, input.chatId));
  const readAt = new Date();
  return db.$transaction(async (tx) => {
    let changed: Array<{ id: string }>;
    if (input.messageIds) {
      const ids = [...new Set(input.messageIds)];
      const mine = await tx.message.count({ where: { id: { in: ids }, chatId: chat.id, recipientId: readerId } });
      if (mine !== ids.length) {
        throw new AppError('FORBIDDEN', 'You can only mark messages sent to you in this chat as read');
      }
      changed = await tx.$queryRaw`
        UPDATE messages SET read_at = ${readAt}
        WHERE id = ANY(${ids}::text[]) AND recipient_id = ${readerId} AND read_at IS NULL
        RETURNING id`;
    } else {
      const upTo = await tx.message.findFirst({
        where: { id: input.upToMessageId, chatId: chat.id },
        select: { id: true, createdAt: true },
      });
      if (!upTo) throw new AppError('NOT_FOUND', 'Message not found in this chat');
      changed = await tx.$queryRaw`
        UPDATE messages SET read_at = ${readAt}
        WHERE chat_id = ${chat.id} AND recipient_id = ${readerId} AND read_at IS NULL
          AND (created_at, id) <= (${upTo.createdAt}, ${upTo.id})
        RETURNING id`;
    }
    const messageIds = changed.map((r) => r.id).sort();
    const { unreadCount, chatUnreadCount } = await countUnreadBoth(tx, readerId, chat.id);
    const receipt = {
      chatId: chat.id,
      readerId,
      otherUserId: chat.otherUserId,
      messageIds,
      readAt: readAt.toISOString(),
      unreadCount,
      chatUnreadCount,
    };
    if (options.publish && messageIds.length) {
      await publishChatEvent(tx, {
        type: 'messages_read',
        chatId: chat.id,
        readerId,
        messageIds,
        readAt: receipt.readAt,
      });
    }
    return receipt;
  });
}
