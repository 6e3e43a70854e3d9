// Sending, for one message or many at once. Concurrent sends (a busy realtime node) are stored
// together in ONE transaction: one membership query, one INSERT, one chats UPDATE, one unread
// count, one COMMIT (one disk flush) for the whole group, instead of all of that per message.
// Every message still gets its own outcome: a bad one (foreign chat, someone else's file) fails
// alone before anything is written, and a retried clientMessageId is answered with the stored
// message. Idempotency is the unique index (sender_id, client_message_id): INSERT … ON CONFLICT
// DO NOTHING stores a retry zero times, however the retries race.
import { randomBytes } from 'node:crypto';
import type { Db } from '../db';
import { AppError } from '../errors';
import { loadChats, membershipOf, type ChatMembership } from './access';
import { publishChatEvent } from './events';
import { messageInclude, toMessageDto, type MessageDto } from './message-dto';
import type { SendMessageInput } from './schemas';
import { countUnreadBoth, countUnreadByChat } from './unread';

export interface SentMessage {
  message: MessageDto;
  /** True when this (sender, clientMessageId) was already stored: nothing new was written. */
  duplicate: boolean;
  recipientId: string;
  /** The recipient's unread messages over all chats, and in this chat. */
  unreadCount: number;
  chatUnreadCount: number;
}

export interface SendRequest {
  senderId: string;
  input: SendMessageInput;
  /** Also announce it to the realtime server (for sends that do not come through it). */
  publish?: boolean;
}

export type StoreOutcome = { ok: true; sent: SentMessage } | { ok: false; error: unknown };

type FileRow = { id: string; originalName: string; mimeType: string; size: number };

let lastTime = 0;
let counter = 0;

/**
 * A new message id: time, then a per-process counter, then randomness, all lowercase base-36 /
 * hex, so ids made one after another in a process sort in that order (the tie-breaker of equal
 * timestamps) and never collide across processes.
 */
export function newMessageId(now = Date.now()): string {
  counter = now === lastTime ? counter + 1 : 0;
  lastTime = now;
  return `m${now.toString(36).padStart(9, '0')}${counter.toString(36).padStart(4, '0')}${randomBytes(6).toString('hex')}`;
}

/** Stores one message; throws its error (see sendMessages). */
export async function sendMessage(db: Db, senderId: string, input: SendMessageInput, options: { publish?: boolean } = {}): Promise<SentMessage> {
  const [outcome] = await sendMessages(db, [{ senderId, input, publish: options.publish }]);
  if (!outcome!.ok) throw outcome!.error;
  return outcome!.sent;
}

