// Search in a user's own conversations: the chats whose other party or property has the query in
// its name, and the messages, live and archived, not unsent, whose text holds it, newest first,
// each with a snippet around the match. What matches is the database's search_key() (lower case,
// accents removed) holding the query as typed, anywhere: a part of a word, of a URL or of a door
// code. The messages' GIN index on (members, text trigrams) serves it (prisma/migrations/…_search).
import { Prisma, type Db } from '../db';
import { preparedStatementMarker } from '../db/client';
import { AppError } from '../errors';
import { encodeCursor, parseCursor } from './cursor';
import type { SearchQuery } from './schemas';
import { snippetOf, type Snippet } from './search-text';

/** Chats matched by name, at most. */
const MAX_CHAT_MATCHES = 20;

interface NamedPart {
  id: string;
  name: string;
}

export interface ChatMatch {
  chatId: string;
  otherParty: NamedPart;
  property: NamedPart;
}

export interface MessageMatch extends ChatMatch {
  /** The message's id: the thread opens around it (GET …/messages?around=). */
  id: string;
  senderId: string;
  createdAt: string;
  snippet: Snippet;
}

export interface SearchResults {
  query: string;
  /** Chats by the other party's or the property's name; on the first page only. */
  chats: ChatMatch[];
  messages: MessageMatch[];
  /** Give it as `cursor` for the next, older results; null when there are no more. */
  nextCursor: string | null;
}

/**
 * The query as a LIKE pattern over search_key(): folded by the database itself (so the query
 * and the text fold alike), its LIKE characters escaped, and matched anywhere. All of it is
 * immutable, so the planner sees the pattern as a constant and can weigh how common it is.
 */
function patternOf(q: string): Prisma.Sql {
  return Prisma.sql`('%' || replace(replace(replace(public.search_key(${q}), '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%')`;
}

// The other member `o` of chat `c` for user `userId`, and its property `p`, as ChatMatch columns.
const chatColumns = Prisma.sql`
  json_build_object('id', o.id, 'name', o.name) AS "otherParty",
  json_build_object('id', p.id, 'name', p.name) AS property`;
const chatJoins = (userId: string) => Prisma.sql`
  JOIN users o ON o.id = CASE WHEN c.guest_id = ${userId} THEN c.owner_id ELSE c.guest_id END
  JOIN properties p ON p.id = c.property_id`;

export async function searchInbox(db: Db, userId: string, query: SearchQuery): Promise<SearchResults> {
  const pattern = patternOf(query.q);
  const before = query.cursor ? positionOf(query.cursor) : null;

  const chatsQuery = before
    ? Promise.resolve([])
    : db.$queryRaw<ChatMatch[]>`
        SELECT c.id AS "chatId", ${chatColumns}
        FROM chats c ${chatJoins(userId)}
        WHERE (c.guest_id = ${userId} OR c.owner_id = ${userId})
          AND (public.search_key(o.name) LIKE ${pattern} ESCAPE '\\' OR public.search_key(p.name) LIKE ${pattern} ESCAPE '\\')
        ORDER BY c.last_message_at DESC NULLS LAST, c.id
        LIMIT ${MAX_CHAT_MATCHES}`;

  const messagesQuery = findMessages(db, userId, pattern, before, query.limit + 1);

  const [chats, rows] = await Promise.all([chatsQuery, messagesQuery]);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  const chatsOf = await namesOfChats(db, userId, [...new Set(page.map((row) => row.chatId))]);
  return {
    query: query.q,
    chats,
    messages: page.map(({ content, createdAt, ...row }) => ({
      ...row,
      ...chatsOf.get(row.chatId)!,
      createdAt: createdAt.toISOString(),
      snippet: snippetOf(content, query.q),
    })),
    nextCursor: rows.length > query.limit && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null,
  };
}

async function namesOfChats(db: Db, userId: string, chatIds: string[]): Promise<Map<string, ChatMatch>> {
  if (!chatIds.length) return new Map();
  const rows = await db.$queryRaw<ChatMatch[]>`
    SELECT c.id AS "chatId", ${chatColumns} FROM chats c ${chatJoins(userId)} WHERE c.id = ANY(${chatIds}::text[])`;
  return new Map(rows.map((row) => [row.chatId, row]));
}

type HitRow = Omit<MessageMatch, 'snippet' | 'createdAt' | 'otherParty' | 'property'> & {
  content: string;
  createdAt: Date;
};
type Position = { createdAt: Date; id: string };

/**
 * The newest messages of the user that step 1 looks through before asking the index. Step 1
 * costs about 3 µs per message of the window (search_key() of each); step 2 about 10 µs per
 * match, and it runs only for matches rarer than 1 in RECENT_WINDOW / page size: the two balance
 * near 5,000 for a user with 500,000 messages (bench scenario 7).
 */
export const RECENT_WINDOW = 5_000;

// A user's messages are those they sent or received: `members`, the search index's first key.
const mine = (userId: string) => Prisma.sql`ARRAY[m.sender_id, m.recipient_id] @> ARRAY[${userId}]::text[]`;
// search_key(content) for a filter no index serves (step 1): text of single-byte (ASCII)
// characters has no accents (unaccent's rules all start with another character), so lower() is
// the same; it skips the call into search_key, which PostgreSQL cannot inline (measured: 10 ms
// instead of 17 ms over 5,000 messages).
const searchKeyOfContent = Prisma.sql`CASE WHEN octet_length(content) = char_length(content) THEN lower(content)
                                        ELSE public.search_key(content) END`;
