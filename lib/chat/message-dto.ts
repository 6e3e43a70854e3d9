// The one shape of a message on the wire (REST pages, socket events, notifications), built from
// a live `messages` row or an `archived_messages` row alike. Dates travel as ISO strings.
import type { Prisma } from '../db';

export const messageInclude = {
  sender: { select: { id: true, name: true, role: true } },
  recipient: { select: { id: true, name: true, role: true } },
  property: { select: { id: true, name: true } },
  files: {
    select: { id: true, originalName: true, mimeType: true, size: true },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
  },
} as const satisfies Prisma.MessageInclude & Prisma.ArchivedMessageInclude;

type MessageRow = Prisma.MessageGetPayload<{ include: typeof messageInclude }>;
type ArchivedRow = Prisma.ArchivedMessageGetPayload<{ include: typeof messageInclude }>;

export function attachmentUrl(fileId: string): string {
  return `/api/attachments/${fileId}`;
}

export function toMessageDto(row: MessageRow | ArchivedRow, archived = false) {
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
    sender: row.sender,
    recipient: row.recipient,
    property: row.property,
    files: row.files.map((f) => ({ ...f, url: attachmentUrl(f.id) })),
    ...(archived ? { archived: true as const } : {}),
  };
}

export type MessageDto = ReturnType<typeof toMessageDto>;
