// Changes to messages already sent: edit (within EDIT_WINDOW_MINUTES) and unsend (within
// UNSEND_WINDOW_HOURS) by their sender, reactions by either member, and the change cursor
// through which a client that was away learns of them. Windows count from the server's time of
// sending; archived messages are read-only; a member the other blocked may not react or edit. Each change takes the chat's next change_seq under the chat's row lock and publishes
// `message_changed` with its commit (for other realtime nodes; see events.ts), like a send.
// Locks: the message row first, then the chat row (in the counters trigger or the change_seq
// update): the order a read receipt takes them, so the two never deadlock.
import type { AttachmentStorage } from '../attachments/storage';
import { Prisma, type Db } from '../db';
import { AppError, notFound } from '../errors';
import { getChatForMember } from './access';
import { refuseIfBlocked } from './blocks';
import { publishChatEvent, type EventOrigin } from './events';
import type { MessageDto } from './message-dto';
import { loadMessages } from './message-store';
import {
  EDIT_WINDOW_MINUTES,
  UNSEND_WINDOW_HOURS,
  type EditMessageInput,
  type ReactInput,
  type UnsendMessageInput,
} from './schemas';
import { countUnreadBoth } from './unread';

/** Changes returned by one call of listMessageChanges, at most. */
export const MAX_CHANGES_PER_PAGE = 500;

export interface MessageChange {
  /** The message as it is now. */
  message: MessageDto;
  /** The message's recipient, and their unread counts after the change (an unsend may lower them). */
  recipientId: string;
  unreadCount: number;
  chatUnreadCount: number;
  /** False when nothing changed (the same text again, an unsend repeated): nothing was announced. */
  changed: boolean;
}

export interface ChangeOptions {
  /** The socket asking (see EventOrigin). */
  origin?: EventOrigin;
  /** See StoreOptions.announce. */
  announce?: boolean;
}

type Tx = Prisma.TransactionClient;
type TargetRow = {
  id: string;
  sender_id: string;
  recipient_id: string;
  created_at: Date;
  content: string;
  unsent_at: Date | null;
  /** The database's clock: windows are counted on the server's time. */
  now: Date;
  /** The asking user's reactions on it. */
  my_reactions: string[];
};

/** Replaces the text of one's own message (earlier versions go to message_edits). */
export function editMessage(
  db: Db,
  userId: string,
  input: EditMessageInput,
  options: ChangeOptions = {},
): Promise<MessageChange> {
  return changeMessage(db, userId, input, options, {
    blockable: true,
    window: { ms: EDIT_WINDOW_MINUTES * 60_000, what: `edited within ${EDIT_WINDOW_MINUTES} minutes of sending` },
    refuse: (row) => (row.unsent_at ? new AppError('CONFLICT', 'This message was unsent; it cannot be edited') : null),
    // The same text again (a retry from an outbox, or no edit at all) changes nothing.
    done: (row) => row.content === input.content,
    async apply(tx, row, changeSeq) {
      await tx.$executeRaw`
        INSERT INTO message_edits (id, message_id, content) VALUES (gen_random_uuid()::text, ${row.id}, ${row.content})`;
      await tx.$executeRaw`
        UPDATE messages SET content = ${input.content}, edited_at = now(), change_seq = ${changeSeq}
        WHERE id = ${row.id}`;
    },
  });
}

/**
 * Unsends one's own message: its text and edit history are removed, its attachments deleted
 * (rows here, bytes after the commit), and it no longer counts as unread. Repeating it is a no-op.
 */
