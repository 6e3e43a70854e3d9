// Sending, for one message or many at once. Concurrent sends (a busy realtime node) are stored
// together: a group of plain messages is ONE autocommit statement (membership check, INSERT and
// unread counts: one round trip and one disk flush for the whole group); a group with
// attachments or announcements wraps that statement in a transaction with those steps.
// Every message still gets its own outcome: a bad one (foreign chat, a sender the other member
// blocked: BLOCKED, checked on the locked chat row; someone else's file, a URL
// attachment that breaks the rule) fails alone and writes nothing, and a retried clientMessageId
// is answered with the stored message, attachments included (its files are already that
// message's, so their claim is not an error). Attachments named by URL get their files rows in the
// message's transaction, with no bytes yet (lib/attachments/attachments.ts fetches them when first
// read); a retry answered as a duplicate inserts none.
// Idempotency is the unique index (sender_id, client_message_id): INSERT … ON CONFLICT DO
// NOTHING stores a retry zero times, however the retries race.
// Each stored message's `messages_created` event is published by the same statement or
// transaction (events.ts), so it is delivered exactly when the message exists, even if the
// process that stored it dies right after; a retry answered as a duplicate publishes nothing
// (its first attempt's commit did).
import { randomBytes, randomUUID } from 'node:crypto';
import { checkUrlAttachments, type CheckedUrlAttachment } from '../attachments/attachment-urls';
import { nameOfUrl } from '../attachments/attachments';
import { Prisma, type Db } from '../db';
import { preparedStatementMarker, queryThroughPool } from '../db/client';
import { AppError } from '../errors';
import { chatRowColumns, chatRowJoins, membershipOf, type ChatRow } from './access';
import { blockedError } from './blocks';
import { notifyMessagesCreatedSql, type EventOrigin } from './events';
import { toMessageDto, type MessageDto, type MessageRow, type QuotedSource } from './message-dto';
import { loadMessages, loadQuotedSources } from './message-store';
import type { SendMessageInput } from './schemas';
import { countUnreadBoth } from './unread';

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
  /** The socket it came from (see EventOrigin); none for REST. */
  origin?: EventOrigin;
}

export type StoreOutcome = { ok: true; sent: SentMessage } | { ok: false; error: unknown };

type FileRow = MessageRow['files'][number];

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
export async function sendMessage(db: Db, senderId: string, input: SendMessageInput): Promise<SentMessage> {
  const [outcome] = await sendMessages(db, [{ senderId, input }]);
  if (!outcome!.ok) throw outcome!.error;
  return outcome!.sent;
}

export interface StoreOptions {
  /**
   * Publish the messages' event with their commit (the default). Only a realtime node that runs
   * alone (no Redis adapter) turns it off: it delivers to its own sockets from memory, and no
   * other node listens, while each notifying commit waits for the one before it (PostgreSQL
   * serializes them: measured, a third of a lone node's send throughput).
   */
  announce?: boolean;
}

/**
 * Stores many messages at once; one outcome per request, in the same order. Given a transaction
 * (the scheduled messages job: the send and its row's mark commit together), it runs in it.
 */
