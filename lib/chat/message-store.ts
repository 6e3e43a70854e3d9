// Every read of messages that must see live and archived ones alike: history pages, the
// position a cursor names, the seed's page count, whole messages for the wire (with the message
// each reply quotes) and each chat's last message. All of them read the `chat_messages` view (prisma/migrations/
// 20261130230000_chat_messages_view), the UNION ALL of `messages` and `archived_messages` with an
// `archived` flag, so no caller knows there are two tables.
// Raw SQL because Prisma's schema language cannot declare the view without its preview "views"
// feature (which would also try to own its migration); the drift test knows it as SQL-only.
import { Prisma, type Db } from '../db';
import { preparedStatementMarker, queryThroughPool } from '../db/client';
import type { Position } from './cursor';
import { toMessageDto, type MessageDto, type MessageRow, type QuotedSource } from './message-dto';

/** A message's place in its chat's history, and which table holds it. */
export interface PageRow {
  id: string;
  created_at: Date;
  archived: boolean;
}

/** How a value goes into a history statement: as a parameter, or hidden from the planner. */
type Bind = (value: string | Date, type: 'text' | 'timestamptz') => Prisma.Sql;
const asParameter: Bind = (value) => Prisma.sql`${value}`;
// Behind a one-row subquery the planner plans without the value, so the first five (custom)
// plans of a prepared statement cost the same as its generic plan, which PostgreSQL then keeps.
// With the values in view, once a table held other chats besides one big one the custom plans
// looked cheaper and PostgreSQL planned every call: a page of whole messages took 5-6 ms
// instead of 2.5-3 (scratch probe, 300,000 messages in the chat plus 340,000 in 500 others).
const hiddenFromPlanner: Bind = (value, type) => Prisma.sql`(SELECT ${value}::${Prisma.raw(type)})`;

function beforeClause(position: Position | null, bind: Bind = asParameter): Prisma.Sql {
  if (!position) return Prisma.empty;
  return position.id === null
    ? Prisma.sql`AND created_at < ${bind(position.createdAt, 'timestamptz')}`
    : Prisma.sql`AND (created_at, id) < (${bind(position.createdAt, 'timestamptz')}, ${bind(position.id, 'text')})`;
}

function afterClause(position: Position | null, bind: Bind = asParameter): Prisma.Sql {
  if (!position) return Prisma.empty;
  return position.id === null
    ? Prisma.sql`AND created_at > ${bind(position.createdAt, 'timestamptz')}`
    : Prisma.sql`AND (created_at, id) > (${bind(position.createdAt, 'timestamptz')}, ${bind(position.id, 'text')})`;
}

/**
 * A page of a chat's history from `position` (exclusive), `take` rows after skipping `skip`,
 * newest first unless `forward`. Exported so a test can EXPLAIN exactly what runs: the view
 * flattens into a Merge Append of the two (chat_id, created_at, id) index scans, each read only
 * as far as the page needs, so a page costs the same at any depth.
 */
export function pageQuery(
  chatId: string,
  position: Position | null,
  forward: boolean,
  take: number,
  skip: number,
): Prisma.Sql {
  return historySlice(
    Prisma.sql`id, created_at, archived`,
    chatId,
    position,
    forward,
    Prisma.sql`LIMIT ${take} OFFSET ${skip}`,
  );
}

/** `columns` of the chat's messages from `position` (exclusive) in history order, cut by `limit`. */
function historySlice(
  columns: Prisma.Sql,
  chatId: string,
  position: Position | null,
  forward: boolean,
  limit: Prisma.Sql,
  bind: Bind = asParameter,
): Prisma.Sql {
  const where = forward ? afterClause(position, bind) : beforeClause(position, bind);
  // Ordering by the whole index key (chat_id is constant here) keeps the planner on
  // (chat_id, created_at, id) even for a chat that holds most of the table, where the plain
  // created_at index would otherwise look as cheap.
  const order = forward
    ? Prisma.sql`chat_id ASC, created_at ASC, id ASC`
    : Prisma.sql`chat_id DESC, created_at DESC, id DESC`;
  return Prisma.sql`
    SELECT ${columns} FROM chat_messages
    WHERE chat_id = ${bind(chatId, 'text')} ${where}
    ORDER BY ${order} ${limit}`;
}

export function pageRows(
  db: Db,
  chatId: string,
  position: Position | null,
  forward: boolean,
  take: number,
  skip: number,
): Promise<PageRow[]> {
  return db.$queryRaw<PageRow[]>(pageQuery(chatId, position, forward, take, skip));
}

/** How many messages of the chat lie before `before` (all of them without it): the seed's total. */
export async function countMessages(db: Db, chatId: string, before: Position | null): Promise<number> {
  const [{ total }] = await db.$queryRaw<[{ total: number }]>`
    SELECT count(*)::int AS total FROM chat_messages WHERE chat_id = ${chatId} ${beforeClause(before)}`;
  return total;
}