export async function unsendMessage(
  db: Db,
  storage: AttachmentStorage,
  userId: string,
  input: UnsendMessageInput,
  options: ChangeOptions & { log?: (error: unknown) => void } = {},
): Promise<MessageChange> {
  let storageKeys: string[] = [];
  return changeMessage(db, userId, input, options, {
    window: { ms: UNSEND_WINDOW_HOURS * 3_600_000, what: `unsent within ${UNSEND_WINDOW_HOURS} hours of sending` },
    // Unsent already: answered as it is, whenever asked (a retry from an outbox).
    done: (row) => row.unsent_at !== null,
    async apply(tx, row, changeSeq) {
      const files = await tx.$queryRaw<Array<{ storage_key: string | null }>>`
        DELETE FROM files WHERE message_id = ${row.id} RETURNING storage_key`;
      // A file named by URL that was never fetched has no bytes. One being fetched right now
      // finds its row gone and drops what it fetched (lib/attachments/attachments.ts).
      storageKeys = files.flatMap((f) => (f.storage_key === null ? [] : [f.storage_key]));
      await tx.$executeRaw`DELETE FROM message_edits WHERE message_id = ${row.id}`;
      await tx.$executeRaw`
        UPDATE messages SET content = '', unsent_at = now(), change_seq = ${changeSeq} WHERE id = ${row.id}`;
    },
    // Right after the commit, before anything that may fail: no row names these bytes any more,
    // so nothing would remove them later. One that cannot go now is reported (disk space only).
    async committed() {
      for (const key of storageKeys) await storage.delete(key).catch((error: unknown) => options.log?.(error));
    },
  });
}

/**
 * Puts a reaction on a message of the chat, or takes it off (either member, any message not
 * unsent, no time limit; archived ones are read-only). Setting the state it already has changes
 * nothing, so a retry never flips it back. Not a message: unread counts and the chat's order stay.
 */
export function setReaction(
  db: Db,
  userId: string,
  input: ReactInput,
  options: ChangeOptions = {},
): Promise<MessageChange> {
  return changeMessage(db, userId, input, options, {
    by: 'member',
    blockable: true,
    refuse: (row) =>
      row.unsent_at ? new AppError('CONFLICT', 'This message was unsent; it takes no reactions') : null,
    done: (row) => row.my_reactions.includes(input.emoji) === input.on,
    async apply(tx, row, changeSeq, reactor) {
      if (input.on) {
        await tx.$executeRaw`
          INSERT INTO message_reactions (id, message_id, user_id, emoji)
          VALUES (gen_random_uuid()::text, ${row.id}, ${reactor}, ${input.emoji})`;
      } else {
        await tx.$executeRaw`
          DELETE FROM message_reactions WHERE message_id = ${row.id} AND user_id = ${reactor} AND emoji = ${input.emoji}`;
      }
      await tx.$executeRaw`UPDATE messages SET change_seq = ${changeSeq} WHERE id = ${row.id}`;
    },
  });
}

/** One change rule: refused outright, nothing to do, or too late; else `apply` makes it. */
interface ChangeRule {
  /** Who may make it: the message's sender (the default), or either member of the chat. */
  by?: 'sender' | 'member';
  /**
   * A blocked member may not make it (blocks.ts): reactions and edits speak to the other member;
   * an unsend only takes back, so it stays allowed.
   */
  blockable?: boolean;
  /** How long after sending it may be made; no limit when absent. */
  window?: { ms: number; what: string };
  refuse?: (row: TargetRow) => AppError | null;
  done: (row: TargetRow) => boolean;
  /** Makes the change (for `userId`), stamping `changeSeq` on the message. */
  apply: (tx: Tx, row: TargetRow, changeSeq: bigint, userId: string) => Promise<void>;
  /** Runs once a change has committed. */
  committed?: () => Promise<void>;
}

