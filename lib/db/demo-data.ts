// Demo data for `npm run dev` and the browser flows: the demo guest and owner (who can sign in),
// the owner's two properties and a second host's, the demo guest's chat about the cabin, and the
// owner's inbox at work: other guests' chats, one with unread messages, one long. Loaded once: a
// database that already has the demo guest is left as it is. Only the two demo accounts can sign
// in (the others have no usable password).
import { randomBytes } from 'node:crypto';
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
    const loft = await tx.property.create({ data: { ownerId: owner.id, name: 'Old Town Loft', city: 'Lyon' } });
    const otherHost = await tx.user.create({ data: extraUser('Bea Host', 'OWNER') });
    await tx.property.create({ data: { ownerId: otherHost.id, name: 'Seaside Studio', city: 'Biarritz' } });
    const now = Date.now();
    // Unread: a guest waiting for an answer.
    const marco = await tx.user.create({ data: extraUser('Marco Rossi', 'GUEST') });
    await addChat(
      tx,
      { guestId: marco.id, ownerId: owner.id, propertyId: loft.id },
      now - 20 * 60_000,
      [
        ['guest', 'Hello! Is the loft quiet at night?'],
        ['guest', 'We are light sleepers, and would arrive on Friday around 9 pm.'],
      ],
      0,
    );
    // Long: a stay arranged over many messages, all read.
    const lena = await tx.user.create({ data: extraUser('Lena Berg', 'GUEST') });
    const long = Array.from({ length: 60 }, (_, i): [from: 'guest' | 'owner', text: string] =>
      i % 2 === 0
        ? ['guest', `Question ${i / 2 + 1} about our stay in August`]
        : ['owner', `Answer ${(i + 1) / 2}: yes, that works.`],
    );
    await addChat(
      tx,
      { guestId: lena.id, ownerId: owner.id, propertyId: cabin.id },
      now - 3 * 86_400_000,
      long,
      long.length,
    );

    const start = Date.now() - 2 * 60 * 60 * 1000;
    const lines: Array<[from: 'guest' | 'owner', text: string]> = [
      ['guest', 'Hi! Is the cabin free from 12 to 16 August?'],
      ['owner', 'Hello Gina, yes it is. Will you bring a dog?'],
      ['guest', 'No dog, just two adults. Is there a kayak we can use?'],
      ['owner', 'There are two kayaks in the boathouse, paddles included.'],
    ];
    // Everything but the owner's last answer has been read.
    await addChat(tx, { guestId: guest.id, ownerId: owner.id, propertyId: cabin.id }, start, lines, lines.length - 1);
  });
  return { loaded: true };
}

type Tx = Parameters<Parameters<Db['$transaction']>[0]>[0];

/** A demo user who cannot sign in: the hash is of a random password nobody knows. */
function extraUser(name: string, role: 'GUEST' | 'OWNER') {
  const slug = name.toLowerCase().replace(/[^a-z]+/g, '.');
  return { email: `${slug}@stayeasy.test`, name, role, passwordHash: `!${randomBytes(16).toString('hex')}` };
}

/** A chat with its messages a minute apart from `start`; the first `readCount` are read. */
async function addChat(
  tx: Tx,
  members: { guestId: string; ownerId: string; propertyId: string },
  start: number,
  lines: Array<[from: 'guest' | 'owner', text: string]>,
  readCount: number,
) {
  const chat = await tx.chat.create({
    data: { ...members, lastMessageAt: new Date(start + (lines.length - 1) * 60_000) },
  });
  await tx.message.createMany({
    data: lines.map(([from, content], i) => ({
      chatId: chat.id,
      senderId: from === 'guest' ? members.guestId : members.ownerId,
      recipientId: from === 'guest' ? members.ownerId : members.guestId,
      propertyId: members.propertyId,
      content,
      createdAt: new Date(start + i * 60_000),
      readAt: i < readCount ? new Date(start + i * 60_000 + 30_000) : null,
    })),
  });
}