export async function sendMessages(
  db: Db | Prisma.TransactionClient,
  requests: SendRequest[],
  options: StoreOptions = {},
): Promise<StoreOutcome[]> {
  const announce = options.announce ?? true;
  const outcomes: Array<StoreOutcome | undefined> = requests.map(() => undefined);
  const fail = (i: number, error: unknown) => (outcomes[i] = { ok: false, error });
  let stored: StoredRow[] = [];
  const filesOf = new Map<string, FileRow[]>(); // message id → its attachments
  let quoted = new Map<string, { chatId: string; source: QuotedSource }>(); // replied-to id → it
  // Each request's attachments named by URL, checked before anything is stored.
  const urlsOf = requests.map((r, i) => {
    try {
      return checkUrlAttachments(r.input.attachments ?? []);
    } catch (error) {
      fail(i, error);
      return [];
    }
  });

  try {
    // What replies quote, read before they are stored: an original never changes chat, and is
    // never deleted while its chat holds a reply, so the statement's own check agrees with it.
    const replyToIds = [...new Set(requests.flatMap((r) => r.input.replyToId ?? []))];
    if (replyToIds.length) quoted = new Map((await loadQuotedSources(db, replyToIds)).map((q) => [q.source.id, q]));

    if (requests.every((r) => !r.input.attachments?.length)) {
      // The common case: one autocommit statement, one round trip and one disk flush for the group.
      stored = await storeGroup(db, requests, outcomes, { notify: announce });
    } else {
      await inTransaction(db, async (tx) => {
        const { fileIdsOf, retries } = await claimAttachments(tx, requests, outcomes, fail);
        // Its events go out below, once the messages have their files.
        stored = await storeGroup(tx, requests, outcomes, { notify: false });
        const inserted = stored.filter((row) => row.message_id !== null);
        // claimAttachments holds the stored message (FOR KEY SHARE), so a retry always meets the
        // unique index; were it ever inserted it would lack its files: store nothing instead.
        if (inserted.some((row) => retries.has(row.n - 1)))
          throw new AppError('INTERNAL', 'A retried message was stored again');

        // Bind the attachments to their messages.
        const binding = inserted.flatMap((row) =>
          fileIdsOf[row.n - 1]!.map((fileId) => [fileId, row.message_id!] as const),
        );
        if (binding.length) {
          const files = await tx.$queryRaw<Array<FileRow & { messageId: string }>>`
            UPDATE files f SET message_id = v.message_id
            FROM unnest(${binding.map((b) => b[0])}::text[], ${binding.map((b) => b[1])}::text[]) AS v(file_id, message_id)
            WHERE f.id = v.file_id
            RETURNING f.id, f.original_name AS "originalName", f.mime_type AS "mimeType", f.size,
                      f.source_url AS "sourceUrl", f.message_id AS "messageId"`;
          const order = new Map(binding.map((b, n) => [b[0], n]));
          files.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
          for (const { messageId, ...file } of files) filesOf.set(messageId, [...(filesOf.get(messageId) ?? []), file]);
        }
        // Then the files named by URL, after the uploads, as every read lists them.
        for (const { messageId, ...file } of await insertUrlFiles(tx, requests, inserted, urlsOf)) {
          filesOf.set(messageId, [...(filesOf.get(messageId) ?? []), file]);
        }

        if (announce && inserted.length) await tx.$queryRaw(notifyStoredQuery(requests, inserted));
      });
    }
  } catch (error) {
    // Nothing of the group was stored: every message not yet answered fails with this error
    // (a client retries it with the same clientMessageId).
    requests.forEach((_, i) => outcomes[i] ?? fail(i, error));
    return outcomes as StoreOutcome[];
  }

  for (const row of stored) {
    const i = row.n - 1;
    const { senderId, input } = requests[i]!;
    try {
      const chat = membershipOf(row.id === null ? undefined : (row as ChatRow), senderId);
      if (input.propertyId && input.propertyId !== chat.propertyId) {
        throw new AppError('VALIDATION', 'propertyId does not match the chat', {
          details: [{ path: ['propertyId'], message: "not this chat's property" }],
        });
      }
      if (input.replyToId && quoted.get(input.replyToId)?.chatId !== chat.id) {
        throw new AppError('VALIDATION', 'A reply must answer a message of the same chat', {
          details: [{ path: ['replyToId'], message: 'not a message of this chat' }],
        });
      }
      if (row.sender_blocked) {
        // A retry of a message stored before the block is still answered with it.
        const before = input.clientMessageId
          ? await findStored(db, senderId, input.clientMessageId, input.chatId).catch(() => null)
          : null;
        if (!before) throw blockedError();
        outcomes[i] = { ok: true, sent: before };
        continue;
      }
      if (row.message_id === null) {
        // Allowed but not inserted: the unique index found this (sender, clientMessageId).
        if (!input.clientMessageId) throw new AppError('INTERNAL', 'The message was not stored');
        outcomes[i] = { ok: true, sent: await findStored(db, senderId, input.clientMessageId, input.chatId) };
        continue;
      }
      const message = toMessageDto({
        id: row.message_id,
        chatId: chat.id,
        senderId,
        recipientId: chat.otherUserId,
        propertyId: chat.propertyId,
        content: input.content,
        clientMessageId: input.clientMessageId ?? null,
        createdAt: row.created_at!,
        readAt: null,
        editedAt: null,
        unsentAt: null,
        changeSeq: null,
        replyToId: input.replyToId ?? null,
        quoted: input.replyToId ? quoted.get(input.replyToId)!.source : null,
        sender: chat.me,
        recipient: chat.other,
        property: chat.property,
        files: filesOf.get(row.message_id) ?? [],
        reactions: [],
        archived: false,
      });
      const counts = { unreadCount: row.unread_count!, chatUnreadCount: row.chat_unread_count! };
      outcomes[i] = { ok: true, sent: { message, duplicate: false, recipientId: chat.otherUserId, ...counts } };
    } catch (error) {
      fail(i, error);
    }
  }
  return outcomes as StoreOutcome[];
}

