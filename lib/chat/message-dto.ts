// The one shape of a message on the wire (REST pages, socket events, notifications), built from
// one row shape, `MessageRow`: what message-store.ts reads from the chat_messages view, or what
// the send path knows of a message it just stored. Dates travel as ISO strings.
import type { Prisma } from '../db';

export const messageInclude = {
  sender: { select: { id: true, name: true, role: true } },
  recipient: { select: { id: true, name: true, role: true } },
  property: { select: { id: true, name: true } },
  // The same columns as loadMessages' JSON (message-store.ts), which is what reads them; its
  // order puts the files named by URL (sourceUrl set) after the uploads, which Prisma's orderBy
  // cannot say.
  files: {
    select: { id: true, originalName: true, mimeType: true, size: true, sourceUrl: true },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
  },
  reactions: {
    select: { emoji: true, user: { select: { id: true, name: true } } },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
  },
} as const satisfies Prisma.MessageInclude;

/** What a reply is built from: the message it answers, as the reply's reader sees it. */
export interface QuotedSource {
  id: string;
  content: string;
  unsentAt: Date | string | null;
  sender: { id: string; name: string };
  fileCount: number;
}

/**
 * A message, live or archived, with the people, property and files the wire shape carries, and
 * (`quoted`) the message it answers: null when it answers none, or when that one is gone.
 */
export type MessageRow = Prisma.MessageGetPayload<{ include: typeof messageInclude }> & {
  archived: boolean;
  quoted: QuotedSource | null;
};

/** How much of the original a reply quotes: its first line, cut to this many characters. */
export const QUOTE_EXCERPT_LENGTH = 120;

/**
 * A reply's quote of the message it answers. Built here for the server's answers and, from the
 * updated original, by the browser when the original is edited or unsent, so both say the same.
 */
export function quoteOf(replyToId: string, original: QuotedSource | null) {
  if (!original) return { id: replyToId, state: 'missing' as const };
  const sender = { id: original.sender.id, name: original.sender.name };
  if (original.unsentAt) return { id: replyToId, state: 'unsent' as const, sender };
  const firstLine = original.content.split('\n').find((line) => line.trim()) ?? '';
  const excerpt =
    firstLine.length > QUOTE_EXCERPT_LENGTH ? `${firstLine.slice(0, QUOTE_EXCERPT_LENGTH - 1).trimEnd()}…` : firstLine;
  return { id: replyToId, state: 'available' as const, sender, excerpt: excerpt.trim(), fileCount: original.fileCount };
}
export type Quote = ReturnType<typeof quoteOf>;

export function attachmentUrl(fileId: string): string {
  return `/api/attachments/${fileId}`;
}

export function toMessageDto(row: MessageRow) {
  return {
    id: row.id,
    chatId: row.chatId,
    senderId: row.senderId,
    recipientId: row.recipientId,
    propertyId: row.propertyId,
    content: row.content,
    clientMessageId: row.clientMessageId,
    createdAt: row.createdAt.toISOString(),
    readAt: row.readAt?.toISOString() ?? null,
    /** Set when its text was edited (the text is the newest version). */
    editedAt: row.editedAt?.toISOString() ?? null,
    /** Set when its sender unsent it: its text is empty and it has no files any more. */
    unsentAt: row.unsentAt?.toISOString() ?? null,
    sender: row.sender,
    recipient: row.recipient,
    property: row.property,
    // `url` is the app's own (GET /api/attachments/:id), also for a file named by URL: its
    // `sourceUrl` is where the server fetches it from, never for the browser to load.
    files: row.files.map((f) => ({ ...f, url: attachmentUrl(f.id) })),
    reactions: groupReactions(row.reactions),
    /** The message this one answers, quoted; null when it is not a reply. */
    replyTo: row.replyToId ? quoteOf(row.replyToId, row.quoted) : null,
    // Only archived messages carry the flag: the wire shape of a live message is unchanged.
    ...(row.archived ? { archived: true as const } : {}),
  };
}

export type MessageDto = ReturnType<typeof toMessageDto>;

/** Reactions by kind, in the order each kind was first used, with who reacted (in order). */
function groupReactions(rows: MessageRow['reactions']) {
  const byEmoji = new Map<string, Array<{ id: string; name: string }>>();
  for (const { emoji, user } of rows) byEmoji.set(emoji, [...(byEmoji.get(emoji) ?? []), user]);
  return [...byEmoji].map(([emoji, users]) => ({ emoji, users }));
}
