// The other half of the delivery path (docs/architecture.md): chat events (messages stored,
// read, changed; sessions revoked) are published by lib/chat with PostgreSQL NOTIFY in the commit
// that made them, and reach this node's sockets from here, except those this node's own sockets
// made (delivered from memory already; a lone node does not publish those at all). Each node
// LISTENs on a dedicated connection (LISTEN needs one session; a pool would hand it around) and
// emits with `io.local`, to its own sockets only: every node hears every NOTIFY, so each socket
// gets each event exactly once however many nodes run, and an event is delivered even when the
// node that stored the change dies right after its commit. The connection is re-opened after any
// error. NOTIFYs sent while it is down are lost to live delivery, so once it is back every socket
// of the node is told to `resync`: clients catch up from the history API, as after a reconnect.
import pg from 'pg';
import type { Logger } from 'pino';
import { CHAT_EVENTS_CHANNEL, parseChatEvent, type ChatEvent } from '../lib/chat';
import type { EventOrigin } from '../lib/chat/events';
import { loadMessages } from '../lib/chat/message-store';
import type { Db } from '../lib/db';
import type { Broadcaster, RealtimeIo } from './context';
import {
  deliverBlockChange,
  deliverDeliveryReceipt,
  deliverMessageChange,
  deliverNewMessage,
  deliverReadReceipt,
  deliverScheduledChange,
} from './deliveries';
import { userRoom } from './rooms';
import type { RealtimeMetrics } from './metrics';
import type { Presence } from './presence';

export const LISTENER_APPLICATION_NAME = 'stayeasy-realtime-listen';

export interface ChatEventsListener {
  /** Resolves once the first LISTEN is in place. */
  ready: Promise<void>;
  listening(): boolean;
  close(): Promise<void>;
}

/** What the application does with what the listener hears. */
export interface ChatEventHandlers {
  onEvent: (event: ChatEvent) => Promise<void>;
  /** Called when LISTEN is back after an outage: events published meanwhile were missed. */
  onResumed?: () => void;
}

export function listenForChatEvents(
  deps: ChatEventHandlers & { connectionString: string; logger: Logger; metrics: RealtimeMetrics; retryMs?: number },
): ChatEventsListener {
  const { logger, metrics } = deps;
  const retryMs = deps.retryMs ?? 1000;
  let client: pg.Client | null = null;
  let active = false;
  let closed = false;
  let retry: NodeJS.Timeout | null = null;
  let everListened = false;
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));

  const reconnectLater = (failed: pg.Client) => {
    if (client !== failed) return; // already handled for this connection
    client = null;
    active = false;
    failed.end().catch(() => {});
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = null;
      void connect();
    }, retryMs);
  };

  async function connect(): Promise<void> {
    if (closed) return;
    // Named, so operators (and the tests) can find this session in pg_stat_activity.
    const c = new pg.Client({
      connectionString: deps.connectionString,
      keepAlive: true,
      application_name: LISTENER_APPLICATION_NAME,
    });
    client = c;
    c.on('error', (error) => {
      metrics.dbErrors.inc({ operation: 'listen' });
      logger.warn({ err: error }, 'chat events connection failed; reconnecting');
      reconnectLater(c);
    });
    c.on('end', () => reconnectLater(c));
    c.on('notification', (notification) => {
      if (notification.channel !== CHAT_EVENTS_CHANNEL || !notification.payload) return;
      const event = parseChatEvent(notification.payload);
      if (!event) {
        logger.warn({ payload: notification.payload.slice(0, 200) }, 'ignoring a malformed chat event');
        return;
      }
      metrics.chatEventsReceived.inc({ type: event.type });
      deps.onEvent(event).catch((error: unknown) => {
        metrics.dbErrors.inc({ operation: 'relay' });
        logger.error({ err: error, event }, 'could not relay a chat event');
      });
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${CHAT_EVENTS_CHANNEL}`);
      if (client !== c) {
        await c.end().catch(() => {}); // closed (or replaced) while connecting
        return;
      }
      active = true;
      if (everListened) deps.onResumed?.();
      everListened = true;
      markReady();
    } catch (error) {
      metrics.dbErrors.inc({ operation: 'listen' });
      logger.warn({ err: error }, 'could not LISTEN for chat events; retrying');
      reconnectLater(c);
    }
  }

  void connect();
  return {
    ready,
    listening: () => active,
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      const c = client;
      client = null;
      active = false;
      if (c) await c.end().catch(() => {});
    },
  };
}

/**
 * Delivers each chat event to this node's own sockets (the socket it came from excepted), one
 * event after the other, so a chat's messages arrive in the order they were stored even when a
 * group has to be loaded first.
 */
export function createChatEventRelay(deps: {
  io: RealtimeIo;
  db: Db;
  metrics: RealtimeMetrics;
  nodeId: string;
  presence: Pick<Presence, 'visibleTo'>;
}) {
  const { io, db, metrics, nodeId, presence } = deps;
  const local = (origin: EventOrigin): Broadcaster => (origin ? io.local.except(origin.socket) : io.local);
  // Changes made by this node's sockets were delivered here from memory already.
  const elsewhere = (origin: EventOrigin) => origin?.node !== nodeId;

  async function deliver(event: ChatEvent): Promise<void> {
    switch (event.type) {
      case 'sessions_revoked': {
        const sockets = await io.local.in(userRoom(event.userId)).fetchSockets();
        for (const socket of sockets) {
          if (event.sessionIds === null || event.sessionIds.includes(socket.data.sessionId)) socket.disconnect(true);
        }
        return;
      }
      case 'messages_created': {
        const stored = event.messages.filter((m) => elsewhere(m.origin));
        if (stored.length === 0) return;
        // One query for the group; a message deleted since is not delivered (history has lost it too).
        const loaded = new Map(
          (
            await loadMessages(
              db,
              stored.map((m) => ({ id: m.messageId })),
            )
          ).map((m) => [m.id, m]),
        );
        for (const item of stored) {
          const message = loaded.get(item.messageId);
          if (!message) continue;
          deliverNewMessage(local(item.origin), { ...item, message });
          metrics.messagesDelivered.inc({ source: item.origin ? 'socket' : 'rest' });
        }
        return;
      }
      case 'message_changed': {
        if (!elsewhere(event.origin)) return;
        const [message] = await loadMessages(db, [{ id: event.messageId }]);
        if (message) deliverMessageChange(local(event.origin), { ...event, message });
        return;
      }
      case 'messages_read':
        if (elsewhere(event.origin)) deliverReadReceipt(local(event.origin), event);
        return;
      case 'scheduled_messages_changed':
        // Published by REST and the job alone (no origin): every node tells its own sockets.
        deliverScheduledChange(io.local, event);
        return;
      case 'chat_block_changed': {
        // Published by REST alone (no origin): every node tells its own sockets.
        const [a, b] = event.memberIds as [string, string];
        await deliverBlockChange(io.local, event, (userId) => presence.visibleTo(userId === a ? b : a, userId));
        return;
      }
      case 'messages_delivered':
        // Published only when nodes announce: every node, the recording one included, delivers it here.
        deliverDeliveryReceipt(io.local, event);
        return;
    }
  }

  let previous: Promise<void> = Promise.resolve();
  return (event: ChatEvent): Promise<void> => {
    const run = previous.then(() => deliver(event));
    previous = run.catch(() => {}); // the caller logs a failure; the next event still goes
    return run;
  };
}