const isClient = (db: Db | Prisma.TransactionClient): db is Db => '$transaction' in db;

/** Runs `body` in a new transaction, or in the caller's when `db` is one already. */
function inTransaction<T>(
  db: Db | Prisma.TransactionClient,
  body: (tx: Prisma.TransactionClient) => Promise<T>,
): Promise<T> {
  return isClient(db) ? db.$transaction(body) : body(db);
}

/** One request's row from storeGroup: its chat (all null when there is none) and what was stored. */
type StoredRow = { [K in keyof ChatRow]: ChatRow[K] | null } & {
  /** The request's position in the group, from 1. */
  n: number;
  chat_id: string;
  message_id: string | null;
  recipient_id: string | null;
  created_at: Date | null;
  /** The recipient's unread messages over all chats and in this chat, this group included. */
  unread_count: number | null;
  chat_unread_count: number | null;
  /** The other member blocked the sender (as of the chat row's lock): not stored, BLOCKED. */
  sender_blocked: boolean;
};

/**
 * The group's messages in ONE statement: the membership check, the INSERT and the recipients'
 * unread counts (the INSERT's trigger keeps each chat's counters and lastMessageAt). Only a
 * sender's own chat (and its property, when one is named) is written; membershipOf then answers
 * the others with the same rule.
 * A (sender, clientMessageId) already stored, or twice in this group, is skipped by the unique
 * index and answered as a duplicate. Requests that already have an outcome are left out.
 */
async function storeGroup(
  q: Db | Prisma.TransactionClient,
  requests: SendRequest[],
  outcomes: Array<StoreOutcome | undefined>,
  options: { notify: boolean },
): Promise<StoredRow[]> {
  const pending = requests.map((_, i) => i).filter((i) => !outcomes[i]);
  if (!pending.length) return [];
  const query = storeGroupQuery(requests, pending, options.notify);
  // Alone (autocommit), the hottest statement goes through pg: Prisma's raw-result path costs
  // each row several allocations the event loop pays for in GC pauses (see poolOf).
  return isClient(q) ? queryThroughPool<StoredRow>(q, query) : q.$queryRaw<StoredRow[]>(query);
}

const originJson = (request: SendRequest) => (request.origin ? JSON.stringify(request.origin) : null);

/** Publishes `messages_created` for messages stored earlier in this transaction. */
function notifyStoredQuery(requests: SendRequest[], inserted: StoredRow[]): Prisma.Sql {
  return Prisma.sql`SELECT ${notifyMessagesCreatedSql({
    from: Prisma.sql`FROM unnest(${inserted.map((row) => row.message_id!)}::text[],
      ${inserted.map((row) => row.chat_id)}::text[], ${inserted.map((row) => row.recipient_id!)}::text[],
      ${inserted.map((row) => row.unread_count!)}::int[], ${inserted.map((row) => row.chat_unread_count!)}::int[],
      ${inserted.map((row) => originJson(requests[row.n - 1]!))}::text[], ${inserted.map((row) => row.n)}::int[])
      AS m(id, chat_id, recipient_id, unread_count, chat_unread_count, origin, n)`,
    unreadCount: Prisma.sql`m.unread_count`,
    chatUnreadCount: Prisma.sql`m.chat_unread_count`,
    origin: Prisma.sql`m.origin::json`,
    order: Prisma.sql`m.n`,
  })} AS n`;
}

// Prepared once per connection: the hottest statement of the server (one name per text).
const STORE_GROUP_MARKER = preparedStatementMarker('store_group');
const STORE_GROUP_QUIET_MARKER = preparedStatementMarker('store_group_quiet');

// The group's events, inside its statement: the inserted messages with the counts computed
// below and the socket each came from.
const notifyInsertedSql = notifyMessagesCreatedSql({
  from: Prisma.sql`FROM ins m
    JOIN v ON v.id = m.id
    JOIN unread u ON u.recipient_id = m.recipient_id AND u.chat_id = m.chat_id
    JOIN totals t ON t.recipient_id = m.recipient_id`,
  unreadCount: Prisma.sql`t.n`,
  chatUnreadCount: Prisma.sql`u.n`,
  origin: Prisma.sql`v.origin::json`,
  order: Prisma.sql`v.n`,
});

