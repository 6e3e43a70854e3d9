// Chat membership as a socket sees it, cached for the socket's life: a chat's two members never
// change, so once the domain has said yes (lib/chat getChatForMember, which also answers
// NOT_FOUND for chats the user is not in), typing events need no query each. Bounded, so a client
// cannot grow it without limit.
import { getChatForMember, type ChatMembership } from '../lib/chat';
import type { Db } from '../lib/db';
import type { RealtimeSocket } from './context';

const MAX_CACHED = 200;
const cache = new WeakMap<RealtimeSocket, Map<string, ChatMembership>>();

export async function membershipOf(db: Db, socket: RealtimeSocket, chatId: string): Promise<ChatMembership> {
  let chats = cache.get(socket);
  const hit = chats?.get(chatId);
  if (hit) return hit;
  const membership = await getChatForMember(db, socket.data.userId, chatId);
  if (!chats) cache.set(socket, (chats = new Map()));
  if (chats.size >= MAX_CACHED) chats.delete(chats.keys().next().value!);
  chats.set(chatId, membership);
  return membership;
}
