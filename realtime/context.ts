// The dependencies every handler factory receives (socket.io "basic CRUD" style: handlers are
// built from their dependencies, never import globals), the typed Server/Socket aliases, and the
// one place a client event's outcome becomes an acknowledgement, metrics and logs.
import type { Logger } from 'pino';
import type { BroadcastOperator, Server, Socket } from 'socket.io';
import type { AttachmentStorage } from '../lib/attachments/storage';
import type { Db } from '../lib/db';
import { AppError } from '../lib/errors';
import { RateLimitedError } from '../lib/rate-limits';
import {
  CLIENT_EVENTS,
  type AckError,
  type AckResponse,
  type ClientEventAck,
  type ClientEventInput,
  type ClientEventName,
  type ClientToServerEvents,
  type ServerToClientEvents,
} from '../lib/contract/chat-events';
import { parseInput } from '../lib/validation';
import type { RealtimeMetrics } from './metrics';
import type { Presence } from './presence';
import type { RateLimits } from '../lib/rate-limits';
import type { SendQueue } from '../lib/chat/send-queue';
import type { DeliveryBatcher } from './delivery-batcher';

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- no server-to-server events
export interface InterServerEvents {}

/** What the handshake middleware stores on each socket. */
export interface SocketData {
  userId: string;
  sessionId: string;
  name: string;
  role: 'GUEST' | 'OWNER' | 'ADMIN';
  /** The client's inbox is open and visible (its `set_visibility`): no email for unread messages then. */
  visible?: boolean;
}

export type RealtimeIo = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type RealtimeSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type Broadcaster = BroadcastOperator<ServerToClientEvents, SocketData>;

export interface HandlerDeps {
  io: RealtimeIo;
  /** This node's id in chat events' origin (lib/chat/events.ts). */
  nodeId: string;
  /**
   * True when this node runs among others (REDIS_URL: the Redis adapter): its sockets' changes
   * are then announced with their commit (lib/chat StoreOptions.announce) for the other nodes to
   * deliver. Decided by configuration, not by the peers seen at the moment: a node that lost
   * sight of the others for a while (Redis stalled) must still announce, or their sockets miss it.
   */
  announce: boolean;
  db: Db;
  logger: Logger;
  metrics: RealtimeMetrics;
  limits: RateLimits;
  presence: Presence;
  inFlight: InFlight;
  writes: Semaphore;
  /** Where attachments' bytes live (an unsend deletes them). */
  storage: AttachmentStorage;
  /** Sends are stored in groups (group commit): see lib/chat/send-queue.ts. */
  sends: SendQueue;
  /** Delivery receipts are written in batches: see delivery-batcher.ts. */
  deliveries: DeliveryBatcher;
  typing: { ttlMs: number; throttleMs: number };
}

/**
 * Socket.IO passes whatever the client sent: the payload may be missing (the callback then comes
 * first) and the "callback" may be any value. Normalises both; a missing ack is fine (the seed's
 * client listens for message_sent / message_error instead).
 */
function eventArgs(args: unknown[]): { payload: unknown; ack: ((response: unknown) => void) | null } {
  const [first, second] = args;
  if (typeof first === 'function') return { payload: undefined, ack: first as (r: unknown) => void };
  return { payload: first, ack: typeof second === 'function' ? (second as (r: unknown) => void) : null };
}

function toAckError(error: AppError): AckError {
  const body = error.toBody();
  return {
    code: body.code,
    message: body.message,
    ...(body.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: body.retryAfterSeconds }),
    ...(body.details === undefined ? {} : { details: body.details }),
  };
}

/**
 * The one way a client event is handled (the registrar): Socket.IO's arguments normalised, a
 * point of the event's budget taken, the payload parsed with the event's contract schema
 * (lib/contract/chat-events.ts), then `handle` (the handler's own rule; `receivedAt` is when the
 * event arrived, performance.now(), for handlers that time their stages), whose result or error
 * becomes the ack. `after` runs once the ack is out (emits to others go after the answer, and
 * only for what was stored).
 */
export function onClientEvent<E extends ClientEventName>(
  deps: Pick<HandlerDeps, 'metrics' | 'logger' | 'limits'>,
  socket: RealtimeSocket,
  event: E,
  handle: (input: ClientEventInput<E>, timing: { receivedAt: number }) => Promise<ClientEventAck<E>>,
  after?: (response: AckResponse<ClientEventAck<E>>, request: { payload: unknown; acked: boolean }) => void,
): void {
  const { input, what } = CLIENT_EVENTS[event];
  // Socket.IO types a listener by event name; this one serves any declared event.
  const on = socket.on.bind(socket) as (name: string, listener: (...args: unknown[]) => void) => void;
  on(event, async (...args: unknown[]) => {
    const { payload, ack } = eventArgs(args);
    const response = await runEvent(deps, socket, event, ack, (receivedAt) =>
      handle(parseInput(input, payload, what) as ClientEventInput<E>, { receivedAt }),
    );
    after?.(response, { payload, acked: ack !== null });
  });
}

