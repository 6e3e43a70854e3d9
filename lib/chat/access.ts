// Who may touch a chat: only its guest and its owner. A chat the user is not in answers
// NOT_FOUND, exactly like one that does not exist, so ids cannot be probed.
import { Prisma, type Db } from '../db';
import { preparedStatementMarker, queryThroughPool } from '../db/client';
import type { Role } from '../db/generated/enums';
import { notFound } from '../errors';

export interface Person {
  id: string;
  name: string;
  role: Role;
}

export interface ChatMembership {
  id: string;
  guestId: string;
  ownerId: string;
  propertyId: string;
  /** The other member: the recipient of anything this user sends. */
  otherUserId: string;
}

/** A membership read with the chat's change clock (message-changes.ts). */
export interface ChatMembershipNow extends ChatMembership {
  changeSeq: bigint;
}

/** The membership with both members and the property, as a send needs them for its message. */
export interface ChatWithPeople extends ChatMembership {
  me: Person;
  other: Person;
  property: { id: string; name: string };
}

export type ChatRow = {
  id: string;
  guest_id: string;
  owner_id: string;
  property_id: string;
  property_name: string;
  guest_name: string;
  guest_role: Role;
  owner_name: string;
  owner_role: Role;
};

/** A ChatRow's columns, over `chats c` joined as in chatRowJoins. */
export const chatRowColumns = Prisma.sql`c.id, c.guest_id, c.owner_id, c.property_id, p.name AS property_name,
  g.name AS guest_name, g.role::text AS guest_role, o.name AS owner_name, o.role::text AS owner_role`;
export const chatRowJoins = Prisma.sql`JOIN users g ON g.id = c.guest_id
  JOIN users o ON o.id = c.owner_id
  JOIN properties p ON p.id = c.property_id`;

/** The chat as its member `userId` sees it, from a ChatRow; NOT_FOUND when `userId` is not a member. */
export function membershipOf(row: ChatRow | undefined, userId: string): ChatWithPeople {
  if (!row || (row.guest_id !== userId && row.owner_id !== userId)) throw notFound('Chat');
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

/** The chat's membership for `userId` (one index probe on chats); NOT_FOUND when not a member. */
export async function getChatForMember(
  db: Pick<Db, 'chat'>,
  userId: string,
  chatId: string,
): Promise<ChatMembershipNow> {
  const chat = await db.chat.findFirst({
    where: { id: chatId, OR: [{ guestId: userId }, { ownerId: userId }] },
    select: { id: true, guestId: true, ownerId: true, propertyId: true, changeSeq: true },
  });
  return memberView(chat, userId);
}

/** A chat row of `userId`'s (found by id and either member), as they see it; NOT_FOUND when none. */
function memberView<T extends Omit<ChatMembership, 'otherUserId'>>(chat: T | null, userId: string) {
  if (!chat) throw notFound('Chat');
  return { ...chat, otherUserId: chat.guestId === userId ? chat.ownerId : chat.guestId };
}

const CHAT_FOR_READER_MARKER = preparedStatementMarker('chat_for_reader');

/**
 * getChatForMember with both members' delivery markers (delivery-receipts.ts), in one statement:
 * what a history page needs before it reads its messages.
 */
export async function getChatForReader(db: Db, userId: string, chatId: string) {
  // Through pg, prepared: every history page starts here, and Prisma's raw path cost about
  // 1 ms of a 4-5 ms page (scratch probe).
  const [row] = await queryThroughPool<
    Omit<ChatMembershipNow, 'otherUserId' | 'changeSeq'> & {
      changeSeq: string;
      myDeliveredUntil: Date | null;
      otherDeliveredUntil: Date | null;
    }
  >(
    db,
    Prisma.sql`${Prisma.raw(CHAT_FOR_READER_MARKER)}
    SELECT c.id, c.guest_id AS "guestId", c.owner_id AS "ownerId", c.property_id AS "propertyId",
           c.change_seq::text AS "changeSeq", me.delivered_until AS "myDeliveredUntil",
           other.delivered_until AS "otherDeliveredUntil"
    FROM chats c
    LEFT JOIN delivery_markers me ON me.chat_id = c.id AND me.user_id = ${userId}
    LEFT JOIN delivery_markers other ON other.chat_id = c.id
      AND other.user_id = CASE WHEN c.guest_id = ${userId} THEN c.owner_id ELSE c.guest_id END
    WHERE c.id = ${chatId} AND (c.guest_id = ${userId} OR c.owner_id = ${userId})`,
  );
  const chat = row ? { ...row, changeSeq: BigInt(row.changeSeq) } : null;
  return memberView(chat, userId);
}