/** Where message `id` of the chat sits, or null when the chat has no such message. */
export async function findPosition(
  db: Db,
  chatId: string,
  id: string,
): Promise<{ id: string; createdAt: Date } | null> {
  const rows = await db.$queryRaw<Array<{ id: string; createdAt: Date }>>`
    SELECT id, created_at AS "createdAt" FROM chat_messages WHERE id = ${id} AND chat_id = ${chatId} LIMIT 1`;
  return rows[0] ?? null;
}

// A QuotedSource as JSON, from the original `q` (a chat_messages row).
const quotedSourceJson = Prisma.sql`json_build_object(
  'id', q.id, 'content', q.content, 'unsentAt', q.unsent_at,
  'sender', (SELECT json_build_object('id', qs.id, 'name', qs.name) FROM users qs WHERE qs.id = q.sender_id),
  'fileCount', (SELECT count(*)::int FROM files f WHERE f.message_id = q.id OR f.archived_message_id = q.id))`;

// Whole messages (MessageRow's columns, relations as JSON) for the chat_messages rows `source`
// selects, as a WITH list ending in `whole`: what loadMessages and messagePageQuery read.
// Each relation is read once for all the rows (the page's two members, its property, the
// attachments and reactions of all its messages by one probe each), not by a subquery per row:
// per-row subqueries made a page of 50 cost 3.5-4 ms against 2.4 ms (scratch probe on 100,000
// messages, prepared statements, p50 of 1,500 runs). Only the rare reply still probes per row.
function wholeMessagesSql(source: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`m AS MATERIALIZED (${source}),
    people AS MATERIALIZED (
      SELECT u.id, json_build_object('id', u.id, 'name', u.name, 'role', u.role) AS person FROM users u
      WHERE u.id = ANY(ARRAY(SELECT sender_id FROM m UNION SELECT recipient_id FROM m))),
    places AS MATERIALIZED (
      SELECT p.id, json_build_object('id', p.id, 'name', p.name) AS place FROM properties p
      WHERE p.id = ANY(ARRAY(SELECT DISTINCT property_id FROM m))),
    attached AS MATERIALIZED (
      SELECT coalesce(f.message_id, f.archived_message_id) AS message_id,
             json_agg(json_build_object('id', f.id, 'originalName', f.original_name,
                                        'mimeType', f.mime_type, 'size', f.size, 'sourceUrl', f.source_url)
                      -- Uploads, then the files named by URL in the order the send listed them
                      -- (send-messages.ts insertUrlFiles): the order of the send's answer.
                      ORDER BY f.source_url IS NOT NULL, f.created_at, f.id) AS files
      FROM files f
      WHERE f.message_id = ANY(ARRAY(SELECT id FROM m)) OR f.archived_message_id = ANY(ARRAY(SELECT id FROM m))
      GROUP BY 1),
    reacted AS MATERIALIZED (
      SELECT coalesce(x.message_id, x.archived_message_id) AS message_id,
             json_agg(json_build_object('emoji', x.emoji, 'user', json_build_object('id', u.id, 'name', u.name))
                      ORDER BY x.created_at, x.id) AS reactions
      FROM message_reactions x JOIN users u ON u.id = x.user_id
      WHERE x.message_id = ANY(ARRAY(SELECT id FROM m)) OR x.archived_message_id = ANY(ARRAY(SELECT id FROM m))
      GROUP BY 1),
    whole AS (
      SELECT m.id, m.chat_id AS "chatId", m.sender_id AS "senderId",
        m.recipient_id AS "recipientId", m.property_id AS "propertyId", m.content,
        m.client_message_id AS "clientMessageId", m.created_at AS "createdAt", m.read_at AS "readAt", m.archived,
        m.edited_at AS "editedAt", m.unsent_at AS "unsentAt", m.change_seq AS "changeSeq",
        s.person AS sender, r.person AS recipient, pl.place AS property,
        coalesce(a.files, '[]'::json) AS files, coalesce(x.reactions, '[]'::json) AS reactions,
        m.reply_to_id AS "replyToId",
        CASE WHEN m.reply_to_id IS NOT NULL THEN (
          SELECT ${quotedSourceJson} FROM chat_messages q WHERE q.id = m.reply_to_id AND q.chat_id = m.chat_id LIMIT 1
        ) END AS quoted
      FROM m
      LEFT JOIN people s ON s.id = m.sender_id
      LEFT JOIN people r ON r.id = m.recipient_id
      LEFT JOIN places pl ON pl.id = m.property_id
      LEFT JOIN attached a ON a.message_id = m.id
      LEFT JOIN reacted x ON x.message_id = m.id)`;
}

// Fixed texts, prepared once per connection (lib/db/client.ts) and then run on a generic plan:
// a page pays no planning.
const LOAD_MESSAGES_MARKER = preparedStatementMarker('load_messages');

/**
 * The messages of page rows, in the rows' order. One statement, so one snapshot: a message the
 * retention job moved to the archive after the page was read is found there (it keeps its id),
 * and the page never skips it (the next cursor would step past it).
 */