// The budget is the user's, over all their tabs; the cut-off is for the socket that floods. A quiet
// tab refused once because another tab floods must stay: cut, it would reconnect, re-join its
// chats, be refused again, and loop. So a socket is cut only after many refusals of its own.
const FLOOD_REFUSALS_PER_SOCKET = 10;
const FLOOD_WINDOW_MS = 10_000;
const refusals = new WeakMap<RealtimeSocket, { count: number; since: number }>();

function refusedOften(socket: RealtimeSocket): boolean {
  const now = Date.now();
  const seen = refusals.get(socket);
  const current = seen && now - seen.since < FLOOD_WINDOW_MS ? seen : { count: 0, since: now };
  current.count++;
  refusals.set(socket, current);
  return current.count > FLOOD_REFUSALS_PER_SOCKET;
}

/**
 * Runs one client event: takes a point of the user's budget for it (RATE_LIMITED when spent; a
 * socket that goes on at twice the budget, refused again and again, is disconnected), then
 * `work` validates and calls the domain; its result or error becomes the
 * ack. Counts errors by code, observes ack latency, and logs anything INTERNAL (whose cause never
 * goes on the wire). Returns the response so the caller can emit after acking.
 */
async function runEvent<T>(
  deps: Pick<HandlerDeps, 'metrics' | 'logger' | 'limits'>,
  socket: RealtimeSocket,
  event: keyof ClientToServerEvents,
  ack: ((response: unknown) => void) | null,
  work: (receivedAt: number) => Promise<T>,
): Promise<AckResponse<T>> {
  const started = performance.now();
  let response: AckResponse<T>;
  let flooding = false;
  try {
    // Every event pays from its budget first, before parsing: a flood of garbage is a flood too.
    await deps.limits.consume(event, socket.data.userId);
    response = { ok: true, data: await work(started) };
  } catch (caught) {
    const error = AppError.from(caught);
    if (!(caught instanceof AppError)) {
      // Not an AppError: in these handlers that is the database (or Redis) failing.
      deps.metrics.dbErrors.inc({ operation: event });
      deps.logger.error({ err: caught, event, userId: socket.data.userId }, 'client event failed');
    } else if (error.code === 'RATE_LIMITED') {
      deps.metrics.rateLimited.inc({ event });
      flooding = error instanceof RateLimitedError && error.isFlood && refusedOften(socket);
    }
    deps.metrics.eventErrors.inc({ event, code: error.code });
    response = { ok: false, error: toAckError(error) };
  }
  if (ack) {
    try {
      ack(response);
    } catch (error) {
      deps.logger.warn({ err: error, event }, 'ack failed');
    }
  }
  if (flooding) {
    deps.logger.warn({ event, userId: socket.data.userId }, 'socket ignores its rate limit: disconnected');
    socket.disconnect(true);
  }
  deps.metrics.ackLatency.observe({ event }, (performance.now() - started) / 1000);
  return response;
}

/**
 * Work in progress that SIGTERM must let finish: every write a client is waiting an ack for.
 * `drain()` resolves when none is left; after `stop()` new work is refused (the client retries on
 * another node with the same clientMessageId).
 */
export class InFlight {
  private count = 0;
  private stopping = false;
  private waiters: Array<() => void> = [];

  get size(): number {
    return this.count;
  }

  get stopped(): boolean {
    return this.stopping;
  }

  stop(): void {
    this.stopping = true;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.stopping) throw new AppError('INTERNAL', 'The server is restarting; please retry');
    this.count++;
    try {
      return await work();
    } finally {
      this.count--;
      if (this.count === 0) for (const resolve of this.waiters.splice(0)) resolve();
    }
  }

  drain(): Promise<void> {
    if (this.count === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}

/**
 * Bounds the domain writes (sends, read receipts) running at once on this node. Without it a
 * burst (200 sends from one tab) opens as many transactions, which queue on the same chat row
 * lock and run into Prisma's interactive-transaction timeout; queued here instead, each waits
 * its turn for as long as it takes and then runs a short transaction.
 */
export class Semaphore {
  private active = 0;
  private readonly queue: Array<() => void> = [];
  constructor(readonly limit: number) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.queue.push(resolve));
    else this.active++;
    try {
      return await work();
    } finally {
      const next = this.queue.shift();
      if (next)
        next(); // the slot passes straight to the next in line
      else this.active--;
    }
  }
}
