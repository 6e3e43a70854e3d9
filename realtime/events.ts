// The realtime wire contract (DESIGN.md "Wire contract") as TypeScript types, shared by the
// Socket.IO server and the browser client. Payload types are inferred from the zod schemas and
// domain types of lib/chat, never retyped. Besides types it holds only the two room-name
// helpers, so a browser bundle importing it pulls in no server code.
import type { z } from 'zod';
import type { MessageDto, ReadReceipt } from '../lib/chat';
import type { joinChatSchema, markReadSchema, sendMessageSchema, typingSchema } from '../lib/chat/schemas';
import type { ErrorBody } from '../lib/errors';

/** What a client may send (z.input: before defaults/transforms, i.e. what goes on the wire). */
export type SendMessagePayload = z.input<typeof sendMessageSchema>;
export type MarkReadPayload = z.input<typeof markReadSchema>;
export type TypingPayload = z.input<typeof typingSchema>;
/** The seed's client may also send the bare chat id. */
export type JoinChatPayload = z.input<typeof joinChatSchema> | string;

/** Every acknowledgement: success with data, or a coded error (lib/errors' wire shape). */
export type AckResponse<T> = { ok: true; data: T } | { ok: false; error: AckError };
export type AckError = Pick<ErrorBody, 'code' | 'message' | 'retryAfterSeconds' | 'details'>;
export type Ack<T> = (response: AckResponse<T>) => void;

export interface PresencePayload {
  userId: string;
  online: boolean;
  /** When the user's last socket closed (ISO); null while online or when unknown. */
  lastSeen: string | null;
}

export interface JoinChatResult {
  chatId: string;
  /** The other member's presence at the time of joining; `presence` events follow. */
  presence: PresencePayload;
}

export interface SendMessageResult {
  message: MessageDto;
  /** True when this clientMessageId was already stored: the ack repeats the stored message. */
  duplicate: boolean;
}

export interface MessageNotificationPayload {
  chatId: string;
  message: MessageDto;
  /** The recipient's unread messages over all chats, and in this chat. */
  unreadCount: number;
  chatUnreadCount: number;
}

/** The seed's per-send success event (kept for clients that wait for it instead of an ack). */
export interface MessageSentPayload {
  messageId: string;
  chatId: string;
  timestamp: string;
  clientMessageId: string | null;
}

/** The seed's per-send failure event. */
export interface MessageErrorPayload {
  error: string;
  code: AckError['code'];
  clientMessageId: string | null;
  retryAfterSeconds?: number;
}

/**
 * A read receipt. The reader's own tabs also get their new unread counts (so badges drop);
 * the other member gets the receipt without them.
 */
export type MessagesReadPayload = Pick<ReadReceipt, 'chatId' | 'readerId' | 'messageIds' | 'readAt'> &
  Partial<Pick<ReadReceipt, 'unreadCount' | 'chatUnreadCount'>>;

export interface TypingEventPayload {
  chatId: string;
  userId: string;
  isTyping: boolean;
}

export interface ClientToServerEvents {
  join_chat: (payload: JoinChatPayload, ack: Ack<JoinChatResult>) => void;
  leave_chat: (payload: JoinChatPayload, ack: Ack<{ chatId: string }>) => void;
  send_message: (payload: SendMessagePayload, ack: Ack<SendMessageResult>) => void;
  mark_read: (payload: MarkReadPayload, ack: Ack<ReadReceipt>) => void;
  typing: (payload: TypingPayload, ack: Ack<{ relayed: boolean }>) => void;
}

export interface ServerToClientEvents {
  new_message: (message: MessageDto) => void;
  message_notification: (payload: MessageNotificationPayload) => void;
  /** The seed's answer to a send_message emitted WITHOUT an ack callback (with one, the ack is the answer). */
  message_sent: (payload: MessageSentPayload) => void;
  /** The seed's refusal of a send_message emitted without an ack callback. */
  message_error: (payload: MessageErrorPayload) => void;
  messages_read: (payload: MessagesReadPayload) => void;
  typing: (payload: TypingEventPayload) => void;
  presence: (payload: PresencePayload) => void;
  /** Live events may have been missed (the node's LISTEN connection was down): catch up over REST. */
  resync: () => void;
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- no server-to-server events
export interface InterServerEvents {}

/** What the handshake middleware stores on each socket. */
export interface SocketData {
  userId: string;
  sessionId: string;
  name: string;
  role: 'GUEST' | 'OWNER';
}

/** The `data` of a `connect_error` raised by the server. */
export interface ConnectErrorData {
  code: AckError['code'];
  message: string;
}

/** Room names: a user's personal room (all their tabs) and a chat's room (joined viewers). */
export const userRoom = (userId: string) => `user:${userId}`;
export const chatRoom = (chatId: string) => `chat:${chatId}`;
