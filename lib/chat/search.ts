// Search in a user's own conversations: the chats whose other party or property has the query in
// its name, and the messages, live and archived, not unsent, whose text holds it, newest first,
// each with a snippet around the match. What matches is the database's search_key() (lower case,
// accents removed) holding the query as typed, anywhere: a part of a word, of a URL or of a door
// code. The messages' GIN index on (members, text trigrams) serves it (prisma/migrations/…_search).
import { Prisma, type Db } from '../db';
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

  // The user's messages are those they sent or received: the index's first key, so the scan
  // reads only this user's entries for the fragment's trigrams.
  const messagesQuery = db.$queryRaw<
    Array<Omit<MessageMatch, 'snippet' | 'createdAt'> & { content: string; createdAt: Date }>
  >`
    WITH hits AS (
      SELECT m.id, m.chat_id, m.sender_id, m.content, m.created_at
      FROM chat_messages m
      WHERE ARRAY[m.sender_id, m.recipient_id] @> ARRAY[${userId}]::text[]
        AND public.search_key(m.content) LIKE ${pattern} ESCAPE '\\'
        AND m.unsent_at IS NULL
        ${before ? Prisma.sql`AND (m.created_at, m.id) < (${before.createdAt}, ${before.id})` : Prisma.empty}
      ORDER BY m.created_at DESC, m.id DESC
      LIMIT ${query.limit + 1}
    )
    SELECT h.id, h.chat_id AS "chatId", h.sender_id AS "senderId", h.content, h.created_at AS "createdAt",
           ${chatColumns}
    FROM hits h JOIN chats c ON c.id = h.chat_id ${chatJoins(userId)}
    ORDER BY h.created_at DESC, h.id DESC`;

  const [chats, rows] = await Promise.all([chatsQuery, messagesQuery]);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    query: query.q,
    chats,
    messages: page.map(({ content, createdAt, ...row }) => ({
      ...row,
      createdAt: createdAt.toISOString(),
      snippet: snippetOf(content, query.q),
    })),
    nextCursor: rows.length > query.limit && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null,
  };
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
