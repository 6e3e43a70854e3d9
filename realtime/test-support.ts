// Test helpers for the realtime integration tests (not a test file itself): a server on a free
// port over the test file's real database, real socket.io-client clients, a recorder of what a
// client received, and the retrying sender a real client is (ack with timeout, resend every
// unacked message with its clientMessageId after a reconnect). Timeouts here only turn a hang
// into a failure; no test asserts on elapsed time.
import {
  io as connectClient,
  type Socket as ClientSocket,
  type ManagerOptions,
  type SocketOptions,
} from 'socket.io-client';
import { db } from '../lib/db';
import type { ClientToServerEvents, ConnectErrorData, ServerToClientEvents } from '../lib/contract/chat-events';
import { logger as defaultLogger } from '../lib/logger';
import { listenForChatEvents } from './chat-events';
import { connectRedis } from './connections';
import { createRealtimeMetrics } from './metrics';
import { createRealtimeServer, type RealtimeServer, type RealtimeServerOptions } from './server';

export type Client = ClientSocket<ServerToClientEvents, ClientToServerEvents>;

export const WAIT_MS = 15_000;

/**
 * A realtime server wired as realtime/main.ts wires it (metrics, Redis when `redisUrl` is given,
 * the chat events listener on the test file's database); closing it closes its Redis client too.
 */
export async function startServer(
  options: Partial<RealtimeServerOptions> & { redisUrl?: string } = {},
): Promise<RealtimeServer> {
  const { redisUrl, ...rest } = options;
  const metrics = rest.metrics ?? createRealtimeMetrics();
  const logger = defaultLogger.child({ component: 'realtime' });
  const redis = redisUrl ? await connectRedis(redisUrl, { logger, metrics }) : undefined;
  const server = await createRealtimeServer({
    db,
    metrics,
    redis,
    listenForChatEvents: (handlers) =>
      listenForChatEvents({ connectionString: process.env.DATABASE_URL!, logger, metrics, ...handlers }),
    corsOrigin: 'http://localhost:3000',
    host: '127.0.0.1',
    logger,
    ...rest,
  });
  const close = server.close.bind(server);
  return { ...server, close: () => close().then(() => redis?.close().catch(() => {})) };
}

type ClientOptions = Partial<ManagerOptions & SocketOptions>;

/** A connected client, or a rejection carrying the server's connect_error data. */
export function connect(url: string, token: unknown, options: ClientOptions = {}): Promise<Client> {
  const socket: Client = connectClient(url, {
    auth: { token },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    ...options,
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('connect timed out')), WAIT_MS);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.off('connect_error');
      resolve(socket);
    });
    socket.once('connect_error', (error: Error & { data?: ConnectErrorData }) => {
      clearTimeout(timer);
      socket.close();
      reject(error);
    });
  });
}

/** The connect_error of a handshake that must fail. */
export async function connectError(
  url: string,
  token: unknown,
  options: ClientOptions = {},
): Promise<Error & { data?: ConnectErrorData }> {
  try {
    const socket = await connect(url, token, options);
    socket.close();
  } catch (error) {
    return error as Error & { data?: ConnectErrorData };
  }
  throw new Error('the handshake was accepted');
}

export interface Received {
  event: string;
  payload: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- assertions inspect it
}

/** Everything a client receives, in order, with waits on it. */
export class Recorder {
  readonly events: Received[] = [];
  private waiters: Array<() => void> = [];

  constructor(socket: Client) {
    socket.onAny((event: string, payload: unknown) => {
      this.events.push({ event, payload });
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  of(event: string): any[] {
    return this.events.filter((e) => e.event === event).map((e) => e.payload);
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async waitFor(event: string, predicate: (payload: any) => boolean = () => true): Promise<any> {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const hit = this.events.find((e) => e.event === event && predicate(e.payload));
      if (hit) return hit.payload;
      if (Date.now() > deadline)
        throw new Error(`no ${event} matching the predicate; got ${JSON.stringify(this.events.map((e) => e.event))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 200);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** How many `new_message` events carried this message id. */
  countMessage(id: string): number {
    return this.of('new_message').filter((m) => m.id === id).length;
  }
}

/** Polls until `check` holds (for state on the server or in the database). */
export async function eventually<T>(
  check: () => Promise<T> | T,
  what = 'condition',
): Promise<NonNullable<Exclude<T, false>>> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<Exclude<T, false>>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * What a well-written client does: every message has a clientMessageId; it is emitted with an
 * ack and a timeout; unacked ones (timeout, disconnect) are emitted again, with the same id,
 * until acked. Keeps at most `window` sends in flight.
 */
export class RetryingSender {
  readonly acked = new Map<string, string>(); // clientMessageId → stored message id
  readonly attempts = new Map<string, number>();
  private pending: string[] = [];
  private inFlight = new Set<string>();
  private wake: (() => void) | null = null;

  constructor(
    private readonly socket: Client,
    private readonly chatId: string,
    private readonly options: { window: number; ackTimeoutMs: number },
  ) {
    socket.on('connect', () => this.wake?.());
  }

  /** Sends all ids; resolves when every one is acked. */
  async sendAll(ids: string[], onAck?: (ackedCount: number) => void): Promise<void> {
    this.pending.push(...ids);
    while (this.acked.size < ids.length) {
      while (this.socket.connected && this.inFlight.size < this.options.window && this.pending.length) {
        const id = this.pending.shift()!;
        if (this.acked.has(id)) continue;
        this.inFlight.add(id);
        this.attempts.set(id, (this.attempts.get(id) ?? 0) + 1);
        this.socket
          .timeout(this.options.ackTimeoutMs)
          .emitWithAck('send_message', { chatId: this.chatId, content: `message ${id}`, clientMessageId: id })
          .then(
            (response) => {
              this.inFlight.delete(id);
              if (response.ok) {
                this.acked.set(id, response.data.message.id);
                onAck?.(this.acked.size);
              } else this.pending.push(id);
            },
            () => {
              // No ack in time (the server died, or the connection dropped): try again later.
              this.inFlight.delete(id);
              this.pending.push(id);
            },
          )
          .finally(() => this.wake?.());
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 100);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }
}