// The request's sender is blocked in its chat: over v and the locked chat row l.
const senderBlockedSql = Prisma.sql`((v.sender_id = l.guest_id AND l.blocked_by_owner_at IS NOT NULL)
  OR (v.sender_id = l.owner_id AND l.blocked_by_guest_at IS NOT NULL))`;

/** storeGroup's statement for the requests at these positions. */
function storeGroupQuery(requests: SendRequest[], pending: number[], notify: boolean): Prisma.Sql {
  const input = (i: number) => requests[i]!.input;
  // The group's chats are locked first, in id order (so concurrent groups never deadlock), and
  // their counters read under that lock: a locking read sees the newest committed row, and no one
  // can move those counters before this statement commits, so a chat's unread count is exact. The
  // recipients' other chats are read as of the statement's start (a concurrent commit there may
  // be missed). The INSERT's own messages are not visible to the statement: they are added here,
  // and the INSERT's trigger moves the stored counters and lastMessageAt after the statement.
  return Prisma.sql`${Prisma.raw(notify ? STORE_GROUP_MARKER : STORE_GROUP_QUIET_MARKER)}
    WITH v AS (
      SELECT * FROM unnest(
        ${pending.map((i) => i + 1)}::int[], ${pending.map(() => newMessageId())}::text[],
        ${pending.map((i) => input(i).chatId)}::text[], ${pending.map((i) => requests[i]!.senderId)}::text[],
        ${pending.map((i) => input(i).content)}::text[], ${pending.map((i) => input(i).clientMessageId ?? null)}::text[],
        ${pending.map((i) => input(i).propertyId ?? null)}::text[], ${pending.map((i) => (notify ? originJson(requests[i]!) : null))}::text[],
        ${pending.map((i) => input(i).replyToId ?? null)}::text[]
      ) AS v(n, id, chat_id, sender_id, content, client_message_id, property_id, origin, reply_to_id)
    ),
    locked AS MATERIALIZED (
      SELECT c.id, c.guest_id, c.owner_id, c.property_id, c.guest_unread_count, c.owner_unread_count,
             c.blocked_by_guest_at, c.blocked_by_owner_at FROM chats c
      WHERE EXISTS (SELECT 1 FROM v WHERE v.chat_id = c.id AND v.sender_id IN (c.guest_id, c.owner_id))
      ORDER BY c.id FOR NO KEY UPDATE
    ),
    allowed AS MATERIALIZED (
      SELECT v.*, CASE WHEN l.guest_id = v.sender_id THEN l.owner_id ELSE l.guest_id END AS recipient_id,
             l.property_id AS chat_property_id
      FROM v JOIN locked l ON l.id = v.chat_id
      WHERE v.sender_id IN (l.guest_id, l.owner_id) AND (v.property_id IS NULL OR v.property_id = l.property_id)
        -- A sender the other member blocked (blocks.ts), read from the locked row: its newest version.
        AND NOT ${senderBlockedSql}
        AND (v.reply_to_id IS NULL OR EXISTS (
          SELECT 1 FROM chat_messages q WHERE q.id = v.reply_to_id AND q.chat_id = v.chat_id))
    ),
    ins AS (
      -- The sort reads all of "allowed" first, so every chat is locked before the first row goes in.
      INSERT INTO messages (id, chat_id, sender_id, recipient_id, property_id, content, client_message_id, reply_to_id, created_at)
      SELECT id, chat_id, sender_id, recipient_id, chat_property_id, content, client_message_id, reply_to_id, clock_timestamp()
      FROM allowed ORDER BY n
      ON CONFLICT (sender_id, client_message_id) DO NOTHING
      RETURNING id, chat_id, recipient_id, created_at
    ),
    recipients AS (SELECT DISTINCT recipient_id FROM ins),
    unread AS (
      SELECT x.recipient_id, x.chat_id, sum(x.n)::int AS n FROM (
        SELECT r.recipient_id, l.id AS chat_id,
               CASE WHEN l.guest_id = r.recipient_id THEN l.guest_unread_count ELSE l.owner_unread_count END AS n
        FROM recipients r JOIN locked l ON r.recipient_id IN (l.guest_id, l.owner_id)
        UNION ALL
        SELECT r.recipient_id, c.id,
               CASE WHEN c.guest_id = r.recipient_id THEN c.guest_unread_count ELSE c.owner_unread_count END
        FROM recipients r JOIN chats c ON r.recipient_id IN (c.guest_id, c.owner_id)
        WHERE NOT EXISTS (SELECT 1 FROM locked l WHERE l.id = c.id)
        UNION ALL
        SELECT recipient_id, chat_id, 1 FROM ins
      ) x GROUP BY x.recipient_id, x.chat_id
    ),
    totals AS (SELECT recipient_id, sum(n)::int AS n FROM unread GROUP BY recipient_id)${
      // The events commit with the messages: MATERIALIZED and joined below, so it always runs.
      notify ? Prisma.sql`, notified AS MATERIALIZED (SELECT ${notifyInsertedSql} AS n)` : Prisma.empty
    }
    SELECT v.n, v.chat_id, ${chatRowColumns}, i.id AS message_id, i.recipient_id, i.created_at,
      t.n AS unread_count, u.n AS chat_unread_count, COALESCE(${senderBlockedSql}, false) AS sender_blocked
    FROM v
    ${notify ? Prisma.sql`CROSS JOIN notified` : Prisma.empty}
    LEFT JOIN (chats c ${chatRowJoins}) ON c.id = v.chat_id
    LEFT JOIN locked l ON l.id = v.chat_id
    LEFT JOIN ins i ON i.id = v.id
    LEFT JOIN unread u ON u.recipient_id = i.recipient_id AND u.chat_id = i.chat_id
    LEFT JOIN totals t ON t.recipient_id = i.recipient_id
    ORDER BY v.n`;
}

