import { PrismaPg } from '@prisma/adapter-pg';
import { describe, expect, it } from 'vitest';
import { db } from '../db';
import { PrismaClient } from '../db/generated/client';
import { AppError } from '../errors';
import { createChat, createUser } from '../../test/fixtures';
import { listChatsForUser, openChat } from './chats';
import { sendMessage } from './send-messages';

function countingDb() {
  const client = new PrismaClient({
    adapter: new PrismaPg({ connectionString: process.env.DATABASE_URL!, max: 2 }),
    log: [{ emit: 'event', level: 'query' }],
  });
  const counter = { queries: 0 };
  client.$on('query', () => {
    counter.queries++;
  });
  return { client, counter };
}

describe('listChatsForUser', () => {
  it('lists the chats newest activity first, with the other party, property, last message and unread count', async () => {
    const owner = await createUser(db, 'OWNER', 'Olga');
    const [g1, g2, g3] = [
      await createUser(db, 'GUEST', 'Ann'),
      await createUser(db, 'GUEST', 'Bob'),
      await createUser(db, 'GUEST', 'Cid'),
    ];
    const property = await db.property.create({ data: { ownerId: owner.id, name: 'Chalet' } });
    const chats = [];
    for (const g of [g1!, g2!, g3!])
      chats.push(await db.chat.create({ data: { guestId: g.id, ownerId: owner.id, propertyId: property.id } }));
    await sendMessage(db, g1!.id, { chatId: chats[0]!.id, content: 'first' });
    await sendMessage(db, g2!.id, { chatId: chats[1]!.id, content: 'b1' });
    await sendMessage(db, g2!.id, { chatId: chats[1]!.id, content: 'b2' });
    await sendMessage(db, owner.id, { chatId: chats[0]!.id, content: 'reply to Ann' });

    const list = await listChatsForUser(db, owner.id);
    expect(list.map((c) => c.otherParty.name)).toEqual(['Ann', 'Bob', 'Cid']);
    expect(list[0]!.lastMessage).toMatchObject({ content: 'reply to Ann', senderId: owner.id });
    expect(list[0]!.unreadCount).toBe(1); // Ann's "first" is unread for the owner
    expect(list[1]!.unreadCount).toBe(2);
    expect(list[2]!.lastMessage).toBeNull();
    expect(list[2]!.unreadCount).toBe(0);
    expect(list[0]!.property).toMatchObject({ id: property.id, name: 'Chalet' });

    const annView = await listChatsForUser(db, g1!.id);
    expect(annView).toHaveLength(1);
    expect(annView[0]!.otherParty).toMatchObject({ id: owner.id, name: 'Olga', role: 'OWNER' });
    expect(annView[0]!.unreadCount).toBe(1);
  });

  it('issues the same number of queries for 1 chat and for 50 chats full of messages', async () => {
    const owner = await createUser(db, 'OWNER');
    const property = await db.property.create({ data: { ownerId: owner.id, name: 'Tower' } });
    const { client, counter } = countingDb();
    const measure = async () => {
      counter.queries = 0;
      const list = await listChatsForUser(client, owner.id);
      return { queries: counter.queries, chats: list.length };
    };
    const addChat = async (messages: number) => {
      const guest = await createUser(db);
      const chat = await db.chat.create({ data: { guestId: guest.id, ownerId: owner.id, propertyId: property.id } });
      await db.$executeRaw`
        INSERT INTO messages (id, chat_id, sender_id, recipient_id, content, created_at)
        SELECT 'q' || ${chat.id} || i, ${chat.id}, ${guest.id}, ${owner.id}, 'm' || i, now() - make_interval(secs => i)
        FROM generate_series(1, ${messages}) AS i`;
    };
    await addChat(20);
    const one = await measure();
    for (let i = 0; i < 49; i++) await addChat(20);
    const fifty = await measure();
    await client.$disconnect();
    expect(one.chats).toBe(1);
    expect(fifty.chats).toBe(50);
    expect(fifty.queries).toBe(one.queries);
    // Six reads (the sixth: the user's stars and archives), and the write recording what the list
    // hands over (delivery receipts).
    expect(one.queries).toBeLessThanOrEqual(7);
  });
});

it("keeps a chat's last message right when its whole history is archived", async () => {
  const { guest, owner, chat } = await createChat(db);
  await db.$executeRaw`
    INSERT INTO archived_messages (id, chat_id, sender_id, recipient_id, content, created_at)
    VALUES ('archold1', ${chat.id}, ${guest.id}, ${owner.id}, 'two years ago', now() - interval '730 days'),
           ('archold2', ${chat.id}, ${owner.id}, ${guest.id}, 'a year and a half ago', now() - interval '550 days')`;
  const [summary] = await listChatsForUser(db, guest.id);
  expect(summary!.lastMessage).toMatchObject({ id: 'archold2', content: 'a year and a half ago', archived: true });
  // A newer live message takes over.
  const live = await sendMessage(db, guest.id, { chatId: chat.id, content: 'back again' });
  const [after] = await listChatsForUser(db, guest.id);
  expect(after!.lastMessage).toMatchObject({ id: live.message.id, content: 'back again' });
  expect(after!.lastMessage!.archived).toBeUndefined();
});

describe('openChat', () => {
  it('opens a chat with the property owner once, and gives the same chat back after', async () => {
    const { property, owner } = await createChat(db);
    const guest = await createUser(db);
    const first = await openChat(db, guest.id, { propertyId: property.id });
    const again = await openChat(db, guest.id, { propertyId: property.id });
    expect(first.created).toBe(true);
    expect(again.created).toBe(false);
    expect(again.chat.id).toBe(first.chat.id);
    expect(first.chat.otherParty.id).toBe(owner.id);
    expect(await db.chat.count({ where: { guestId: guest.id } })).toBe(1);
  });

  it('gives one chat to ten concurrent opens', async () => {
    const { property } = await createChat(db);
    const guest = await createUser(db);
    const results = await Promise.all(
      Array.from({ length: 10 }, () => openChat(db, guest.id, { propertyId: property.id })),
    );
    expect(new Set(results.map((r) => r.chat.id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(await db.chat.count({ where: { guestId: guest.id } })).toBe(1);
  });

  it('refuses an owner opening a chat about their own property, and an unknown property', async () => {
    const { property, owner } = await createChat(db);
    await expect(openChat(db, owner.id, { propertyId: property.id })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(openChat(db, owner.id, { propertyId: 'cnosuchproperty000000' })).rejects.toBeInstanceOf(AppError);
    await expect(openChat(db, owner.id, { propertyId: 'cnosuchproperty000000' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});
