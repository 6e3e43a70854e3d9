// ChatClient: the browser's (and any script's) connection to the realtime server, with the seed's
// public API (`new ChatClient(url, token)`, connect, joinChat, sendMessage, on, fetchMissedMessages).
// Its events are the server's pushes under their wire names (`new_message`, `messages_read`…), plus
// its own (`connection`, `sent`, `outbox`); the seed's `on('message')` is an alias at the edge.
// Unlike the seed it never loses or doubles a message:
// - every send goes through the persistent Outbox and keeps one clientMessageId for all retries;
// - acknowledgements are per emit (timeout + emitWithAck), never matched by event name;
// - Socket.IO's own backoff reconnects, each attempt with a fresh token (the `auth` callback);
// - after a reconnect that Socket.IO could not recover, it re-joins every chat and announces
//   `connection { status: 'connected', recovered: false }` so the caller catches up over REST.
import { io, type Socket } from 'socket.io-client';
import type { MessageDto, Quote } from '../chat/message-dto';
import type {
  AckError,
  AckResponse,
  ClientToServerEvents,
  ConnectErrorData,
  JoinChatResult,
  MessageChangeResult,
  ClientEventAck,
  ClientEventPayload,
  SendMessageResult,
  ServerPushes,
  ServerToClientEvents,
} from '../contract/chat-events';
import type { ErrorCode } from '../errors';
import type { MessagePage, ReadReceipt } from '../chat/messages';
import {
  DELIVERY_RECEIPT_INTERVAL_MS,
  TYPING_THROTTLE_MS,
  type Reaction,
  type SendMessageInput,
} from '../chat/schemas';
import { ApiError, apiFetch } from './api';
import { DeliveryAcks } from './delivery-acks';
import {
  LOCAL_ID_PREFIX,
  memoryOutboxStorage,
  Outbox,
  type OutboxChange,
  type OutboxItem,
  type SendOutcome,
} from './outbox';

export const ACK_TIMEOUT_MS = 10_000;
/** Codes that will not change by trying again: the message is marked failed at once. */
/** Refusals of an edit or unsend that leave nothing to tell the user about its message. */
const MOOT_CHANGE_CODES: ReadonlySet<ErrorCode> = new Set(['NOT_FOUND', 'ARCHIVED', 'CONFLICT']);

const FINAL_CODES: ReadonlySet<ErrorCode> = new Set([
  'WINDOW_CLOSED',
  'ARCHIVED',
  'VALIDATION',
  'NOT_FOUND',
  'FORBIDDEN',
  'CONFLICT',
  'PAYLOAD_TOO_LARGE',
  'UNAUTHENTICATED',
]);

export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting' | 'offline';

export interface ConnectionEvent {
  status: ConnectionStatus;
  /** On `connected`: whether Socket.IO replayed what was missed (false: catch up over REST). */
  recovered?: boolean;
  /** True on the first successful connection of this client. */
  initial?: boolean;
}

/** The server's pushes a ChatClient passes on, under their wire names (lib/contract). */
type RelayedPushes = Pick<
  ServerPushes,
  | 'new_message'
  | 'message_notification'
  | 'messages_read'
  | 'messages_delivered'
  | 'message_updated'
  | 'scheduled_messages_changed'
  | 'typing'
  | 'presence'
>;

/**
 * The seed's names for events, kept at the edge so its usage example still runs:
 * `chatClient.on('message', …)` is `on('new_message', …)`.
 */
const SEED_EVENT_NAMES = { message: 'new_message' } as const;
type SeedEventName = keyof typeof SEED_EVENT_NAMES;

export interface ChatClientEvents extends RelayedPushes {
  connection: ConnectionEvent;
  /** One of this client's own messages was stored (from the outbox; replaces the optimistic copy). */
  sent: MessageDto;
  outbox: readonly OutboxItem[];
}

