// Messages of a chat: history pages, sending and read receipts. Called by the route handlers
// and by the realtime server alike; authorization is checked here, never by the caller. Reads
// that span live and archived messages go through message-store.ts.
import type { Db } from '../db';
import { AppError } from '../errors';
import { getChatForMember, getChatForReader, type ChatMembership } from './access';
import { encodeCursor, parseCursor, type Position } from './cursor';
import { publishChatEvent, type EventOrigin } from './events';
import type { MessageDto } from './message-dto';
import { countMessages, findPosition, loadMessages, pageMessages, pageRows } from './message-store';
import type { ListMessagesQuery, MarkReadInput } from './schemas';
import { recordDeliveredPage } from './delivery-receipts';
import { countUnreadBoth } from './unread';

// ---------------------------------------------------------------------------------------------
// History

export interface MessagePage {
  messages: MessageDto[];
  /**
   * How far the other member's client has the chat's messages (their delivery marker): the
   * reader's own messages created up to it are delivered. Null when nothing was delivered yet.
   */
  deliveredUntil: string | null;
  /** Edits and unsends of this chat made after this page are asked with `changedAfter=<changeCursor>`. */
  changeCursor: string;
  pagination: {
    /** More messages exist beyond this page in the direction of travel (older for `before`/none, newer for `after`). */
    hasMore: boolean;
    /** Continue in the direction of travel. */
    nextCursor: string | null;
    /** Go the other way from this page. */
    prevCursor: string | null;
    /**
     * Newer messages exist after this page (then `prevCursor`, or `nextCursor` for `after`, leads
     * there). Given for pages fetched `around` a message or `after` a cursor; a page without a
     * cursor is the newest, so it has none.
     */
    hasNewer?: boolean;
    // The seed's fields, present when it asked with `page`.
    page?: number;
    limit?: number;
    total?: number;
    totalPages?: number;
  };
}

type PageOfMessages = Omit<MessagePage, 'changeCursor' | 'deliveredUntil'>;

/**
 * A keyset page of a chat's history, live and archived messages alike, in chronological order.
 * The rows come from message-store.ts, through the (chat_id, created_at, id) indexes with a row
 * comparison, so a page costs the same at any depth; a keyset page is one statement, after the
 * one that checks membership and reads both delivery markers. The reader's client has the page's
 * messages once it is answered: their delivery marker moves (delivery-receipts.ts), with no
 * statement at all when it already covers them.
 */
export async function listMessages(
  db: Db,
  userId: string,
  chatId: string,
  query: ListMessagesQuery,
): Promise<MessagePage> {
  // The change clock before the page: a change made after it is seen by the next catch-up.
  const chat = await getChatForReader(db, userId, chatId);
  const page = await pageOf(db, chatId, query);
  await recordDeliveredPage(db, userId, chatId, page.messages, chat.myDeliveredUntil);
  return {
    ...page,
    changeCursor: String(chat.changeSeq),
    deliveredUntil: chat.otherDeliveredUntil?.toISOString() ?? null,
  };
}

async function pageOf(db: Db, chatId: string, query: ListMessagesQuery): Promise<PageOfMessages> {
  if (query.around !== undefined) return listMessagesAround(db, chatId, query.around, query.limit);
  const forward = query.after !== undefined;
  const cursor = query.after ?? query.before;
  const position =
    cursor === undefined ? null : await resolvePosition(db, chatId, cursor, forward ? 'after' : 'before');
  if (query.page !== undefined) return listMessagesByPage(db, chatId, query.page, query.limit, position);

  const rows = await pageMessages(db, chatId, position, forward, query.limit + 1);
  const hasMore = rows.length > query.limit;
  const messages = rows.slice(0, query.limit);
  if (!forward) messages.reverse();
  const first = messages[0];
  const last = messages.at(-1);
  const older = first ? encodeCursor({ createdAt: new Date(first.createdAt), id: first.id }) : null;
  const newer = last ? encodeCursor({ createdAt: new Date(last.createdAt), id: last.id }) : (cursor ?? null);
  return {
    messages,
    pagination: forward
      ? { hasMore, nextCursor: newer, prevCursor: older, hasNewer: hasMore }
      : { hasMore, nextCursor: hasMore ? older : null, prevCursor: newer, ...(cursor ? {} : { hasNewer: false }) },
  };
}

/**
 * `limit` messages with message `id` in the middle (the older half one shorter when even), in
 * chronological order. `hasMore`/`nextCursor` lead to older messages, `hasNewer`/`prevCursor` to
 * newer ones, as on the pages that continue from it.
 */
async function listMessagesAround(db: Db, chatId: string, id: string, limit: number): Promise<PageOfMessages> {
  const target = await findPosition(db, chatId, id);
  if (!target) {
    throw new AppError('VALIDATION', '"around" names a message that is not in this chat', {
      details: [{ path: ['around'], message: 'unknown message' }],
    });
  }
  const olderWanted = Math.floor((limit - 1) / 2);
  const newerWanted = limit - 1 - olderWanted;
  // One row more each way says whether more lie beyond.
  const olderRows = await pageRows(db, chatId, target, false, olderWanted + 1, 0);
  const newerRows = await pageRows(db, chatId, target, true, newerWanted + 1, 0);
  const rows = [...olderRows.slice(0, olderWanted).reverse(), { id: target.id }, ...newerRows.slice(0, newerWanted)];
  const messages = await loadMessages(db, rows);
  const first = messages[0]!;
  const last = messages.at(-1)!;
  const hasMore = olderRows.length > olderWanted;
  return {
    messages,
    pagination: {
      hasMore,
      nextCursor: hasMore ? encodeCursor({ createdAt: new Date(first.createdAt), id: first.id }) : null,
      prevCursor: encodeCursor({ createdAt: new Date(last.createdAt), id: last.id }),
      hasNewer: newerRows.length > newerWanted,
    },
  };
}

/** The seed's OFFSET paging (page 1 = newest), kept for its clients; it slows with depth. */
async function listMessagesByPage(
  db: Db,
  chatId: string,
  page: number,
  limit: number,
  before: Position | null,
): Promise<PageOfMessages> {
  const rows = await pageRows(db, chatId, before, false, limit, (page - 1) * limit);
  const total = await countMessages(db, chatId, before);
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

async function resolvePosition(
  db: Db,
  chatId: string,
  cursor: string,
  parameter: 'before' | 'after',
): Promise<Position> {
  const parsed = parseCursor(cursor, parameter);
  if (parsed.kind === 'position') return { createdAt: parsed.createdAt, id: parsed.id };
  const found = await findPosition(db, chatId, parsed.id);
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
 * named; naming any other (one's own, another chat's) changes nothing and is FORBIDDEN. A read
 * that changed something publishes `messages_read` with its commit (for the sender and the
 * reader's other tabs; see StoreOptions.announce).
 */
export async function markMessagesRead(
  db: Db,
  readerId: string,
  input: MarkReadInput,
  /** `chat`: the reader's membership of input.chatId, when the caller already holds it; `origin`: the socket asking. */
  options: { chat?: ChatMembership; origin?: EventOrigin; announce?: boolean } = {},
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
    if (messageIds.length && (options.announce ?? true)) {
      await publishChatEvent(tx, { type: 'messages_read', ...receipt, origin: options.origin ?? null });
    }
    return receipt;
  });
}
