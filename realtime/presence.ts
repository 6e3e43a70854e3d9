// Presence: a user is online while at least one of their sockets is connected, on any node.
// The truth is the user's personal room as the adapter sees it across the cluster
// (`io.in(room).fetchSockets()`), so a node that dies takes its sockets with it (the adapter's
// heartbeat drops it) and no counter can drift. "Last seen" is kept in Redis when there is one
// (shared by the nodes), else in this process. Changes go to the other member of each of the
// user's chats, through their personal rooms; never to someone with a block between them (both
// ways: lib/chat/blocks.ts).
import type { Logger } from 'pino';
import { blockedCounterparts } from '../lib/chat/blocks';
import type { Db } from '../lib/db';
import type { RealtimeIo, RealtimeSocket } from './context';
import type { PresencePayload } from '../lib/contract/chat-events';
import { userRoom } from './rooms';
import type { RealtimeMetrics } from './metrics';

/** The few Redis commands presence needs (the `redis` package's client has them). */
export interface PresenceRedis {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<unknown>;
}

export interface Presence {
  snapshot(userId: string): Promise<PresencePayload>;
  /** `userId`'s presence as `viewerId` may see it: hidden (offline, no time) when a block lies between them. */
  visibleTo(viewerId: string, userId: string): Promise<PresencePayload>;
  connected(socket: RealtimeSocket): Promise<void>;
  disconnected(socket: RealtimeSocket): Promise<void>;
}

const LAST_SEEN_KEY = (userId: string) => `stayeasy:presence:last_seen:${userId}`;

export function createPresence(deps: {
  io: RealtimeIo;
  db: Db;
  logger: Logger;
  metrics: RealtimeMetrics;
  redis?: PresenceRedis;
}): Presence {
  const { io, db, logger, metrics, redis } = deps;
  const localLastSeen = new Map<string, string>();

  const localCount = (userId: string) => io.of('/').adapter.rooms.get(userRoom(userId))?.size ?? 0;

  async function onlineAnywhere(userId: string): Promise<boolean> {
    if (localCount(userId) > 0) return true;
    // Asks every node; resolves with what answered (a dead node is dropped by the heartbeat).
    const sockets = await io.in(userRoom(userId)).fetchSockets();
    return sockets.length > 0;
  }

  async function readLastSeen(userId: string): Promise<string | null> {
    if (redis) return redis.get(LAST_SEEN_KEY(userId));
    return localLastSeen.get(userId) ?? null;
  }

  async function writeLastSeen(userId: string, at: string): Promise<void> {
    if (redis) await redis.set(LAST_SEEN_KEY(userId), at);
    else localLastSeen.set(userId, at);
  }

  /**
   * The other member of every chat of the user: who may see their presence, except those with a
   * block between them in any chat (blocks.ts: presence is hidden both ways).
   */
  async function audience(userId: string): Promise<string[]> {
    const [chats, blocked] = await Promise.all([
      db.chat.findMany({
        where: { OR: [{ guestId: userId }, { ownerId: userId }] },
        select: { guestId: true, ownerId: true },
      }),
      blockedCounterparts(db, userId),
    ]);
    const others = chats.map((c) => (c.guestId === userId ? c.ownerId : c.guestId));
    return [...new Set(others)].filter((id) => !blocked.has(id));
  }

  async function snapshot(userId: string): Promise<PresencePayload> {
    const online = await onlineAnywhere(userId);
    return { userId, online, lastSeen: online ? null : await readLastSeen(userId) };
  }

  async function announce(payload: PresencePayload): Promise<void> {
    const others = await audience(payload.userId);
    if (others.length) io.to(others.map(userRoom)).emit('presence', payload);
  }

  async function guarded(operation: string, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      // Presence is best effort: a failure must not break the connection it describes.
      metrics.dbErrors.inc({ operation: `presence_${operation}` });
      logger.warn({ err: error, operation }, 'presence update failed');
    }
  }

  return {
    snapshot,

    async visibleTo(viewerId, userId) {
      if ((await blockedCounterparts(db, viewerId)).has(userId)) return { userId, online: false, lastSeen: null };
      return snapshot(userId);
    },

    async connected(socket) {
      const { userId } = socket.data;
      // Another tab on this node: the user was already online, nothing changes. A first tab on a
      // second node announces again: a repeated "online" is harmless, a missed one is not.
      if (localCount(userId) > 1) return;
      await guarded('online', () => announce({ userId, online: true, lastSeen: null }));
    },

    async disconnected(socket) {
      const { userId } = socket.data;
      // The socket has left its rooms by now; only the last one anywhere turns the user offline.
      // Two last tabs closing at once on two nodes: each asks the other after leaving itself, so
      // at least one of them sees none left.
      if (localCount(userId) > 0) return;
      await guarded('offline', async () => {
        if (await onlineAnywhere(userId)) return;
        const lastSeen = new Date().toISOString();
        await writeLastSeen(userId, lastSeen);
        await announce({ userId, online: false, lastSeen });
        // A tab opened on another node while this was announced may have said "online" first;
        // say it again so the last word is right.
        if (await onlineAnywhere(userId)) await announce({ userId, online: true, lastSeen: null });
      });
    },
  };
}