/**
 * The files rows of the attachments named by URL of the messages just inserted: no bytes yet
 * (storage_key NULL, size 0), the declared type until the first read fetches them, named after
 * the URL's last path segment. Returned in each message's request order.
 */
async function insertUrlFiles(
  tx: Pick<Db, '$queryRaw'>,
  requests: SendRequest[],
  inserted: StoredRow[],
  urlsOf: CheckedUrlAttachment[][],
): Promise<Array<FileRow & { messageId: string }>> {
  const rows = inserted.flatMap((row) =>
    urlsOf[row.n - 1]!.map(({ url, type }) => ({
      uploaderId: requests[row.n - 1]!.senderId,
      messageId: row.message_id!,
      name: nameOfUrl(url),
      type,
      url: url.href,
    })),
  );
  if (rows.length === 0) return [];
  // Reads list a message's files by (created_at, id) after its uploads, and these rows share the
  // transaction's now(): random ids handed out in sorted order keep the order the request gave.
  const ids = rows.map(() => randomUUID().replaceAll('-', '')).sort();
  const files = await tx.$queryRaw<Array<FileRow & { messageId: string }>>`
    INSERT INTO files (id, uploader_id, message_id, original_name, mime_type, size, storage_key, source_url, created_at)
    SELECT id, uploader_id, message_id, name, type, 0, NULL, url, now()
    FROM unnest(${ids}::text[], ${rows.map((r) => r.uploaderId)}::text[], ${rows.map((r) => r.messageId)}::text[],
                ${rows.map((r) => r.name)}::text[], ${rows.map((r) => r.type)}::text[], ${rows.map((r) => r.url)}::text[])
      AS v(id, uploader_id, message_id, name, type, url)
    RETURNING id, original_name AS "originalName", mime_type AS "mimeType", size, source_url AS "sourceUrl",
              message_id AS "messageId"`;
  return files.sort((a, b) => (a.id < b.id ? -1 : 1));
}

/**
 * Locks the attachments named in the group: only the sender's own unused uploads, each used once
 * (a concurrent send cannot claim the same file). A request naming any other fails alone, unless
 * it is a retry: its (sender, clientMessageId) is already stored, or is sent earlier in this
 * group to the same chat. Its files are then that message's, so the claim cannot succeed, and it
 * goes on with no files to storeGroup, whose unique index answers it with the stored message.
 * The lookup costs a round trip only when a claim failed, and runs after the files' locks were
 * taken, so an attempt still in flight when the retry came has committed by then.
 * Returns each request's file ids, and the positions of the retries.
 */
