// The stays a user browses: every property with its host, the user's own chat about it (so a
// second "Message the host" opens the same conversation) and whether the user owns it.
import { describe, expect, it } from 'vitest';
import { db } from '../db';
import { openChat } from '../chat';
import { createUser } from '../../test/fixtures';
import { getListing, listListings } from './listings';

describe('listings', () => {
  it('lists every property with its host, the asker’s chat about it, and whether the asker owns it', async () => {
    const owner = await createUser(db, 'OWNER', 'Hana Host');
    const guest = await createUser(db);
    const cabin = await db.property.create({ data: { ownerId: owner.id, name: 'Aaa Cabin', city: 'Annecy' } });
    const loft = await db.property.create({ data: { ownerId: owner.id, name: 'Aab Loft' } });
    const { chat } = await openChat(db, guest.id, { propertyId: cabin.id });

    const asGuest = (await listListings(db, guest.id)).filter((l) => [cabin.id, loft.id].includes(l.id));
    expect(asGuest).toEqual([
      {
        id: cabin.id,
        name: 'Aaa Cabin',
        city: 'Annecy',
        owner: { id: owner.id, name: 'Hana Host' },
        ownedByYou: false,
        chatId: chat.id,
      },
      {
        id: loft.id,
        name: 'Aab Loft',
        city: null,
        owner: { id: owner.id, name: 'Hana Host' },
        ownedByYou: false,
        chatId: null,
      },
    ]);
    expect(await getListing(db, owner.id, cabin.id)).toMatchObject({ ownedByYou: true, chatId: null });
    expect(await getListing(db, guest.id, cabin.id)).toMatchObject({ ownedByYou: false, chatId: chat.id });
    // Opening again gives the same chat back, never a second one.
    expect((await openChat(db, guest.id, { propertyId: cabin.id })).chat.id).toBe(chat.id);
  });

  it('answers NOT_FOUND for a property that does not exist', async () => {
    const guest = await createUser(db);
    await expect(getListing(db, guest.id, 'nosuchproperty')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