async function changeMessage(
  db: Db,
  userId: string,
  target: { chatId: string; messageId?: string; clientMessageId?: string },
  options: ChangeOptions,
  rule: ChangeRule,
): Promise<MessageChange> {
  const chat = await getChatForMember(db, userId, target.chatId);
  // By id, or by the user's own clientMessageId (see schemas.ts).
  const which = target.messageId
    ? Prisma.sql`id = ${target.messageId}`
    : Prisma.sql`sender_id = ${userId} AND client_message_id = ${target.clientMessageId ?? null}`;
  const { changed, recipientId, messageId, counts } = await db.$transaction(async (tx) => {
    const [row] = await tx.$queryRaw<TargetRow[]>`
      SELECT id, sender_id, recipient_id, created_at, content, unsent_at, now() AS now,
             ARRAY(SELECT emoji FROM message_reactions r WHERE r.message_id = messages.id AND r.user_id = ${userId}) AS my_reactions
      FROM messages WHERE ${which} AND chat_id = ${chat.id} FOR NO KEY UPDATE`;
    if (!row) {
      const [archived] = await tx.$queryRaw<unknown[]>`
        SELECT 1 FROM archived_messages WHERE ${which} AND chat_id = ${chat.id}`;
      if (archived) throw new AppError('ARCHIVED', 'This message is archived: it can no longer be changed');
      throw notFound('Message');
    }
    if ((rule.by ?? 'sender') === 'sender' && row.sender_id !== userId)
      throw new AppError('FORBIDDEN', 'You can only change your own messages');
    const refusal = rule.refuse?.(row);
    if (refusal) throw refusal;
    // After the message's lock, like the change_seq update below: the same lock order.
    if (rule.blockable) await refuseIfBlocked(tx, chat.id, userId);
    // The recipient's counts as this transaction leaves them: for the answer and the event alike.
    const countsNow = () => countUnreadBoth(tx, row.recipient_id, chat.id);
    if (rule.done(row)) {
      return { changed: false, recipientId: row.recipient_id, messageId: row.id, counts: await countsNow() };
    }
    if (rule.window && row.now.getTime() - row.created_at.getTime() > rule.window.ms) {
      throw new AppError('WINDOW_CLOSED', `Too late: a message can be ${rule.window.what}`);
    }
    const [{ change_seq }] = await tx.$queryRaw<[{ change_seq: bigint }]>`
      UPDATE chats SET change_seq = change_seq + 1 WHERE id = ${chat.id} RETURNING change_seq`;
    await rule.apply(tx, row, change_seq, userId);
    const counts = await countsNow();
    if (options.announce ?? true) {
      await publishChatEvent(tx, {
        type: 'message_changed',
        chatId: chat.id,
        messageId: row.id,
        recipientId: row.recipient_id,
        ...counts,
        origin: options.origin ?? null,
      });
    }
    return { changed: true, recipientId: row.recipient_id, messageId: row.id, counts };
  });
  if (changed) await rule.committed?.();
  const [message] = await loadMessages(db, [{ id: messageId }]);
  if (!message) throw notFound('Message'); // its chat was deleted since
  return { message, recipientId, changed, ...counts };
}

/**
 * The chat's messages changed after `changedAfter` (a change cursor from a history page or an
 * earlier call), oldest change first, and the cursor to ask from next time. `hasMore` when more
 * than MAX_CHANGES_PER_PAGE changed: ask again from the returned cursor.
 */
export async function listMessageChanges(
  db: Db,
  userId: string,
  chatId: string,
  changedAfter: bigint,
): Promise<{ messages: MessageDto[]; changeCursor: string; hasMore: boolean }> {
  // The chat's clock first: every change up to it has committed (each holds the chat row's lock
  // until its commit), so the rows read next include them all.
  const chat = await getChatForMember(db, userId, chatId);
  const rows = await db.$queryRaw<Array<{ id: string; change_seq: bigint }>>`
    SELECT id, change_seq FROM chat_messages
    WHERE chat_id = ${chat.id} AND change_seq > ${changedAfter}
    ORDER BY change_seq LIMIT ${MAX_CHANGES_PER_PAGE + 1}`;
  const hasMore = rows.length > MAX_CHANGES_PER_PAGE;
  const page = rows.slice(0, MAX_CHANGES_PER_PAGE);
  const cursor = hasMore ? page.at(-1)!.change_seq : chat.changeSeq;
  return { messages: await loadMessages(db, page), changeCursor: String(cursor), hasMore };
}
