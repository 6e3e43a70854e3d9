// Demo data for `npm run dev` and the browser flows: a guest, an owner with two properties and
// one chat with a few messages. Loaded once: a database that already has the demo guest is
// left as it is.
import { hashPassword } from '../auth/password';
import type { Db } from './client';

export const DEMO_ACCOUNTS = {
  guest: { email: 'guest@stayeasy.test', password: 'guest-password', name: 'Gina Guest' },
  owner: { email: 'owner@stayeasy.test', password: 'owner-password', name: 'Oscar Owner' },
} as const;

export async function loadDemoData(db: Db): Promise<{ loaded: boolean }> {
  const existing = await db.user.findUnique({ where: { email: DEMO_ACCOUNTS.guest.email } });
  if (existing) return { loaded: false };

  const [guestHash, ownerHash] = await Promise.all([
    hashPassword(DEMO_ACCOUNTS.guest.password),
    hashPassword(DEMO_ACCOUNTS.owner.password),
  ]);
  await db.$transaction(async (tx) => {
    const guest = await tx.user.create({
      data: {
        email: DEMO_ACCOUNTS.guest.email,
        name: DEMO_ACCOUNTS.guest.name,
        passwordHash: guestHash,
        role: 'GUEST',
      },
    });
    const owner = await tx.user.create({
      data: {
        email: DEMO_ACCOUNTS.owner.email,
        name: DEMO_ACCOUNTS.owner.name,
        passwordHash: ownerHash,
        role: 'OWNER',
      },
    });
    const cabin = await tx.property.create({ data: { ownerId: owner.id, name: 'Lakeside Cabin', city: 'Annecy' } });
    await tx.property.create({ data: { ownerId: owner.id, name: 'Old Town Loft', city: 'Lyon' } });

    const start = Date.now() - 2 * 60 * 60 * 1000;
    const lines: Array<[from: 'guest' | 'owner', text: string]> = [
      ['guest', 'Hi! Is the cabin free from 12 to 16 August?'],
      ['owner', 'Hello Gina, yes it is. Will you bring a dog?'],
      ['guest', 'No dog, just two adults. Is there a kayak we can use?'],
      ['owner', 'There are two kayaks in the boathouse, paddles included.'],
    ];
    const chat = await tx.chat.create({
      data: {
        guestId: guest.id,
        ownerId: owner.id,
        propertyId: cabin.id,
        lastMessageAt: new Date(start + (lines.length - 1) * 60_000),
      },
    });
    await tx.message.createMany({
      data: lines.map(([from, content], i) => ({
        chatId: chat.id,
        senderId: from === 'guest' ? guest.id : owner.id,
        recipientId: from === 'guest' ? owner.id : guest.id,
        propertyId: cabin.id,
        content,
        createdAt: new Date(start + i * 60_000),
        // Everything but the owner's last answer has been read.
        readAt: i < lines.length - 1 ? new Date(start + i * 60_000 + 30_000) : null,
      })),
    });
  });
  return { loaded: true };
}
