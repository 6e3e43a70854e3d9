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