// Older than the cursor's position, or than anything when there is none, in one text (so that the
// statement can be prepared) that is an index condition either way.
const olderThanOrAll = (position: Position | null) =>
  Prisma.sql`(m.created_at, m.id) < (coalesce(${position?.createdAt ?? null}::timestamptz, 'infinity'), coalesce(${position?.id ?? null}::text, ''))`;
const RECENT_MATCHES_MARKER = preparedStatementMarker('search_recent_matches');

/**
 * The user's newest `take` messages matching `pattern` older than `before`, in two steps, because
 * the planner's choice between its two plans is a gamble it loses by 100 times either way
 * (measured, bench scenario 7): reading the user's messages newest first until enough match is
 * fast for a common word and scans everything for a rare one; the index finds every match of a
 * rare word at once but fetches tens of thousands of rows for a common one. So:
 *   1. about the user's RECENT_WINDOW newest messages (all of them newer than an edge), filtered:
 *      enough matches there (a common word), or the user has no more messages, is the answer;
 *   2. else the matches are rarer than take / RECENT_WINDOW, and the index finds those older than
 *      the window (a MATERIALIZED set is planned for all its rows, so it is the index's plan).
 */
async function findMessages(
  db: Db,
  userId: string,
  pattern: Prisma.Sql,
  before: Position | null,
  take: number,
): Promise<HitRow[]> {
  // The window is read chat by chat through each chat's (chat_id, created_at, id) index: `edge`
  // is the newest of the chats' `per`-th newest messages (an index-only probe per chat), and the
  // window is every message of the user's chats from the edge on, filtered as it is read; no
  // chat has more than `per` there, so it is about RECENT_WINDOW messages and holds ALL the
  // user's messages newer than the edge. (Reading the user's messages newest first across the
  // table instead walks past everyone else's newer messages: 350 ms for a host whose chats were
  // quiet while the others' were busy. Fetching each chat's newest `per` rows and finding the
  // edge among them sorted them twice: 19 ms instead of 10.) The text is fixed, so the statement
  // is prepared once per connection: planning it cost about as much as running it.
  const recent = await db.$queryRaw<Array<HitRow & { edge: boolean }>>`${Prisma.raw(RECENT_MATCHES_MARKER)}
    WITH my_chats AS MATERIALIZED (SELECT id FROM chats WHERE guest_id = ${userId} OR owner_id = ${userId}),
    k AS (SELECT greatest(1, ceil(${RECENT_WINDOW}::numeric / nullif(count(*), 0)))::int AS per FROM my_chats),
    edge AS (
      SELECT b.created_at, b.id FROM my_chats c CROSS JOIN LATERAL (
        SELECT m.created_at, m.id FROM chat_messages m
        WHERE m.chat_id = c.id AND ${olderThanOrAll(before)}
        ORDER BY m.chat_id DESC, m.created_at DESC, m.id DESC OFFSET (SELECT per FROM k) - 1 LIMIT 1
      ) b
      ORDER BY b.created_at DESC, b.id DESC LIMIT 1
    )
    (SELECT r.id, r.chat_id AS "chatId", r.sender_id AS "senderId", r.content, r.created_at AS "createdAt", false AS edge
     FROM my_chats c CROSS JOIN LATERAL (
       SELECT m.id, m.chat_id, m.sender_id, m.content, m.created_at FROM chat_messages m
       -- The edge as an index condition (a missing one as the lowest position): the scan stops there.
       WHERE m.chat_id = c.id AND ${olderThanOrAll(before)}
         AND (m.created_at, m.id) >= (coalesce((SELECT created_at FROM edge), '-infinity'), coalesce((SELECT id FROM edge), ''))
         AND m.unsent_at IS NULL AND ${searchKeyOfContent} LIKE ${pattern} ESCAPE '\\'
       -- Never more than \`per\` rows: it keeps the planner on one index probe per chat.
       ORDER BY m.chat_id DESC, m.created_at DESC, m.id DESC LIMIT (SELECT per FROM k)
     ) r
     ORDER BY r.created_at DESC, r.id DESC LIMIT ${take})
    UNION ALL
    -- The window's edge, when some chat has more: older messages may match.
    (SELECT id, NULL, NULL, NULL, created_at, true FROM edge)`;
  const hits = recent.filter((row) => !row.edge).map(({ edge: _, ...row }) => row);
  const edge = recent.find((row) => row.edge);
  if (hits.length === take || !edge) return hits;

  const older = await db.$queryRaw<HitRow[]>`
    WITH matched AS MATERIALIZED (
      SELECT m.id, m.chat_id, m.sender_id, m.content, m.created_at FROM chat_messages m
      WHERE ${mine(userId)} AND public.search_key(m.content) LIKE ${pattern} ESCAPE '\\'
        AND m.unsent_at IS NULL AND ${olderThanOrAll(edge)}
    )
    SELECT id, chat_id AS "chatId", sender_id AS "senderId", content, created_at AS "createdAt" FROM matched
    ORDER BY created_at DESC, id DESC LIMIT ${take - hits.length}`;
  return [...hits, ...older];
}

function positionOf(cursor: string): { createdAt: Date; id: string } {
  const parsed = parseCursor(cursor, 'cursor');
  if (parsed.kind !== 'position' || parsed.id === null) {
    throw new AppError('VALIDATION', '"cursor" is not a valid cursor: use the nextCursor of the previous results', {
      details: [{ path: ['cursor'], message: 'malformed cursor' }],
    });
  }
  return { createdAt: parsed.createdAt, id: parsed.id };
}
