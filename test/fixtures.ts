// Test data builders over the real database, and credentials exactly as the app issues them
// (a Session row plus the next-auth cookie, or a realtime token).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { encode } from 'next-auth/jwt';
import type { Db } from '../lib/db';
import { env } from '../lib/env';
import { createSession } from '../lib/auth/sessions';
import { issueRealtimeToken } from '../lib/auth/realtime-token';
import { archiveMessages } from '../lib/retention/archive-messages';

const unique = () => randomBytes(4).toString('hex');

export async function createUser(db: Db, role: 'GUEST' | 'OWNER' | 'ADMIN' = 'GUEST', name?: string) {
  const tag = unique();
  return db.user.create({
    data: {
      email: `${role.toLowerCase()}-${tag}@example.test`,
      name: name ?? `${role} ${tag}`,
      passwordHash: 'not-a-hash',
      role,
    },
  });
}

/** An owner with a property, a guest, and the chat between them. */
export async function createChat(db: Db) {
  const owner = await createUser(db, 'OWNER');
  const guest = await createUser(db, 'GUEST');
  const property = await db.property.create({ data: { ownerId: owner.id, name: `Villa ${unique()}` } });
  const chat = await db.chat.create({ data: { guestId: guest.id, ownerId: owner.id, propertyId: property.id } });
  return { owner, guest, property, chat };
}

/** An uploaded file row (no bytes on disk), not yet part of any message. */
export function createUpload(db: Db, uploaderId: string) {
  return db.file.create({
    data: {
      uploaderId,
      originalName: 'photo.png',
      mimeType: 'image/png',
      size: 3,
      storageKey: `aa/${randomBytes(16).toString('hex')}`,
    },
  });
}

export async function sessionCookie(db: Db, userId: string): Promise<{ cookie: string; sessionId: string }> {
  const session = await createSession(db, userId, 'vitest');
  const token = await encode({ token: { sub: userId, sid: session.id }, secret: env.NEXTAUTH_SECRET });
  return { cookie: `next-auth.session-token=${token}`, sessionId: session.id };
}

export async function bearerToken(db: Db, userId: string): Promise<{ token: string; sessionId: string }> {
  const session = await createSession(db, userId, 'vitest');
  const { token } = await issueRealtimeToken({ userId, sessionId: session.id });
  return { token, sessionId: session.id };
}

/**
 * Ages the messages to 400 days and runs the archive job (lib/retention) for everything older
 * than a year, as `npm run archive` would: they move to archived_messages with their ids.
 * Returns how many messages moved.
 */
export async function archiveAsOld(db: Db, messageIds: string[]): Promise<number> {
  await db.$executeRaw`UPDATE messages SET created_at = now() - interval '400 days' WHERE id = ANY(${messageIds}::text[])`;
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    const moved = await archiveMessages(client, {
      cutoff: new Date(Date.now() - 365 * 86_400_000),
      expected: messageIds.length,
      batchSize: 10,
    });
    return moved.messages;
  } finally {
    await client.end();
  }
}