export interface ChatClientOptions {
  /** A fresh token before each (re)connect, e.g. from GET /api/realtime/token. */
  getToken?: () => Promise<string>;
  /** Base URL of the REST API (the web app). Default: the page's origin, else the server URL. */
  apiBaseUrl?: string;
  outbox?: Outbox;
  ackTimeoutMs?: number;
  /** Extra Socket.IO client options (tests use `forceNew`, `reconnectionDelay`). */
  socketOptions?: Parameters<typeof io>[1];
}

type Handler<T> = (payload: T) => void;
type AppSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export class ChatClient {
  private socket: AppSocket | null = null;
  private token: string;
  private readonly handlers = new Map<keyof ChatClientEvents, Set<Handler<never>>>();
  private readonly joined = new Set<string>();
  private readonly waiters = new Map<string, { resolve: (m: MessageDto) => void; reject: (e: Error) => void }>();
  private readonly outboxInstance: Outbox;
  private readonly ackTimeoutMs: number;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private lastTyping = new Map<string, number>();
  private readonly deliveryAcks = new DeliveryAcks(
    (claims) => void this.request('mark_delivered', { claims }).catch(() => {}),
    DELIVERY_RECEIPT_INTERVAL_MS,
  );
  private everConnected = false;

  constructor(
    private readonly serverUrl: string = 'http://localhost:3001',
    authToken: string,
    private readonly options: ChatClientOptions = {},
  ) {
    this.token = authToken;
    this.ackTimeoutMs = options.ackTimeoutMs ?? ACK_TIMEOUT_MS;
    this.outboxInstance = options.outbox ?? new Outbox(memoryOutboxStorage());
    this.outboxInstance.subscribe((items) => {
      this.emit('outbox', items);
      for (const item of items) {
        const waiter = this.waiters.get(item.clientMessageId);
        if (waiter && item.status === 'failed') {
          this.waiters.delete(item.clientMessageId);
          waiter.reject(
            Object.assign(new Error(item.lastError?.message ?? 'Message could not be sent'), {
              code: item.lastError?.code,
            }),
          );
        }
      }
    });
  }

  get outbox(): Outbox {
    return this.outboxInstance;
  }

  get connected(): boolean {
    return this.socket?.connected ?? false;
  }

  /** Connects, resolving once connected; rejects if the server refuses the credentials for good. */
  connect(): Promise<void> {
    if (this.socket)
      return this.socket.connected ? Promise.resolve() : new Promise((r) => this.socket!.once('connect', () => r()));
    const socket: AppSocket = io(this.serverUrl, {
      // Called before every attempt: each reconnect presents a fresh token.
      auth: (cb) => {
        const fresh = this.options.getToken
          ? this.options.getToken().catch(() => this.token)
          : Promise.resolve(this.token);
        void fresh.then((token) => {
          this.token = token;
          cb({ token });
        });
      },
      transports: ['websocket', 'polling'],
      ...this.options.socketOptions,
    });
    this.socket = socket;
    this.wire(socket);
    this.followBrowserNetwork(socket);
    this.emit('connection', { status: 'connecting' });
    return new Promise((resolve, reject) => {
      const onConnect = () => {
        socket.off('connect_error', onError);
        resolve();
      };
      const onError = (error: Error & { data?: ConnectErrorData }) => {
        // A refusal by the server's middleware stops Socket.IO's own retries (socket.active is
        // false): with a token source, try once more with a fresh token; otherwise give up.
        if (socket.active) return;
        socket.off('connect', onConnect);
        reject(
          Object.assign(new Error(error.data?.message ?? error.message), {
            code: error.data?.code ?? 'UNAUTHENTICATED',
          }),
        );
      };
      socket.once('connect', onConnect);
      socket.on('connect_error', onError);
    });
  }

  disconnect(): void {
    clearTimeout(this.retryTimer);
    this.deliveryAcks.clear();
    this.stopFollowingNetwork?.();
    // Callers waiting on a send get an answer; the message itself stays in the (persistent)
    // outbox and goes out with the next client.
    for (const waiter of this.waiters.values())
      waiter.reject(Object.assign(new Error('Disconnected; the message waits in the outbox'), { code: 'OFFLINE' }));
    this.waiters.clear();
    this.socket?.disconnect();
    this.socket = null;
    this.emit('connection', { status: 'offline' });
  }

  /** Joins a chat's live room (again after every unrecovered reconnect). */
  async joinChat(chatId: string): Promise<JoinChatResult> {
    this.joined.add(chatId);
    return this.request('join_chat', { chatId });
  }

  async leaveChat(chatId: string): Promise<void> {
    this.joined.delete(chatId);
    if (this.socket?.connected) await this.request('leave_chat', { chatId });
  }

  /**
   * Sends a message and resolves with it once the server has stored it. Offline, it waits in the
   * outbox (which survives reloads) and goes out when the connection returns.
   */
  async sendMessage(data: {
    chatId: string;
    content: string;
    /** Upload ids, and files named by URL (`{ url, type }`, as the seed's client sends them). */
    attachments?: SendMessageInput['attachments'];
    /** The message this one answers (a quoted reply), as the thread shows it. */
    replyTo?: Quote;
  }): Promise<MessageDto> {
    const item = await this.outboxInstance.add(data);
    const stored = new Promise<MessageDto>((resolve, reject) =>
      this.waiters.set(item.clientMessageId, { resolve, reject }),
    );
    void this.flushOutbox();
    return stored;
  }

  /**
   * Edits one of the user's messages through the outbox, like a send (so an edit made offline
   * waits, survives the tab, and goes once, after the send it refers to). A message still waiting
   * in the outbox (shown as `local:<clientMessageId>`) has its text replaced there; one whose send
   * is on its way is named by its clientMessageId.
   */
  async editMessage(chatId: string, messageId: string, content: string): Promise<void> {
    const waiting = waitingSendOf(messageId);
    if (waiting && (await this.outboxInstance.reviseSend(waiting, content))) return;
    await this.queueChange(chatId, { kind: 'edit', ...changeTarget(messageId) }, content);
  }

  /** Unsends one of the user's messages, as editMessage does (one still waiting is simply dropped). */
  async unsendMessage(chatId: string, messageId: string): Promise<void> {
    const waiting = waitingSendOf(messageId);
    if (waiting && (await this.outboxInstance.dropSend(waiting))) return;
    await this.queueChange(chatId, { kind: 'unsend', ...changeTarget(messageId) }, '');
  }

  /** Puts a reaction on a message of the chat, or takes it off: queued like any change. */
  async react(chatId: string, messageId: string, emoji: Reaction, on: boolean): Promise<void> {
    await this.queueChange(chatId, { kind: 'react', reaction: { emoji, on }, ...changeTarget(messageId) }, '');
  }

  private async queueChange(chatId: string, change: OutboxChange, content: string): Promise<void> {
    await this.outboxInstance.add({ chatId, content, change });
    void this.flushOutbox();
  }

  /** Retries a failed message with its original clientMessageId. */
  async retryMessage(clientMessageId: string): Promise<void> {
    await this.outboxInstance.retry(clientMessageId);
    void this.flushOutbox();
  }

  deleteFailedMessage(clientMessageId: string): Promise<void> {
    return this.outboxInstance.remove(clientMessageId);
  }

  markRead(chatId: string, target: { messageIds: string[] } | { upToMessageId: string }): Promise<ReadReceipt> {
    return this.request('mark_read', { chatId, ...target });
  }

  /** Tells the other member we are typing; repeated calls within a couple of seconds are dropped. */
  typing(chatId: string, isTyping: boolean): void {
    if (!this.socket?.connected) return;
    const now = Date.now();
    if (isTyping && now - (this.lastTyping.get(chatId) ?? 0) < TYPING_THROTTLE_MS) return;
    this.lastTyping.set(chatId, isTyping ? now : 0);
    this.socket.timeout(this.ackTimeoutMs).emit('typing', { chatId, isTyping }, () => {});
  }

  on<E extends keyof ChatClientEvents>(event: E, handler: Handler<ChatClientEvents[E]>): () => void;
  on<S extends SeedEventName>(event: S, handler: Handler<ChatClientEvents[(typeof SEED_EVENT_NAMES)[S]]>): () => void;
  on(name: keyof ChatClientEvents | SeedEventName, handler: Handler<never>): () => void {
    const event = name in SEED_EVENT_NAMES ? SEED_EVENT_NAMES[name as SeedEventName] : (name as keyof ChatClientEvents);
    let set = this.handlers.get(event);
    if (!set) this.handlers.set(event, (set = new Set()));
    set.add(handler as Handler<never>);
    return () => set.delete(handler as Handler<never>);
  }

  /** The chat's messages edited or unsent after a history page's `changeCursor`, and the cursor to use next. */
  async fetchMessageChanges(
    chatId: string,
    changedAfter: string,
  ): Promise<{ messages: MessageDto[]; changeCursor: string }> {
    const messages: MessageDto[] = [];
    let cursor = changedAfter;
    for (let guard = 0; guard < 1000; guard++) {
      const params = new URLSearchParams({ changedAfter: cursor });
      const data = await this.getJson<{ messages: MessageDto[]; changeCursor: string; hasMore: boolean }>(
        `/api/chats/${encodeURIComponent(chatId)}/messages?${params}`,
        'Failed to fetch message changes',
      );
      messages.push(...data.messages);
      cursor = data.changeCursor;
      if (!data.hasMore) break;
    }
    return { messages, changeCursor: cursor };
  }

  /** Every message of the chat after `afterId` (a message id or cursor), oldest first. */
  async fetchMissedMessages(chatId: string, afterId: string): Promise<MessageDto[]> {
    return (await this.catchUp(chatId, afterId)).messages;
  }

  /**
   * What a chat's view missed after `afterId`: its messages, oldest first, and how far the other
   * member has the chat's messages now (their delivery marker).
   */
  async catchUp(chatId: string, afterId: string): Promise<Pick<MessagePage, 'messages' | 'deliveredUntil'>> {
    const messages: MessageDto[] = [];
    let deliveredUntil: string | null = null;
    let after = afterId;
    for (let guard = 0; guard < 1000; guard++) {
      const params = new URLSearchParams({ after, limit: '100' });
      const data = await this.getJson<MessagePage>(
        `/api/chats/${encodeURIComponent(chatId)}/messages?${params}`,
        'Failed to fetch messages',
      );
      messages.push(...data.messages);
      deliveredUntil = data.deliveredUntil;
      if (!data.pagination.hasMore || !data.pagination.nextCursor) break;
      after = data.pagination.nextCursor;
    }
    return { messages, deliveredUntil };
  }

  // -------------------------------------------------------------------------------------------

  /** GET over the shared REST client with this client's bearer token (it may be another origin). */
  private async getJson<T>(path: string, failure: string): Promise<T> {
    try {
      return await apiFetch<T>(`${this.apiBaseUrl()}${path}`, { token: this.token, credentials: 'include' });
    } catch (error) {
      // An HTTP failure keeps this client's message form ("<failure>: <status> …") and the code.
      if (error instanceof ApiError && error.status)
        throw new ApiError(error.code, `${failure}: ${error.status} ${error.message}`, error.status, error.details);
      throw error;
    }
  }

  private apiBaseUrl(): string {
    return this.options.apiBaseUrl ?? (globalThis as { location?: Location }).location?.origin ?? this.serverUrl;
  }

  private stopFollowingNetwork: (() => void) | undefined;

  /** Tells the server whether this page is visible (a socket's state: every connect says it again). */
  private reportVisibility() {
    if (typeof document === 'undefined' || !this.socket?.connected) return;
    void this.request('set_visibility', { visible: document.visibilityState === 'visible' }).catch(() => {});
  }

  /**
   * In a browser, follow the network the page sees: a socket kept open across "offline" can
   * swallow emits that never arrive, so drop it and let sends wait in the outbox; reconnect
   * (and flush) as soon as the browser is back online.
   */
  private followBrowserNetwork(socket: AppSocket) {
    if (typeof window === 'undefined' || typeof window.addEventListener !== 'function') return;
    const offline = () => {
      socket.disconnect();
      this.emit('connection', { status: 'offline' });
    };
    const online = () => {
      if (!socket.connected) socket.connect();
    };
    // Whether the inbox is in sight: a recipient looking at it gets no email for unread messages.
    const visibility = () => this.reportVisibility();
    window.addEventListener('offline', offline);
    window.addEventListener('online', online);
    document.addEventListener('visibilitychange', visibility);
    this.stopFollowingNetwork = () => {
      window.removeEventListener('offline', offline);
      window.removeEventListener('online', online);
      document.removeEventListener('visibilitychange', visibility);
    };
    if (navigator.onLine === false) offline();
  }

  private wire(socket: AppSocket) {
    socket.on('connect', () => {
      const initial = !this.everConnected;
      this.everConnected = true;
      if (!socket.recovered) {
        for (const chatId of this.joined) void this.request('join_chat', { chatId }).catch(() => {});
      }
      this.emit('connection', { status: 'connected', recovered: socket.recovered, initial });
      this.reportVisibility();
      void this.flushOutbox();
    });
    socket.on('disconnect', (reason) => {
      // "io server disconnect": the server dropped us on purpose (e.g. revoked session); Socket.IO
      // will not retry by itself, so try once with a fresh token.
      if (reason === 'io server disconnect') socket.connect();
      this.emit('connection', { status: socket.active ? 'reconnecting' : 'offline' });
    });
    socket.on('connect_error', (error: Error & { data?: ConnectErrorData }) => {
      if (!socket.active && error.data?.code === 'UNAUTHENTICATED' && this.options.getToken) {
        // The token expired between attempts; the auth callback fetches a new one.
        setTimeout(() => this.socket === socket && socket.connect(), 1000);
      }
      this.emit('connection', { status: this.everConnected ? 'reconnecting' : 'connecting' });
    });
    // Each push keeps its wire name: one vocabulary from the server to the UI.
    socket.on('new_message', (message) => this.emit('new_message', message));
    socket.on('message_notification', (payload) => {
      // Pushed to the recipient only: this client has the message now (a delivery receipt).
      this.deliveryAcks.received(payload.chatId, payload.message);
      this.emit('message_notification', payload);
    });
    socket.on('messages_read', (payload) => this.emit('messages_read', payload));
    socket.on('messages_delivered', (payload) => this.emit('messages_delivered', payload));
    socket.on('typing', (payload) => this.emit('typing', payload));
    socket.on('presence', (payload) => this.emit('presence', payload));
    socket.on('message_updated', (payload) => this.emit('message_updated', payload));
    socket.on('scheduled_messages_changed', (payload) => this.emit('scheduled_messages_changed', payload));
    // The server may have missed events for us: handle it like a reconnect it could not recover.
    socket.on('resync', () => this.emit('connection', { status: 'connected', recovered: false, initial: false }));
  }

  private flushOutbox(): Promise<void> {
    return this.outboxInstance.flush((item) => this.trySend(item));
  }

  private async trySend(item: OutboxItem): Promise<SendOutcome> {
    const socket = this.socket;
    if (!socket?.connected) return { kind: 'unavailable', code: 'OFFLINE', message: 'Not connected' };
    if (item.change) return this.tryChange(socket, item, item.change);
    let response: AckResponse<SendMessageResult>;
    try {
      response = await socket.timeout(this.ackTimeoutMs).emitWithAck('send_message', {
        chatId: item.chatId,
        content: item.content,
        attachments: item.attachments.length ? item.attachments : undefined,
        clientMessageId: item.clientMessageId,
        replyToId: item.replyTo?.id,
      });
    } catch {
      this.scheduleRetry(2_000);
      return { kind: 'unavailable', code: 'TIMEOUT', message: 'The server did not confirm in time' };
    }
    if (response.ok) {
      const waiter = this.waiters.get(item.clientMessageId);
      this.waiters.delete(item.clientMessageId);
      this.emit('sent', response.data.message);
      waiter?.resolve(response.data.message);
      return { kind: 'stored' };
    }
    return this.refused(response.error);
  }

  private async tryChange(
    socket: Socket<ServerToClientEvents, ClientToServerEvents>,
    item: OutboxItem,
    change: OutboxChange,
  ): Promise<SendOutcome> {
    const target = { chatId: item.chatId, messageId: change.messageId, clientMessageId: change.clientMessageId };
    let response: AckResponse<MessageChangeResult>;
    try {
      const timed = socket.timeout(this.ackTimeoutMs);
      if (change.kind === 'edit')
        response = await timed.emitWithAck('edit_message', { ...target, content: item.content });
      else if (change.kind === 'unsend') response = await timed.emitWithAck('unsend_message', target);
      else if (change.reaction) response = await timed.emitWithAck('react', { ...target, ...change.reaction });
      else return { kind: 'rejected', code: 'VALIDATION', message: 'A reaction record without its reaction' };
    } catch {
      this.scheduleRetry(2_000);
      return { kind: 'unavailable', code: 'TIMEOUT', message: 'The server did not confirm in time' };
    }
    if (response.ok) {
      // This socket is not sent its own change: tell the page as the push would.
      this.emit('message_updated', { chatId: item.chatId, message: response.data.message });
      return { kind: 'stored' };
    }
    // The message is gone, archived or unsent: there is nothing left to change, and the page
    // shows it as it is. Done with, rather than kept as a refusal no message could show.
    if (MOOT_CHANGE_CODES.has(response.error.code)) return { kind: 'stored' };
    return this.refused(response.error);
  }

  /** A refusal: for good (bad input, no access, too late), or worth another try later. */
  private refused({ code, message, retryAfterSeconds }: AckError): SendOutcome {
    if (FINAL_CODES.has(code)) return { kind: 'rejected', code, message };
    this.scheduleRetry((retryAfterSeconds ?? 2) * 1000);
    return { kind: 'unavailable', code, message };
  }

  private scheduleRetry(delayMs: number) {
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.flushOutbox(), delayMs);
  }

  /** An event whose payload and ack types come from the contract (lib/contract/chat-events.ts). */
  private async request<E extends 'join_chat' | 'leave_chat' | 'mark_read' | 'mark_delivered' | 'set_visibility'>(
    event: E,
    payload: ClientEventPayload<E>,
  ): Promise<ClientEventAck<E>> {
    if (!this.socket) throw new Error('Not connected: call connect() first');
    // Socket.IO types each event name apart; the contract says these match.
    const timed = this.socket.timeout(this.ackTimeoutMs);
    const emit = timed.emitWithAck.bind(timed) as (
      event: E,
      payload: ClientEventPayload<E>,
    ) => Promise<AckResponse<ClientEventAck<E>>>;
    const response = await emit(event, payload);
    if (!response.ok) throw Object.assign(new Error(response.error.message), { code: response.error.code });
    return response.data;
  }

  private emit<E extends keyof ChatClientEvents>(event: E, payload: ChatClientEvents[E]) {
    for (const handler of this.handlers.get(event) ?? []) {
      try {
        (handler as Handler<ChatClientEvents[E]>)(payload);
      } catch (error) {
        console.error(`ChatClient: a ${event} handler threw`, error);
      }
    }
  }
}

/** The clientMessageId of a message shown from the outbox (`local:<clientMessageId>`), if it is one. */
function waitingSendOf(messageId: string): string | undefined {
  return messageId.startsWith(LOCAL_ID_PREFIX) ? messageId.slice(LOCAL_ID_PREFIX.length) : undefined;
}

/** How a change names its message: by id, or by clientMessageId for one shown from the outbox. */
function changeTarget(messageId: string): Pick<OutboxChange, 'messageId' | 'clientMessageId'> {
  const waiting = waitingSendOf(messageId);
  return waiting ? { clientMessageId: waiting } : { messageId };
}
