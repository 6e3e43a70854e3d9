// The realtime wire contract, declared once and imported by the Socket.IO server (realtime/) and
// the browser (lib/client) alike: for every event a client may send, its input schema (parsed by
// the server's registrar, onClientEvent in realtime/context.ts), its rate-limit budget and the
// type of its acknowledgement; for every event the server pushes, the type of its payload. The wire types
// (ClientToServerEvents, ServerToClientEvents) are derived from these declarations, never
// written twice. A new chat capability is one entry here, one handler, one delivery case.
// Schemas and payload types come from lib/chat, so this module pulls no server code into a
// browser bundle (types are erased; the schemas are plain zod).
import { z } from 'zod';
import type { DeliveryReceipt, MessageDto, ReadReceipt } from '../chat';
import {
  editMessageSchema,
  joinChatSchema,
  markDeliveredSchema,
  markReadSchema,
  reactSchema,
  sendMessageSchema,
  setVisibilitySchema,
  typingSchema,
  unsendMessageSchema,
} from '../chat/schemas';
import type { ErrorBody } from '../errors';

/** Every acknowledgement: success with data, or a coded error (lib/errors' wire shape). */
export type AckResponse<T> = { ok: true; data: T } | { ok: false; error: AckError };
export type AckError = Pick<ErrorBody, 'code' | 'message' | 'retryAfterSeconds' | 'details'>;
export type Ack<T> = (response: AckResponse<T>) => void;

/** Which per-user budget an event spends (lib/rate-limits): its own, or the shared one. */
export type Budget = 'send' | 'typing' | 'event';

/** A declaration's ack type, carried by a value that exists only for the type checker. */
const ackOf = <T>() => undefined as unknown as T;

// The seed's client may send the bare chat id instead of { chatId }.
// A union, not z.preprocess: its wire type stays `{ chatId } | string` rather than `unknown`.
const chatIdPayload = z.union([joinChatSchema, joinChatSchema.shape.chatId.transform((chatId) => ({ chatId }))]);

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

/** The answer to an edit or an unsend: the message as it is now. */
export interface MessageChangeResult {
  message: MessageDto;
  /** False when there was nothing to change (the same text, unsent already): no one was told. */
  changed: boolean;
}

/** What a client may send: input schema (and its name in VALIDATION messages), budget, ack. */
export const CLIENT_EVENTS = {
  join_chat: { input: chatIdPayload, what: 'join_chat payload', budget: 'event', ack: ackOf<JoinChatResult>() },
  leave_chat: { input: chatIdPayload, what: 'leave_chat payload', budget: 'event', ack: ackOf<{ chatId: string }>() },
  send_message: { input: sendMessageSchema, what: 'message', budget: 'send', ack: ackOf<SendMessageResult>() },
  mark_read: { input: markReadSchema, what: 'mark_read payload', budget: 'event', ack: ackOf<ReadReceipt>() },
  // One event for every chat a client acknowledges at once; recorded with the node's next delivery
  // write, so the ack says only that it was taken.
  mark_delivered: {
    input: markDeliveredSchema,
    what: 'mark_delivered payload',
    budget: 'event',
    ack: ackOf<{ queued: true }>(),
  },
  typing: { input: typingSchema, what: 'typing payload', budget: 'typing', ack: ackOf<{ relayed: boolean }>() },
  edit_message: { input: editMessageSchema, what: 'edit', budget: 'send', ack: ackOf<MessageChangeResult>() },
  unsend_message: { input: unsendMessageSchema, what: 'unsend', budget: 'send', ack: ackOf<MessageChangeResult>() },
  react: { input: reactSchema, what: 'reaction', budget: 'event', ack: ackOf<MessageChangeResult>() },
  set_visibility: {
    input: setVisibilitySchema,
    what: 'set_visibility payload',
    budget: 'event',
    ack: ackOf<{ visible: boolean }>(),
  },
} as const satisfies Record<string, { input: z.ZodType; what: string; budget: Budget; ack: unknown }>;

export type ClientEventName = keyof typeof CLIENT_EVENTS;
/** What goes on the wire (z.input: before defaults and transforms). */
export type ClientEventPayload<E extends ClientEventName> = z.input<(typeof CLIENT_EVENTS)[E]['input']>;
/** What a handler receives, parsed. */
export type ClientEventInput<E extends ClientEventName> = z.output<(typeof CLIENT_EVENTS)[E]['input']>;
export type ClientEventAck<E extends ClientEventName> = (typeof CLIENT_EVENTS)[E]['ack'];

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

/**
 * A message changed (edited, unsent): its new state, to every tab of both members. The
 * recipient's tabs also get their unread counts (an unsent unread message no longer counts).
 */
export interface MessageUpdatedPayload {
  chatId: string;
  message: MessageDto;
  unreadCount?: number;
  chatUnreadCount?: number;
}

/** The other member's client has the chat's messages up to `deliveredUntil` (their delivery marker moved). */
export type MessagesDeliveredPayload = Pick<DeliveryReceipt, 'chatId' | 'userId' | 'deliveredUntil'>;

/** The user's scheduled messages of a chat changed (null: a chat that is gone): read them again. */
export interface ScheduledMessagesChangedPayload {
  chatId: string | null;
}

export interface TypingEventPayload {
  chatId: string;
  userId: string;
  isTyping: boolean;
}

/** What the server pushes: each event's payload type. */
export interface ServerPushes {
  new_message: MessageDto;
  message_notification: MessageNotificationPayload;
  /** The seed's answer to a send_message emitted WITHOUT an ack callback (with one, the ack is the answer). */
  message_sent: MessageSentPayload;
  /** The seed's refusal of a send_message emitted without an ack callback. */
  message_error: MessageErrorPayload;
  messages_read: MessagesReadPayload;
  messages_delivered: MessagesDeliveredPayload;
  message_updated: MessageUpdatedPayload;
  /** Only to the sender's own tabs: their scheduled messages were scheduled, edited, cancelled, sent or failed. */
  scheduled_messages_changed: ScheduledMessagesChangedPayload;
  typing: TypingEventPayload;
  presence: PresencePayload;
  /** Live events may have been missed (the node's LISTEN connection was down): catch up over REST. */
  resync: void;
}

// Socket.IO's typed-event maps, derived from the declarations above.
export type ClientToServerEvents = {
  [E in ClientEventName]: (payload: ClientEventPayload<E>, ack: Ack<ClientEventAck<E>>) => void;
};
export type ServerToClientEvents = {
  [E in keyof ServerPushes]: ServerPushes[E] extends void ? () => void : (payload: ServerPushes[E]) => void;
};

/** The `data` of a `connect_error` raised by the server. */
export interface ConnectErrorData {
  code: AckError['code'];
  message: string;
}
