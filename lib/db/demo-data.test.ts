// The demo data shows the inbox at work: the demo guest's one chat, and the demo owner's inbox
// with an unread chat and a long one among three, over two of their properties and a second host's.
import { describe, expect, it } from 'vitest';
import { db } from '.';
import { listChatsForUser } from '../chat';
import { listListings } from '../listings/listings';
import { DEMO_ACCOUNTS, loadDemoData } from './demo-data';

describe('loadDemoData', () => {
  it('loads once, with chats that are unread, long, and the demo guest’s own', async () => {
    expect(await loadDemoData(db)).toEqual({ loaded: true });
    expect(await loadDemoData(db)).toEqual({ loaded: false });
    const owner = await db.user.findUniqueOrThrow({ where: { email: DEMO_ACCOUNTS.owner.email } });
    const guest = await db.user.findUniqueOrThrow({ where: { email: DEMO_ACCOUNTS.guest.email } });

    const ownersChats = await listChatsForUser(db, owner.id);
    expect(ownersChats.map((c) => [c.otherParty.name, c.unreadCount])).toEqual([
      ['Marco Rossi', 2],
      ['Gina Guest', 0],
      ['Lena Berg', 0],
    ]);
    const long = ownersChats.find((c) => c.otherParty.name === 'Lena Berg')!;
    expect(await db.message.count({ where: { chatId: long.id } })).toBe(60);
    const guestsChats = await listChatsForUser(db, guest.id);
    expect(guestsChats.map((c) => [c.otherParty.name, c.unreadCount])).toEqual([['Oscar Owner', 1]]);

    const stays = await listListings(db, guest.id);
    expect(stays.map((s) => [s.name, s.owner.name])).toEqual([
      ['Lakeside Cabin', 'Oscar Owner'],
      ['Old Town Loft', 'Oscar Owner'],
      ['Seaside Studio', 'Bea Host'],
    ]);
  });
});