export async function loadMessages(db: Pick<Db, '$queryRaw'>, rows: Array<Pick<PageRow, 'id'>>): Promise<MessageDto[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const loaded = await db.$queryRaw<MessageRow[]>`${Prisma.raw(LOAD_MESSAGES_MARKER)}
    WITH ${wholeMessagesSql(Prisma.sql`SELECT * FROM chat_messages WHERE id = ANY(${ids}::text[])`)}
    SELECT * FROM whole`;
  const byId = new Map(loaded.map((m) => [m.id, toMessageDto(m)]));
  return rows.map((r) => byId.get(r.id)).filter((m): m is MessageDto => m !== undefined);
}

/**
 * A keyset page of whole messages in one statement (one snapshot, one round trip): pageQuery's
 * page from `position` (exclusive), `take` rows, newest first unless `forward`, read with its
 * relations, as one JSON array. Exported so a test can EXPLAIN exactly what runs.
 */
export function messagePageQuery(
  chatId: string,
  position: Position | null,
  forward: boolean,
  take: number,
): Prisma.Sql {
  // `take` is written into the text, a prepared statement per value: as a parameter, LIMIT
  // makes the generic plan assume a tenth of the chat, so PostgreSQL would keep planning a
  // custom plan on every call.
  if (!Number.isSafeInteger(take) || take < 1) throw new RangeError(`bad page size: ${take}`);
  const kind = !position ? 'newest' : position.id === null ? 'time' : 'key';
  const marker = preparedStatementMarker(`history_${forward ? 'after' : 'before'}_${kind}_${take}`);
  const order = forward ? Prisma.sql`ASC` : Prisma.sql`DESC`;
  // One JSON value, not a row per message: the client parses it once, and the timestamps
  // come as ISO strings that pageMessages turns into the MessageRow's Dates.
  return Prisma.sql`${Prisma.raw(marker)}
    WITH ${wholeMessagesSql(
      historySlice(
        Prisma.sql`*`,
        chatId,
        position,
        forward,
        Prisma.sql`LIMIT ${Prisma.raw(String(take))}`,
        hiddenFromPlanner,
      ),
    )}
    SELECT coalesce(json_agg(p ORDER BY p."createdAt" ${order}, p.id ${order}), '[]'::json) AS page
    FROM whole p`;
}

/** A row as json_agg writes it: timestamps as ISO strings, bigints as numbers. */
type AsJson<T> = {
  [K in keyof T]: T[K] extends Date
    ? string
    : T[K] extends Date | null
      ? string | null
      : T[K] extends bigint | null
        ? number | null
        : T[K];
};

/** messagePageQuery's messages, in its order (newest first unless `forward`). */
export async function pageMessages(
  db: Db,
  chatId: string,
  position: Position | null,
  forward: boolean,
  take: number,
): Promise<MessageDto[]> {
  const query = messagePageQuery(chatId, position, forward, take);
  const [row] = await queryThroughPool<{ page: Array<AsJson<MessageRow>> }>(db, query);
  const date = (iso: string | null) => (iso === null ? null : new Date(iso));
  return row!.page.map((m) =>
    toMessageDto({
      ...m,
      createdAt: new Date(m.createdAt),
      readAt: date(m.readAt),
      editedAt: date(m.editedAt),
      unsentAt: date(m.unsentAt),
      changeSeq: m.changeSeq === null ? null : BigInt(m.changeSeq),
    }),
  );
}

/** The messages that replies name, live or archived, with their chat: what a reply quotes. */
export function loadQuotedSources(
  db: Pick<Db, '$queryRaw'>,
  ids: string[],
): Promise<Array<{ chatId: string; source: QuotedSource }>> {
  return db.$queryRaw`
    SELECT q.chat_id AS "chatId", ${quotedSourceJson} AS source
    FROM chat_messages q
    WHERE q.id = ANY(${ids}::text[])`;
}

interface LastMessageRow {
  chat_id: string;
  id: string;
  sender_id: string;
  content: string;
  created_at: Date;
  read_at: Date | null;
  archived: boolean;
  unsent_at: Date | null;
  file_count: number;
}

/** The newest message of each chat (live or archived), one index probe per chat; none for an empty chat. */
export function lastMessages(db: Db, chatIds: string[]): Promise<LastMessageRow[]> {
  return db.$queryRaw<LastMessageRow[]>(lastMessagesQuery(chatIds));
}

/** lastMessages' SQL, exported so a test can EXPLAIN it. */
export function lastMessagesQuery(chatIds: string[]): Prisma.Sql {
  return Prisma.sql`
    SELECT c.id AS chat_id, m.id, m.sender_id, m.content, m.created_at, m.read_at, m.archived, m.unsent_at,
           (SELECT count(*)::int FROM files f WHERE f.message_id = m.id OR f.archived_message_id = m.id) AS file_count
    FROM unnest(${chatIds}::text[]) AS c(id)
    CROSS JOIN LATERAL (
      SELECT id, sender_id, content, created_at, read_at, archived, unsent_at FROM chat_messages
      WHERE chat_id = c.id ORDER BY chat_id DESC, created_at DESC, id DESC LIMIT 1
    ) m`;
}
