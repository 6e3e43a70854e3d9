// Who may touch a chat: only its guest and its owner. A chat the user is not in answers
// NOT_FOUND, exactly like one that does not exist, so ids cannot be probed.
import type { Db } from '../db';
import { notFound } from '../errors';

export interface ChatMembership {
  id: string;
  guestId: string;
  ownerId: string;
  propertyId: string;
  /** The other member: the recipient of anything this user sends. */
  otherUserId: string;
}

type ChatReader = Pick<Db, 'chat'>;

export async function getChatForMember(db: ChatReader, userId: string, chatId: string): Promise<ChatMembership> {
  const chat = await db.chat.findFirst({
    where: { id: chatId, OR: [{ guestId: userId }, { ownerId: userId }] },
    select: { id: true, guestId: true, ownerId: true, propertyId: true },
  });
  if (!chat) throw notFound('Chat');
  return { ...chat, otherUserId: chat.guestId === userId ? chat.ownerId : chat.guestId };
}

export interface Person {
  id: string;
  name: string;
  role: 'GUEST' | 'OWNER';
}

export interface ChatWithPeople extends ChatMembership {
  me: Person;
  other: Person;
  property: { id: string; name: string };
}

/**
 * getChatForMember plus the two members and the property, in one query (a send needs them for
 * the message it returns, and Prisma would load each relation with a query of its own).
 */
export async function getChatWithPeopleForMember(db: Pick<Db, '$queryRaw'>, userId: string, chatId: string): Promise<ChatWithPeople> {
  const [row] = await db.$queryRaw<
    Array<{ id: string; guest_id: string; owner_id: string; property_id: string; property_name: string; guest_name: string; guest_role: Person['role']; owner_name: string; owner_role: Person['role'] }>
  >`SELECT c.id, c.guest_id, c.owner_id, c.property_id, p.name AS property_name,
           g.name AS guest_name, g.role::text AS guest_role, o.name AS owner_name, o.role::text AS owner_role
    FROM chats c
    JOIN users g ON g.id = c.guest_id
    JOIN users o ON o.id = c.owner_id
    JOIN properties p ON p.id = c.property_id
    WHERE c.id = ${chatId} AND (c.guest_id = ${userId} OR c.owner_id = ${userId})`;
  if (!row) throw notFound('Chat');
  const guest: Person = { id: row.guest_id, name: row.guest_name, role: row.guest_role };
  const owner: Person = { id: row.owner_id, name: row.owner_name, role: row.owner_role };
  const iAmGuest = row.guest_id === userId;
  return {
    id: row.id,
    guestId: row.guest_id,
    ownerId: row.owner_id,
    propertyId: row.property_id,
    otherUserId: iAmGuest ? row.owner_id : row.guest_id,
    me: iAmGuest ? guest : owner,
    other: iAmGuest ? owner : guest,
    property: { id: row.property_id, name: row.property_name },
  };
}
