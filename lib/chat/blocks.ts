// Blocking: either member of a chat can block the other there. The blocked member's sends,
// reactions, edits and typing into that chat are refused with BLOCKED; presence and typing are
// hidden both ways; history stays readable; only the blocker can unblock.
// The state is two columns of the chat row (blocked_by_guest_at, blocked_by_owner_at), the row
// every send and message change locks: the refusal is checked under that lock, in the statement
// or transaction of the write (send-messages.ts, message-changes.ts), so a block committed while
// a send waited is seen by it. A change publishes `chat_block_changed` in its transaction, for
// both members' open views.
import type { Db, Prisma } from '../db';
import { AppError, notFound } from '../errors';
import { publishChatEvent } from './events';
import type { BlockBody } from './schemas';

export interface BlockState {
  chatId: string;
  /** Members of the chat who are blocked there (by the other member). */
  blockedUserIds: string[];
}

type BlockColumns = {
  guest_id: string;
  owner_id: string;
  blocked_by_guest_at: Date | null;
  blocked_by_owner_at: Date | null;
};

/** Who is blocked in a chat, from its row. */
export function blockedUserIdsOf(chat: {
  guestId: string;
  ownerId: string;
  blockedByGuestAt: Date | null;
  blockedByOwnerAt: Date | null;
}): string[] {
  return [...(chat.blockedByOwnerAt ? [chat.guestId] : []), ...(chat.blockedByGuestAt ? [chat.ownerId] : [])];
}

const fromRow = (row: BlockColumns) =>
  blockedUserIdsOf({
    guestId: row.guest_id,
    ownerId: row.owner_id,
    blockedByGuestAt: row.blocked_by_guest_at,
    blockedByOwnerAt: row.blocked_by_owner_at,
  });

export const blockedError = () =>
  new AppError('BLOCKED', 'You can no longer message this person in this conversation: they blocked you');

/**
 * Blocks (`blocked`) or unblocks the other member of the chat for `userId`. Repeating either is a
 * no-op that publishes nothing. NOT_FOUND when `userId` is not a member; a named `userId` that is
 * oneself is VALIDATION, one who is not the other member NOT_FOUND; nothing is written then.
 */
export async function setBlock(
  db: Db,
  userId: string,
  chatId: string,
  body: BlockBody,
  blocked: boolean,
): Promise<BlockState> {
  if (body.userId === userId) {
    throw new AppError('VALIDATION', 'You cannot block yourself', {
      details: [{ path: ['userId'], message: 'cannot be yourself' }],
    });
  }
  return db.$transaction(async (tx) => {
    // The chat row's lock orders this with every send and change of the chat.
    const [row] = await tx.$queryRaw<Array<BlockColumns & { id: string }>>`
      SELECT id, guest_id, owner_id, blocked_by_guest_at, blocked_by_owner_at FROM chats
      WHERE id = ${chatId} AND ${userId} IN (guest_id, owner_id) FOR NO KEY UPDATE`;
    if (!row) throw notFound('Chat');
    const iAmGuest = row.guest_id === userId;
    const otherId = iAmGuest ? row.owner_id : row.guest_id;
    if (body.userId !== undefined && body.userId !== otherId) throw notFound('User');
    const mine = iAmGuest ? row.blocked_by_guest_at : row.blocked_by_owner_at;
    if ((mine !== null) === blocked) return { chatId: row.id, blockedUserIds: fromRow(row) };

    const [updated] = await tx.$queryRaw<BlockColumns[]>`
      UPDATE chats SET
        blocked_by_guest_at = CASE WHEN ${iAmGuest} THEN ${blocked ? new Date() : null}::timestamptz ELSE blocked_by_guest_at END,
        blocked_by_owner_at = CASE WHEN ${iAmGuest} THEN blocked_by_owner_at ELSE ${blocked ? new Date() : null}::timestamptz END
      WHERE id = ${row.id}
      RETURNING guest_id, owner_id, blocked_by_guest_at, blocked_by_owner_at`;
    const blockedUserIds = fromRow(updated!);
    await publishChatEvent(tx, {
      type: 'chat_block_changed',
      chatId: row.id,
      memberIds: [row.guest_id, row.owner_id],
      blockedUserIds,
    });
    return { chatId: row.id, blockedUserIds };
  });
}

/**
 * Refuses with BLOCKED when `userId` is blocked in the chat. Locks the chat row (FOR NO KEY
 * UPDATE, as a send does), so a block cannot commit between this check and the caller's write.
 */
export async function refuseIfBlocked(tx: Pick<Prisma.TransactionClient, '$queryRaw'>, chatId: string, userId: string) {
  const [row] = await tx.$queryRaw<BlockColumns[]>`
    SELECT guest_id, owner_id, blocked_by_guest_at, blocked_by_owner_at FROM chats WHERE id = ${chatId} FOR NO KEY UPDATE`;
  if (row && fromRow(row).includes(userId)) throw blockedError();
}

/** Who is blocked in a chat, read without a lock (typing, presence: nothing is written). */
export async function blockStateOf(db: Pick<Db, 'chat'>, chatId: string): Promise<BlockState> {
  const chat = await db.chat.findUnique({
    where: { id: chatId },
    select: { guestId: true, ownerId: true, blockedByGuestAt: true, blockedByOwnerAt: true },
  });
  return { chatId, blockedUserIds: chat ? blockedUserIdsOf(chat) : [] };
}

/**
 * The users with whom `userId` has a block in some chat, either way: presence is a person's, not
 * a chat's, so a block anywhere between two people hides it both ways.
 */
export async function blockedCounterparts(db: Pick<Db, 'chat'>, userId: string): Promise<Set<string>> {
  const chats = await db.chat.findMany({
    where: {
      OR: [{ guestId: userId }, { ownerId: userId }],
      AND: [{ OR: [{ blockedByGuestAt: { not: null } }, { blockedByOwnerAt: { not: null } }] }],
    },
    select: { guestId: true, ownerId: true },
  });
  return new Set(chats.map((c) => (c.guestId === userId ? c.ownerId : c.guestId)));
}
