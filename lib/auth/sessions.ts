// Sign-in sessions as database rows. Every token the app issues (the next-auth JWT cookie and the
// short-lived socket token) names a row, and every request checks it, so a session can be
// revoked (sign out, sign out everywhere) before its tokens expire.
import type { Db } from '../db';
import type { Role } from '../db/generated/enums';
import { publishChatEvent } from '../chat/events';

export const SESSION_TTL_SECONDS = 30 * 24 * 60 * 60;

export interface AuthUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  sessionId: string;
}

export async function createSession(db: Db, userId: string, userAgent?: string | null) {
  return db.session.create({
    data: {
      userId,
      expiresAt: new Date(Date.now() + SESSION_TTL_SECONDS * 1000),
      userAgent: userAgent?.slice(0, 300) ?? null,
    },
  });
}

/** The session's user, or null when the session is unknown, revoked or expired. */
export async function getActiveSessionUser(db: Db, sessionId: string): Promise<AuthUser | null> {
  const session = await db.session.findUnique({
    where: { id: sessionId },
    select: { expiresAt: true, revokedAt: true, user: { select: { id: true, email: true, name: true, role: true } } },
  });
  if (!session || session.revokedAt || session.expiresAt.getTime() <= Date.now()) return null;
  return { ...session.user, sessionId };
}

// Both revocations also tell the realtime server (on commit) to close the sockets opened with
// the revoked sessions, which it otherwise checks only when a socket connects.

export async function revokeSession(db: Db, sessionId: string): Promise<void> {
  await db.$transaction(async (tx) => {
    const session = await tx.session.findUnique({
      where: { id: sessionId },
      select: { userId: true, revokedAt: true },
    });
    if (!session || session.revokedAt) return;
    await tx.session.update({ where: { id: sessionId }, data: { revokedAt: new Date() } });
    await publishChatEvent(tx, { type: 'sessions_revoked', userId: session.userId, sessionIds: [sessionId] });
  });
}

/** Sign out everywhere: every open session of the user ends now. */
export async function revokeAllSessions(db: Db, userId: string): Promise<number> {
  return db.$transaction(async (tx) => {
    const { count } = await tx.session.updateMany({
      where: { userId, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    await publishChatEvent(tx, { type: 'sessions_revoked', userId, sessionIds: null });
    return count;
  });
}