/** Stores many messages in one transaction; one outcome per request, in the same order. */
export async function sendMessages(db: Db, requests: SendRequest[]): Promise<StoreOutcome[]> {
  const outcomes: Array<StoreOutcome | undefined> = requests.map(() => undefined);
  const fail = (i: number, error: unknown) => (outcomes[i] = { ok: false, error });

  // 1. Who may send where: one query for every chat named.
  const chats = await loadChats(db, [...new Set(requests.map((r) => r.input.chatId))]);
  const members: Array<ChatMembership | undefined> = requests.map((r, i) => {
    try {
      const chat = membershipOf(chats.get(r.input.chatId), r.senderId);
      if (r.input.propertyId && r.input.propertyId !== chat.propertyId) {
        throw new AppError('VALIDATION', 'propertyId does not match the chat', { details: [{ path: ['propertyId'], message: "not this chat's property" }] });
      }
      return chat;
    } catch (error) {
      fail(i, error);
      return undefined;
    }
  });

  const inserted = new Map<number, { id: string; createdAt: Date; files: FileRow[] }>();
  const duplicates: number[] = [];
  const counts = new Map<string, { unreadCount: number; chatUnreadCount: number }>();

  // Steps 2–7, in one transaction; they fill `inserted`, `duplicates` and `counts`.
  async function storeTogether() {
    await db.$transaction(async (tx) => {
      // 2. Attachments: only the sender's own unused uploads, each used once. Locked, so a
      //    concurrent send cannot claim the same file.
      const wanted = requests.flatMap((r, i) => (outcomes[i] ? [] : (r.input.attachments ?? [])));
      const usable = new Map<string, string>(); // file id → uploader
      if (wanted.length) {
        const rows = await tx.$queryRaw<Array<{ id: string; uploader_id: string }>>`
          SELECT id, uploader_id FROM files
          WHERE id = ANY(${wanted}::text[]) AND message_id IS NULL AND archived_message_id IS NULL
          ORDER BY id FOR UPDATE`;
        for (const row of rows) usable.set(row.id, row.uploader_id);
      }
      const claimed = new Set<string>();
      const fileIdsOf = requests.map((r, i) => {
        if (outcomes[i]) return [];
        const ids = [...new Set(r.input.attachments ?? [])];
        if (ids.some((id) => usable.get(id) !== r.senderId || claimed.has(id))) {
          fail(i, new AppError('VALIDATION', 'An attachment does not exist, is not yours, or is already part of a message', {
            details: [{ path: ['attachments'], message: 'unusable attachment' }],
          }));
          return [];
        }
        ids.forEach((id) => claimed.add(id));
        return ids;
      });

      // 3. The messages, in one statement. A (sender, clientMessageId) already stored, or twice in
      //    this group, is skipped by the unique index and answered as a duplicate below.
      const pending = requests.map((_, i) => i).filter((i) => !outcomes[i]);
      if (!pending.length) return;
      const ids = pending.map(() => newMessageId());
      const stored = await tx.$queryRaw<Array<{ id: string; created_at: Date }>>`
        INSERT INTO messages (id, chat_id, sender_id, recipient_id, property_id, content, client_message_id, created_at)
        SELECT v.id, v.chat_id, v.sender_id, v.recipient_id, v.property_id, v.content, v.client_message_id, clock_timestamp()
        FROM unnest(
          ${ids}::text[], ${pending.map((i) => requests[i]!.input.chatId)}::text[], ${pending.map((i) => requests[i]!.senderId)}::text[],
          ${pending.map((i) => members[i]!.otherUserId)}::text[], ${pending.map((i) => members[i]!.propertyId)}::text[],
          ${pending.map((i) => requests[i]!.input.content)}::text[], ${pending.map((i) => requests[i]!.input.clientMessageId ?? null)}::text[]
        ) WITH ORDINALITY AS v(id, chat_id, sender_id, recipient_id, property_id, content, client_message_id, n)
        ORDER BY v.n
        ON CONFLICT (sender_id, client_message_id) DO NOTHING
        RETURNING id, created_at`;
      const createdAt = new Map(stored.map((r) => [r.id, r.created_at]));
      pending.forEach((i, k) => {
        const at = createdAt.get(ids[k]!);
        if (at) inserted.set(i, { id: ids[k]!, createdAt: at, files: [] });
        else duplicates.push(i);
      });
      if (!inserted.size) return;

      // 4. Bind the attachments to their messages.
      const binding = [...inserted].flatMap(([i, m]) => fileIdsOf[i]!.map((fileId) => [fileId, m.id] as const));
      if (binding.length) {
        const files = await tx.$queryRaw<Array<FileRow & { messageId: string }>>`
          UPDATE files f SET message_id = v.message_id
          FROM unnest(${binding.map((b) => b[0])}::text[], ${binding.map((b) => b[1])}::text[]) AS v(file_id, message_id)
          WHERE f.id = v.file_id
          RETURNING f.id, f.original_name AS "originalName", f.mime_type AS "mimeType", f.size, f.message_id AS "messageId"`;
        const order = new Map(binding.map((b, n) => [b[0], n]));
        files.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
        for (const m of inserted.values()) m.files = files.filter((f) => f.messageId === m.id).map(({ messageId: _m, ...f }) => f);
      }

      // 5. Each chat's lastMessageAt, locking the chats in one order so concurrent groups never
      //    deadlock; GREATEST: a slower concurrent send must not move a chat back in time.
      const newest = new Map<string, Date>();
      for (const [i, m] of inserted) {
        const chatId = requests[i]!.input.chatId;
        if (!newest.has(chatId) || newest.get(chatId)! < m.createdAt) newest.set(chatId, m.createdAt);
      }
      const chatIds = [...newest.keys()].sort();
      await tx.$queryRaw`SELECT id FROM chats WHERE id = ANY(${chatIds}::text[]) ORDER BY id FOR NO KEY UPDATE`;
      await tx.$executeRaw`
        UPDATE chats c SET last_message_at = GREATEST(c.last_message_at, v.at), updated_at = now()
        FROM unnest(${chatIds}::text[], ${chatIds.map((id) => newest.get(id)!)}::timestamptz[]) AS v(id, at)
        WHERE c.id = v.id`;

      // 6. The recipients' unread counts after this group, from the partial unread index.
      const recipients = [...new Set([...inserted.keys()].map((i) => members[i]!.otherUserId))];
      const rows = await countUnreadByChat(tx, recipients);
      for (const i of inserted.keys()) {
        const { otherUserId, id: chatId } = members[i]!;
        const mine = rows.filter((r) => r.recipientId === otherUserId);
        counts.set(`${otherUserId}:${chatId}`, {
          unreadCount: mine.reduce((sum, r) => sum + r.count, 0),
          chatUnreadCount: mine.find((r) => r.chatId === chatId)?.count ?? 0,
        });
      }

      // 7. Announcements for sends that did not come through the realtime server, sent on commit.
      for (const [i, m] of inserted) {
        if (requests[i]!.publish) await publishChatEvent(tx, { type: 'message_created', messageId: m.id, chatId: requests[i]!.input.chatId });
      }
    });
  }

  try {
    await storeTogether();
  } catch (error) {
    // Nothing of the group was stored: every message not yet answered fails with this error
    // (a client retries it with the same clientMessageId).
    inserted.clear();
    duplicates.length = 0;
    requests.forEach((_, i) => outcomes[i] ?? fail(i, error));
    return outcomes as StoreOutcome[];
  }

  for (const [i, m] of inserted) {
    const { senderId, input } = requests[i]!;
    const chat = members[i]!;
    const message = toMessageDto({
      id: m.id,
      chatId: chat.id,
      senderId,
      recipientId: chat.otherUserId,
      propertyId: chat.propertyId,
      content: input.content,
      clientMessageId: input.clientMessageId ?? null,
      createdAt: m.createdAt,
      readAt: null,
      sender: chat.me,
      recipient: chat.other,
      property: chat.property,
      files: m.files,
    });
    outcomes[i] = { ok: true, sent: { message, duplicate: false, recipientId: chat.otherUserId, ...counts.get(`${chat.otherUserId}:${chat.id}`)! } };
  }
  for (const i of duplicates) {
    const { senderId, input } = requests[i]!;
    try {
      outcomes[i] = { ok: true, sent: await findStored(db, senderId, input.clientMessageId!, input.chatId) };
    } catch (error) {
      fail(i, error);
    }
  }
  return outcomes as StoreOutcome[];
}

/** The message already stored for this (sender, clientMessageId): a retry's answer. */
async function findStored(db: Db, senderId: string, clientMessageId: string, chatId: string): Promise<SentMessage> {
  const row = await db.message.findUnique({ where: { senderId_clientMessageId: { senderId, clientMessageId } }, include: messageInclude });
  if (!row) throw new AppError('INTERNAL', 'The stored message could not be read back');
  if (row.chatId !== chatId) throw new AppError('CONFLICT', 'This clientMessageId was already used for a message in another chat');
  return { message: toMessageDto(row), duplicate: true, recipientId: row.recipientId, ...(await countUnreadBoth(db, row.recipientId, chatId)) };
}

