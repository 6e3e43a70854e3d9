// The one shape of a message on the wire (REST pages, socket events, notifications), built from
// one row shape, `MessageRow`: what message-store.ts reads from the chat_messages view, or a live
// `messages` row loaded with `messageInclude` and marked `archived: false`. Dates travel as ISO
// strings.
import type { Prisma } from '../db';

export const messageInclude = {
  sender: { select: { id: true, name: true, role: true } },
  recipient: { select: { id: true, name: true, role: true } },
  property: { select: { id: true, name: true } },
  files: {
    select: { id: true, originalName: true, mimeType: true, size: true },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
  },
  reactions: {
    select: { emoji: true, user: { select: { id: true, name: true } } },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
  },
} as const satisfies Prisma.MessageInclude;

/** A message, live or archived, with the people, property and files the wire shape carries. */
export type MessageRow = Prisma.MessageGetPayload<{ include: typeof messageInclude }> & { archived: boolean };

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
    files: row.files.map((f) => ({ ...f, url: attachmentUrl(f.id) })),
    reactions: groupReactions(row.reactions),
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
