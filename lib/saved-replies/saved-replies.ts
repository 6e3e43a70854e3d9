// A host's quick replies: listed in the host's order, created at the end, changed, moved one place
// up or down, deleted. Only hosts keep them (FORBIDDEN for guests); a reply of someone else is
// NOT_FOUND, and nothing about it is revealed. Input is parsed with placeholders.ts's schemas.
import type { Db } from '../db';
import { AppError, notFound } from '../errors';
import type { SavedReplyChange, SavedReplyInput } from './placeholders';

const select = { id: true, title: true, body: true, position: true } as const;
export type SavedReply = { id: string; title: string; body: string; position: number };

async function requireHost(db: Db, userId: string) {
  const user = await db.user.findUnique({ where: { id: userId }, select: { role: true } });
  if (user?.role !== 'OWNER') throw new AppError('FORBIDDEN', 'Only hosts keep quick replies');
}

export async function listSavedReplies(db: Db, userId: string): Promise<SavedReply[]> {
  await requireHost(db, userId);
  return db.savedReply.findMany({ where: { ownerId: userId }, select, orderBy: [{ position: 'asc' }, { id: 'asc' }] });
}

export async function createSavedReply(db: Db, userId: string, input: SavedReplyInput): Promise<SavedReply> {
  await requireHost(db, userId);
  return db.$transaction(async (tx) => {
    // The host's replies one at a time, so that two creations never take the same position.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('saved_replies'), hashtext(${userId}))`;
    const last = await tx.savedReply.aggregate({ where: { ownerId: userId }, _max: { position: true } });
    return tx.savedReply.create({
      data: { ownerId: userId, title: input.title, body: input.body, position: (last._max.position ?? -1) + 1 },
      select,
    });
  });
}

export async function changeSavedReply(
  db: Db,
  userId: string,
  replyId: string,
  change: SavedReplyChange,
): Promise<SavedReply> {
  await requireHost(db, userId);
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('saved_replies'), hashtext(${userId}))`;
    const reply = await tx.savedReply.findFirst({ where: { id: replyId, ownerId: userId }, select });
    if (!reply) throw notFound('Saved reply');
    if (change.move) {
      // Swap places with the neighbour in that direction; at either end nothing moves.
      const neighbour = await tx.savedReply.findFirst({
        where: {
          ownerId: userId,
          position: change.move === 'up' ? { lt: reply.position } : { gt: reply.position },
        },
        orderBy: { position: change.move === 'up' ? 'desc' : 'asc' },
        select,
      });
      if (neighbour) {
        await tx.savedReply.update({ where: { id: neighbour.id }, data: { position: reply.position } });
        await tx.savedReply.update({ where: { id: reply.id }, data: { position: neighbour.position } });
      }
    }
    return tx.savedReply.update({
      where: { id: reply.id },
      data: { title: change.title, body: change.body },
      select,
    });
  });
}

export async function deleteSavedReply(db: Db, userId: string, replyId: string): Promise<void> {
  await requireHost(db, userId);
  const { count } = await db.savedReply.deleteMany({ where: { id: replyId, ownerId: userId } });
  if (count === 0) throw notFound('Saved reply');
}
