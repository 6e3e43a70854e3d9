// The realtime application factory: one HTTP server carrying Socket.IO plus /health, /ready and
// /metrics, the handshake middleware, the event handlers, the adapter (Redis streams when given a
// Redis client, so N nodes act as one; else in memory), the delivery of chat events heard from
// PostgreSQL, and a graceful close. Its infrastructure comes in as dependencies, built by the
// entry point (main.ts; tests/test-support.ts on port 0): the metrics registry, the Redis client
// (connections.ts; not closed here) and the chat events listener's factory (chat-events.ts).
import { randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { Logger } from 'pino';
import { Gauge } from 'prom-client';
import { Server } from 'socket.io';
import { storage, type AttachmentStorage } from '../lib/attachments/storage';
import type { Db } from '../lib/db';
import { env } from '../lib/env';
import { logger as defaultLogger } from '../lib/logger';
import { lastRunFromAuditLog, registerArchiveMetrics } from '../lib/retention/metrics';
import { createAuthMiddleware, SocketSlots } from './auth';
import { createChatEventRelay, type ChatEventsListener, type ChatEventHandlers } from './chat-events';
import type { RedisClient } from './connections';
import { InFlight, Semaphore, type HandlerDeps, type RealtimeIo } from './context';
import { createDeliveryBatcher, DELIVERY_BATCH_INTERVAL_MS } from './delivery-batcher';
import { deliverDeliveryReceipt } from './deliveries';
import { userRoom } from './rooms';
import { createMessageChangeHandlers } from './handlers/message-changes';
import { createMessageHandlers } from './handlers/messages';
import { createReceiptHandlers } from './handlers/receipts';
import { createRoomHandlers } from './handlers/rooms';
import { createTypingHandlers } from './handlers/typing';
import { createVisibilityHandlers } from './handlers/visibility';
import type { RealtimeMetrics } from './metrics';
import { createPresence } from './presence';
import { SCHEDULED_SWEEP_INTERVAL_MS, startScheduledSender, type ScheduledSender } from './scheduled-sender';
import { startUnreadEmailSender, type UnreadEmailSettings } from './unread-email-sender';
import { TYPING_THROTTLE_MS, TYPING_TTL_MS } from '../lib/chat/schemas';
import { sendMessages } from '../lib/chat/send-messages';
import { createSendQueue } from '../lib/chat/send-queue';
import { createRateLimits, DEFAULT_RATE_LIMITS, type RateLimitOptions } from '../lib/rate-limits';

export interface RealtimeServerOptions {
  db: Db;
  /** Starts listening for chat events (changes made over REST, by jobs and on other nodes). */
  listenForChatEvents: (handlers: ChatEventHandlers) => ChatEventsListener;
  metrics: RealtimeMetrics;
  /** 0 (the default) picks a free port; `port` on the result says which. */
  port?: number;
  host?: string;
  /** Set: Redis streams adapter, Redis-backed rate limits and presence "last seen"; the caller closes it. */
  redis?: RedisClient;
  /** The web app's origin(s): the only ones allowed to open a socket from a browser. */
  corsOrigin: string | string[];
  logger?: Logger;
  rateLimits?: Partial<RateLimitOptions>;
  maxSocketsPerUser?: number;
  /** Largest packet a client may send; bigger ones close that client's connection only. */
  maxHttpBufferSize?: number;
  /** How long a disconnected client's missed broadcasts are kept for connection state recovery. */
  maxDisconnectionDurationMs?: number;
  typing?: Partial<HandlerDeps['typing']>;
  /** Read receipts writing at once on this node (sends go through the send queue); default half the DB pool. */
  maxConcurrentWrites?: number;
  /** How often delivery receipts are written (default DELIVERY_BATCH_INTERVAL_MS). */
  deliveryReceiptIntervalMs?: number;
  /** How often scheduled messages are looked for (default SCHEDULED_SWEEP_INTERVAL_MS). */
  scheduledSweepIntervalMs?: number;
  /** Set (SMTP_URL): this node emails unread messages (realtime/unread-email-sender.ts). */
  unreadEmails?: UnreadEmailSettings;
  /** Attachment bytes (an unsend deletes them); the UPLOAD_DIR disk by default. */
  storage?: AttachmentStorage;
  /** When set, /metrics answers only `Authorization: Bearer <metricsToken>` (METRICS_TOKEN). */
  metricsToken?: string;
}

export interface RealtimeServer {
  io: RealtimeIo;
  httpServer: ReturnType<typeof createServer>;
  port: number;
  url: string;
  metrics: RealtimeMetrics;
  /** Resolves once chat events are being listened for (the server is returned only then). */
  chatEventsReady(): Promise<void>;
  /** Sends waiting for their commit and ack right now. */
  inFlightCount(): number;
  /** Stops accepting, lets in-flight sends finish and ack, then closes everything. Idempotent. */
  close(): Promise<void>;
}

export const DEFAULT_MAX_HTTP_BUFFER_SIZE = 64 * 1024;
export const DEFAULT_MAX_SOCKETS_PER_USER = 20;

export async function createRealtimeServer(options: RealtimeServerOptions): Promise<RealtimeServer> {
  const { db } = options;
  const logger = options.logger ?? defaultLogger.child({ component: 'realtime' });
  const { metrics, redis } = options;
  registerArchiveMetrics(metrics.registry, lastRunFromAuditLog(db));
  const inFlight = new InFlight();

  const httpServer = createServer((req, res) => void answerHttp(req, res));

  const io: RealtimeIo = new Server(httpServer, {
    serveClient: false,
    cors: { origin: options.corsOrigin, credentials: true },
    maxHttpBufferSize: options.maxHttpBufferSize ?? DEFAULT_MAX_HTTP_BUFFER_SIZE,
    // skipMiddlewares: false, so a recovered connection is authenticated again (revocation).
    connectionStateRecovery: {
      maxDisconnectionDuration: options.maxDisconnectionDurationMs ?? 2 * 60_000,
      skipMiddlewares: false,
    },
    ...(redis
      ? { adapter: createAdapter(redis) as unknown as NonNullable<ConstructorParameters<typeof Server>[1]>['adapter'] }
      : {}),
  });

  const presence = createPresence({ io, db, logger, metrics, redis });
  const nodeId = randomUUID();
  const announce = Boolean(redis);
  const writes = new Semaphore(options.maxConcurrentWrites ?? Math.max(1, Math.floor(env.DATABASE_POOL_SIZE / 2)));
  const deps: HandlerDeps = {
    io,
    nodeId,
    announce,
    storage: options.storage ?? storage,
    db,
    logger,
    metrics,
    limits: createRateLimits({ ...DEFAULT_RATE_LIMITS, ...definedOnly(options.rateLimits) }, redis),
    presence,
    inFlight,
    writes,
    // One group at a time (send-queue.ts says why): the next forms while it commits.
    sends: createSendQueue(async (requests) => sendMessages(db, requests, { announce }), {
      observe({ waitedMs, storeMs }) {
        metrics.sendGroupSize.observe(waitedMs.length);
        for (const waited of waitedMs) {
          metrics.sendStage.observe({ stage: 'queue' }, waited / 1000);
          metrics.sendStage.observe({ stage: 'store' }, storeMs / 1000);
        }
      },
    }),
    typing: { ttlMs: TYPING_TTL_MS, throttleMs: TYPING_THROTTLE_MS, ...definedOnly(options.typing) },
    deliveries: createDeliveryBatcher({
      db,
      announce,
      intervalMs: options.deliveryReceiptIntervalMs ?? DELIVERY_BATCH_INTERVAL_MS,
      deliver: (receipt) => deliverDeliveryReceipt(io.local, receipt),
      runWrite: (write) => writes.run(write),
      logger,
      metrics,
    }),
  };
  const slots = new SocketSlots(options.maxSocketsPerUser ?? DEFAULT_MAX_SOCKETS_PER_USER);
  io.use(createAuthMiddleware({ db, metrics, logger, slots, accepting: () => !inFlight.stopped }));

  const attachTyping = createTypingHandlers(deps);
  const attachRooms = createRoomHandlers(deps);
  const attachMessages = createMessageHandlers(deps);
  const attachReceipts = createReceiptHandlers(deps);
  const attachMessageChanges = createMessageChangeHandlers(deps);
  const attachVisibility = createVisibilityHandlers(deps);

  io.on('connection', (socket) => {
    metrics.connectedSockets.inc();
    void socket.join(userRoom(socket.data.userId));
    const typing = attachTyping(socket);
    attachRooms(socket, { left: (chatId) => typing.stop(chatId) });
    attachMessages(socket, { sent: (chatId) => typing.stop(chatId) });
    attachReceipts(socket);
    attachMessageChanges(socket);
    attachVisibility(socket);
    logger.debug({ userId: socket.data.userId, socketId: socket.id, recovered: socket.recovered }, 'socket connected');
    void presence.connected(socket);
    socket.on('disconnect', (reason) => {
      metrics.connectedSockets.dec();
      logger.debug({ userId: socket.data.userId, socketId: socket.id, reason }, 'socket disconnected');
      // A node shutting down says nothing: its clients reconnect to another node at once, and
      // "offline" then "online" would only flap (and would go out after Redis is closed).
      if (inFlight.stopped) return typing.cancelAll();
      typing.stopAll();
      void presence.disconnected(socket);
    });
  });

  const relay = createChatEventRelay({ io, db, metrics, nodeId, presence });
  const listener: ChatEventsListener = options.listenForChatEvents({
    // An event this node could not deliver (the database failing mid-load) is not retried: its
    // sockets are told to catch up over REST instead, so nothing stays missing.
    onEvent: (event) =>
      relay(event).catch((error: unknown) => {
        io.local.emit('resync');
        throw error;
      }),
    onResumed: () => io.local.emit('resync'),
  });
  new Gauge({
    name: 'stayeasy_realtime_chat_events_listening',
    help: '1 while this node LISTENs for chat events (PostgreSQL NOTIFY), else 0',
    registers: [metrics.registry],
    collect() {
      this.set(listener.listening() ? 1 : 0);
    },
  });

  async function answerHttp(req: IncomingMessage, res: ServerResponse) {
    const path = (req.url ?? '/').split('?')[0];
    const json = (status: number, body: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    try {
      if (path === '/health') return json(200, { status: 'ok' });
      if (path === '/ready') {
        if (inFlight.stopped) return json(503, { status: 'shutting down' });
        try {
          await db.$queryRaw`SELECT 1`;
        } catch {
          metrics.dbErrors.inc({ operation: 'ready' });
          return json(503, { status: 'database unreachable' });
        }
        if (redis && !redis.isReady) return json(503, { status: 'redis unreachable' });
        return json(200, { status: 'ready', listening: listener.listening() });
      }
      if (path === '/metrics') {
        if (options.metricsToken && !bearerMatches(req.headers.authorization, options.metricsToken)) {
          res.setHeader('www-authenticate', 'Bearer');
          return json(401, { error: { code: 'UNAUTHENTICATED', message: 'metrics need their token' } });
        }
        const body = await metrics.registry.metrics();
        return res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(body);
      }
      return json(404, { error: { code: 'NOT_FOUND', message: 'Not found' } });
    } catch (error) {
      logger.error({ err: error, path }, 'http request failed');
      if (!res.headersSent) json(500, { error: { code: 'INTERNAL', message: 'Something went wrong' } });
    }
  }

  // Nothing is delivered before LISTEN is in place: accept no client until then.
  await listener.ready;
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port ?? 0, options.host, () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
  const { port } = httpServer.address() as AddressInfo;
  // Once clients can connect: the overdue messages it sends first are delivered by LISTEN, in place.
  const scheduled: ScheduledSender = startScheduledSender({
    db,
    intervalMs: options.scheduledSweepIntervalMs ?? SCHEDULED_SWEEP_INTERVAL_MS,
    logger,
    metrics,
  });
  const unreadEmails = options.unreadEmails
    ? startUnreadEmailSender({ db, io, settings: options.unreadEmails, logger, metrics })
    : null;

  let closing: Promise<void> | null = null;
  return {
    io,
    httpServer,
    port,
    url: `http://127.0.0.1:${port}`,
    metrics,
    chatEventsReady: () => listener.ready,
    inFlightCount: () => inFlight.size,
    close() {
      closing ??= (async () => {
        // 1. Stop accepting: no new TCP connections, no new handshakes, no new sends.
        inFlight.stop();
        const httpClosed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
        // 2. Sends already running commit and are acked over their still-open sockets.
        await inFlight.drain();
        // 3. Delivery receipts noted so far are written (and told); a scheduled sweep under way commits.
        await deps.deliveries.close();
        await scheduled.close();
        await unreadEmails?.close();
        // 4. Then everything goes.
        await listener.close();
        await io.close();
        httpServer.closeAllConnections();
        await httpClosed;
      })();
      return closing;
    },
  };
}

/** Drops undefined entries, so `{ x: undefined }` from an unset variable keeps the default. */
function definedOnly<T extends object>(value: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(value ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Compares a bearer token in constant time, so its bytes cannot be guessed from answer times. */
function bearerMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(header?.startsWith('Bearer ') ? header.slice(7) : '');
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
