// The properties guests browse to start a conversation: each with its owner's name and, for the
// user asking, the chat they already have about it (so "Message the host" opens it again rather
// than a second one) and whether it is their own (owners do not message themselves).
import type { Db } from '../db';
import { notFound } from '../errors';

const listingSelect = {
  id: true,
  name: true,
  city: true,
  owner: { select: { id: true, name: true } },
} as const;

type ListingRow = { id: string; name: string; city: string | null; owner: { id: string; name: string } };

function toListing(row: ListingRow, userId: string, chatId: string | undefined) {
  return { ...row, ownedByYou: row.owner.id === userId, chatId: chatId ?? null };
}

export type Listing = ReturnType<typeof toListing>;

/** Every property, by name, as `userId` sees it. */
export async function listListings(db: Db, userId: string): Promise<Listing[]> {
  const [rows, chats] = await Promise.all([
    db.property.findMany({ select: listingSelect, orderBy: [{ name: 'asc' }, { id: 'asc' }] }),
    db.chat.findMany({ where: { guestId: userId }, select: { id: true, propertyId: true } }),
  ]);
  const chatOf = new Map(chats.map((c) => [c.propertyId, c.id]));
  return rows.map((row) => toListing(row, userId, chatOf.get(row.id)));
}

/** One property as `userId` sees it; NOT_FOUND when there is none. */
export async function getListing(db: Db, userId: string, propertyId: string): Promise<Listing> {
  const row = await db.property.findUnique({ where: { id: propertyId }, select: listingSelect });
  if (!row) throw notFound('Property');
  const chat = await db.chat.findUnique({
    where: { guestId_propertyId: { guestId: userId, propertyId } },
    select: { id: true },
  });
  return toListing(row, userId, chat?.id);
}
