// The handshake: `auth: { token }` is the short-lived token the web app issues
// (/api/realtime/token). Verified offline (signature, expiry, audience), then the session row is
// checked so a signed-out or revoked session cannot connect with a token still in date. Any
// refusal is a connect_error whose `data` is { code, message } (UNAUTHENTICATED: fetch a fresh
// token and reconnect). It runs on recovered connections too (skipMiddlewares: false), so a
// revoked session cannot come back through connection state recovery.
import type { ExtendedError } from 'socket.io';
import { verifyRealtimeToken } from '../lib/auth/realtime-token';
import { getActiveSessionUser } from '../lib/auth/sessions';
import type { Db } from '../lib/db';
import { AppError } from '../lib/errors';
import type { RealtimeSocket } from './context';
import type { ConnectErrorData } from '../lib/contract/chat-events';
import type { RealtimeMetrics } from './metrics';
import type { Logger } from 'pino';

const MAX_TOKEN_LENGTH = 4096;

/**
 * Open sockets per user on this node, so one user cannot hold an unbounded number. A slot is
 * taken when the handshake passes and given back when that socket disconnects, or when its
 * connection closes first (a socket that never finished connecting). One connection may carry
 * many sockets in turn (a namespace connect, disconnect, connect again): each gives its slot
 * back as it goes, and leaves no listener behind on the connection.
 */
export class SocketSlots {
  private readonly counts = new Map<string, number>();
  constructor(readonly maxPerUser: number) {}

  tryTake(userId: string, socket: RealtimeSocket): boolean {
    const { conn } = socket;
    if (conn.readyState !== 'open') return false;
    const n = this.counts.get(userId) ?? 0;
    if (n >= this.maxPerUser) return false;
    this.counts.set(userId, n + 1);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      conn.off('close', release);
      const left = (this.counts.get(userId) ?? 1) - 1;
      if (left <= 0) this.counts.delete(userId);
      else this.counts.set(userId, left);
    };
    conn.once('close', release);
    socket.once('disconnect', release);
    return true;
  }
}

export function createAuthMiddleware(deps: {
  db: Db;
  metrics: RealtimeMetrics;
  logger: Logger;
  slots: SocketSlots;
  accepting: () => boolean;
}) {
  const { db, metrics, logger, slots } = deps;
  return async (socket: RealtimeSocket, next: (err?: ExtendedError) => void) => {
    try {
      if (!deps.accepting()) throw new AppError('INTERNAL', 'The server is restarting; connect again');
      const token: unknown = socket.handshake.auth?.token;
      if (typeof token !== 'string' || token.length === 0) {
        throw new AppError('UNAUTHENTICATED', 'A token is required: connect with auth: { token }');
      }
      if (token.length > MAX_TOKEN_LENGTH) throw new AppError('UNAUTHENTICATED', 'Invalid token');
      const claims = await verifyRealtimeToken(token);
      const user = await getActiveSessionUser(db, claims.sessionId).catch((error: unknown) => {
        metrics.dbErrors.inc({ operation: 'handshake' });
        throw new AppError('INTERNAL', 'Could not check your session; retry', { cause: error });
      });
      if (!user || user.id !== claims.userId) {
        throw new AppError('UNAUTHENTICATED', 'Your session has ended; sign in again');
      }
      if (!slots.tryTake(user.id, socket)) {
        throw new AppError('RATE_LIMITED', `Too many open connections (at most ${slots.maxPerUser}); close a tab`);
      }
      socket.data = { userId: user.id, sessionId: user.sessionId, name: user.name, role: user.role };
      next();
    } catch (caught) {
      const error = AppError.from(caught);
      metrics.connectionsRejected.inc({ code: error.code });
      if (error.code === 'INTERNAL') logger.warn({ err: caught }, 'handshake failed');
      const refusal: ExtendedError = new Error(error.message);
      refusal.data = { code: error.code, message: error.message } satisfies ConnectErrorData;
      next(refusal);
    }
  };
}
