// Who receives what when a message is stored, delivered or read: every tab and device of both members
// (the actor's own other tabs included), through `from`: always one node's own sockets
// (`io.local`), minus the socket that caused the event (it has its ack). Called by the node that
// made the change, from memory, and by every other node from the event it hears
// (chat-events.ts). Socket.IO sends a broadcast to several rooms once per socket, so a socket in
// both the chat room and a personal room still gets one copy.
import type { ChatEventOf } from '../lib/chat/events';
import type { DeliveryReceipt, MessageChange, MessageDto, ReadReceipt } from '../lib/chat';
import type { PresencePayload } from '../lib/contract/chat-events';
import type { Broadcaster } from './context';
import { chatRoom, userRoom } from './rooms';

export interface StoredMessage {
  message: MessageDto;
  recipientId: string;
  unreadCount: number;
  chatUnreadCount: number;
}

export function deliverNewMessage(from: Broadcaster, sent: StoredMessage): void {
  const { message } = sent;
  // The chat's open views, and every tab of the sender (their own message shows everywhere).
  from.to(chatRoom(message.chatId)).to(userRoom(message.senderId)).emit('new_message', message);
  // Every tab of the recipient, for the badge and the inbox list, whether the chat is open or not.
  from.to(userRoom(sent.recipientId)).emit('message_notification', {
    chatId: message.chatId,
    message,
    unreadCount: sent.unreadCount,
    chatUnreadCount: sent.chatUnreadCount,
  });
}

export function deliverReadReceipt(from: Broadcaster, receipt: ReadReceipt): void {
  if (receipt.messageIds.length === 0) return; // nothing changed: nothing to tell
  const { chatId, readerId, messageIds, readAt } = receipt;
  // The sender of those messages, on every tab, the chat open or not (only members join a chat
  // room, so the other member's user room holds every other view of this chat).
  from.to(userRoom(receipt.otherUserId)).emit('messages_read', { chatId, readerId, messageIds, readAt });
  // The reader's tabs also get their new unread counts, so every badge drops.
  from.to(userRoom(readerId)).emit('messages_read', {
    chatId,
    readerId,
    messageIds,
    readAt,
    unreadCount: receipt.unreadCount,
    chatUnreadCount: receipt.chatUnreadCount,
  });
}

/** A member's client has the chat's messages up to a point: the other member's ticks move. */
export function deliverDeliveryReceipt(from: Broadcaster, receipt: DeliveryReceipt): void {
  const { chatId, userId, deliveredUntil } = receipt;
  from.to(userRoom(receipt.otherUserId)).emit('messages_delivered', { chatId, userId, deliveredUntil });
}

export function deliverMessageChange(
  from: Broadcaster,
  change: Pick<MessageChange, 'message' | 'recipientId' | 'unreadCount' | 'chatUnreadCount'>,
): void {
  const { message } = change;
  // Every tab of both members (a member's user room holds all their views of the chat).
  from.to(userRoom(message.senderId)).emit('message_updated', { chatId: message.chatId, message });
  // Only an unsend can change the recipient's counts (an edit never does): a count sent with every
  // edit could land after a newer message's and lower the badge by mistake.
  const counts = message.unsentAt ? { unreadCount: change.unreadCount, chatUnreadCount: change.chatUnreadCount } : {};
  from.to(userRoom(change.recipientId)).emit('message_updated', { chatId: message.chatId, message, ...counts });
}

/** A user's scheduled messages of a chat changed: only that user's tabs learn it (no one else sees them). */
export function deliverScheduledChange(from: Broadcaster, change: ChatEventOf<'scheduled_messages_changed'>): void {
  from.to(userRoom(change.userId)).emit('scheduled_messages_changed', { chatId: change.chatId });
}

/**
 * A block or unblock in a chat: both members' tabs learn who is blocked, and each sees the other's
 * presence as the block leaves it (hidden while blocked; the current one after an unblock).
 */
export async function deliverBlockChange(
  from: Broadcaster,
  change: ChatEventOf<'chat_block_changed'>,
  presenceOf: (userId: string) => Promise<PresencePayload>,
): Promise<void> {
  const { chatId, blockedUserIds, memberIds } = change;
  from.to(memberIds.map(userRoom)).emit('chat_block_changed', { chatId, blockedUserIds });
  for (const [userId, otherId] of [memberIds, [...memberIds].reverse()] as Array<[string, string]>) {
    from.to(userRoom(userId)).emit('presence', await presenceOf(otherId));
  }
}
