// The chats of a user: the inbox list and opening a conversation about a property.
import { Prisma, type Db } from '../db';
import { AppError, notFound } from '../errors';
import type { OpenChatInput } from './schemas';
import { blockedUserIdsOf } from './blocks';
import { DEFAULT_PREFERENCES, preferencesOf } from './chat-preferences';
import { recordDeliveries } from './delivery-receipts';
import { lastMessages } from './message-store';
import { unreadOf } from './unread';

const person = { select: { id: true, name: true, role: true } } as const;
const chatInclude = {
  guest: person,
  owner: person,
  property: { select: { id: true, name: true, city: true } },
} as const satisfies Prisma.ChatInclude;

type ChatRow = Prisma.ChatGetPayload<{ include: typeof chatInclude }>;

/** A chat as its member `userId` sees it. */
export function toChatDto(chat: ChatRow, userId: string) {
  return {
    id: chat.id,
    property: chat.property,
    guest: chat.guest,
    owner: chat.owner,
    otherParty: chat.guestId === userId ? chat.owner : chat.guest,
    createdAt: chat.createdAt.toISOString(),
    lastMessageAt: chat.lastMessageAt?.toISOString() ?? null,
    /** Members blocked in this chat (blocks.ts): the thread shows who can no longer write. */
    blockedUserIds: blockedUserIdsOf(chat),
  };
}

/**
 * Every chat of the user, newest activity first, with the other party, the property, the last
 * message, the user's unread count and their own star and archive (chat-preferences.ts), in six
 * queries however many chats and messages there are: the chats with their people, property and
 * unread counters (four: Prisma loads each relation in one query), the last messages
 * (message-store.ts: one probe per chat of the live and archived indexes together) and the
 * preferences; plus the write recording what the list hands over (delivery receipts).
 */
export async function listChatsForUser(db: Db, userId: string) {
  const chats = await db.chat.findMany({
    where: { OR: [{ guestId: userId }, { ownerId: userId }] },
    include: chatInclude,
    orderBy: [{ lastMessageAt: { sort: 'desc', nulls: 'last' } }, { createdAt: 'desc' }, { id: 'asc' }],
  });
  if (chats.length === 0) return [];
  const chatIds = chats.map((c) => c.id);

  const [lastRows, preferences] = await Promise.all([lastMessages(db, chatIds), preferencesOf(db, userId, chatIds)]);
  const lastByChat = new Map(lastRows.map((r) => [r.chat_id, r]));
  // The list hands over each chat's last message: a client that was away has them now.
  await recordDeliveries(
    db,
    lastRows.filter((r) => r.sender_id !== userId).map((r) => ({ chatId: r.chat_id, userId, messageId: r.id })),
  );

  return chats.map((chat) => {
    const last = lastByChat.get(chat.id);
    return {
      ...toChatDto(chat, userId),
      lastMessage: last
        ? {
            id: last.id,
            senderId: last.sender_id,
            content: last.content,
            createdAt: last.created_at.toISOString(),
            readAt: last.read_at?.toISOString() ?? null,
            attachmentCount: last.file_count,
            unsent: last.unsent_at !== null,
            ...(last.archived ? { archived: true as const } : {}),
          }
        : null,
      unreadCount: unreadOf(chat, userId),
      ...(preferences.get(chat.id) ?? DEFAULT_PREFERENCES),
    };
  });
}

export type ChatSummary = Awaited<ReturnType<typeof listChatsForUser>>[number];

/**
 * A guest opens the chat with a property's owner, or gets the existing one back (at most one
 * per guest and property, enforced by a unique index, so two concurrent opens get the same chat).
 */
export async function openChat(db: Db, userId: string, input: OpenChatInput) {
  const property = await db.property.findUnique({
    where: { id: input.propertyId },
    select: { id: true, ownerId: true },
  });
  if (!property) throw notFound('Property');
  if (property.ownerId === userId) {
    throw new AppError('FORBIDDEN', 'You own this property: guests open chats with you, not the other way round');
  }
  const key = { guestId_propertyId: { guestId: userId, propertyId: property.id } };
  const existing = await db.chat.findUnique({ where: key, include: chatInclude });
  if (existing) return { chat: toChatDto(existing, userId), created: false };
  try {
    const chat = await db.chat.create({
      data: { guestId: userId, ownerId: property.ownerId, propertyId: property.id },
      include: chatInclude,
    });
    return { chat: toChatDto(chat, userId), created: true };
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
      return {
        chat: toChatDto(await db.chat.findUniqueOrThrow({ where: key, include: chatInclude }), userId),
        created: false,
      };
    }
    throw error;
  }
}
