// Sign-in sessions as database rows. Every token the app issues (the next-auth JWT cookie and the
// short-lived socket token) names a row, and every request checks it, so a session can be
// revoked (sign out, sign out everywhere) before its tokens expire.
import type { Db } from '../db';

export const SESSION_TTL_SECONDS = 30 * 24 * 60 * 60;

export interface AuthUser {
  id: string;
  email: string;
  name: string;
  role: 'GUEST' | 'OWNER';
  sessionId: string;
}

export async function createSession(db: Db, userId: string, userAgent?: string | null) {
  return db.session.create({
    data: { userId, expiresAt: new Date(Date.now() + SESSION_TTL_SECONDS * 1000), userAgent: userAgent?.slice(0, 300) ?? null },
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

export async function revokeSession(db: Db, sessionId: string): Promise<void> {
  await db.session.updateMany({ where: { id: sessionId, revokedAt: null }, data: { revokedAt: new Date() } });
}

/** Sign out everywhere: every open session of the user ends now. */
export async function revokeAllSessions(db: Db, userId: string): Promise<number> {
  const { count } = await db.session.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: new Date() } });
  return count;
}