async function claimAttachments(
  tx: Pick<Db, '$queryRaw'>,
  requests: SendRequest[],
  outcomes: ReadonlyArray<StoreOutcome | undefined>,
  fail: (i: number, error: unknown) => void,
): Promise<{ fileIdsOf: string[][]; retries: Set<number> }> {
  // Requests already refused (a bad URL attachment) claim nothing and are sent by no one.
  const refused = new Set(requests.flatMap((_, i) => (outcomes[i] ? [i] : [])));
  // File ids only: the attachments named by URL get new rows of their own.
  const fileIdsIn = (i: number) =>
    refused.has(i) ? [] : (requests[i]!.input.attachments ?? []).filter((a): a is string => typeof a === 'string');
  const wanted = requests.flatMap((_, i) => fileIdsIn(i));
  const usable = new Map<string, string>(); // file id → uploader
  if (wanted.length) {
    // Uploads only (no source_url): a file id never names another message's URL attachment.
    const rows = await tx.$queryRaw<Array<{ id: string; uploader_id: string }>>`
      SELECT id, uploader_id FROM files
      WHERE id = ANY(${wanted}::text[]) AND message_id IS NULL AND archived_message_id IS NULL
        AND source_url IS NULL
      ORDER BY id FOR UPDATE`;
    for (const row of rows) usable.set(row.id, row.uploader_id);
  }
  const claimed = new Set<string>();
  const unusable = new Set<number>();
  const fileIdsOf = requests.map((r, i) => {
    const ids = [...new Set(fileIdsIn(i))];
    if (ids.some((id) => usable.get(id) !== r.senderId || claimed.has(id))) {
      unusable.add(i);
      return [];
    }
    ids.forEach((id) => claimed.add(id));
    return ids;
  });

  const retries = new Set<number>();
  if (unusable.size) {
    const keyOf = (r: SendRequest) => JSON.stringify([r.senderId, r.input.clientMessageId]);
    const asked = [...unusable].filter((i) => requests[i]!.input.clientMessageId);
    const storedKeys = new Set<string>();
    if (asked.length) {
      // FOR KEY SHARE: the stored message cannot be deleted (archived) before this commits, so
      // the retry's INSERT is sure to meet it.
      const rows = await tx.$queryRaw<Array<{ sender_id: string; client_message_id: string }>>`
        SELECT m.sender_id, m.client_message_id FROM messages m
        JOIN unnest(${asked.map((i) => requests[i]!.senderId)}::text[],
                    ${asked.map((i) => requests[i]!.input.clientMessageId!)}::text[]) AS v(sender_id, client_message_id)
          ON m.sender_id = v.sender_id AND m.client_message_id = v.client_message_id
        FOR KEY SHARE OF m`;
      for (const row of rows) storedKeys.add(JSON.stringify([row.sender_id, row.client_message_id]));
    }
    // An earlier request of the group with the same key goes to storeGroup first; the same chat
    // and property make it stored (or refused) exactly when this one would have been.
    const sameSend = (a: SendRequest, b: SendRequest) =>
      keyOf(a) === keyOf(b) && a.input.chatId === b.input.chatId && a.input.propertyId === b.input.propertyId;
    requests.forEach((r, i) => {
      if (!unusable.has(i)) return;
      const earlier = requests
        .slice(0, i)
        .some((e, j) => !refused.has(j) && (!unusable.has(j) || retries.has(j)) && sameSend(e, r));
      if (r.input.clientMessageId && (storedKeys.has(keyOf(r)) || earlier)) retries.add(i);
      else
        fail(
          i,
          new AppError('VALIDATION', 'An attachment does not exist, is not yours, or is already part of a message', {
            details: [{ path: ['attachments'], message: 'unusable attachment' }],
          }),
        );
    });
  }
  return { fileIdsOf, retries };
}

/** The message already stored for this (sender, clientMessageId): a retry's answer. */
async function findStored(
  db: Pick<Db, 'message' | '$queryRaw'>,
  senderId: string,
  clientMessageId: string,
  chatId: string,
): Promise<SentMessage> {
  const row = await db.message.findUnique({
    where: { senderId_clientMessageId: { senderId, clientMessageId } },
    select: { id: true, chatId: true, recipientId: true },
  });
  const [message] = row ? await loadMessages(db, [row]) : [];
  if (!row || !message) throw new AppError('INTERNAL', 'The stored message could not be read back');
  if (row.chatId !== chatId)
    throw new AppError('CONFLICT', 'This clientMessageId was already used for a message in another chat');
  return {
    message,
    duplicate: true,
    recipientId: row.recipientId,
    ...(await countUnreadBoth(db, row.recipientId, chatId)),
  };
}
