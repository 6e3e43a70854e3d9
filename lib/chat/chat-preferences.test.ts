// Star and archive on the real database: per member (the other member's list is unchanged), an
// archived chat is back in the inbox once a newer message arrives, strangers get NOT_FOUND.
import { describe, expect, it } from 'vitest';
import { db } from '../db';
import { createChat, createUser } from '../../test/fixtures';
import { isArchived } from './archived';
import { setChatPreferences } from './chat-preferences';
import { listChatsForUser } from './chats';
import { sendMessage } from './send-messages';

const inList = async (userId: string, chatId: string) =>
  (await listChatsForUser(db, userId)).find((c) => c.id === chatId)!;

describe('chat preferences', () => {
  it('stars and archives for one member only; a new message brings an archived chat back', async () => {
    const { guest, owner, chat } = await createChat(db);
    await sendMessage(db, guest.id, { chatId: chat.id, content: 'hello' });

    expect(await setChatPreferences(db, owner.id, chat.id, { starred: true })).toEqual({
      starred: true,
      archivedAt: null,
    });
    const archived = await setChatPreferences(db, owner.id, chat.id, { archived: true });
    expect(archived.starred).toBe(true);
    const ownersView = await inList(owner.id, chat.id);
    expect(ownersView).toMatchObject({ starred: true, archivedAt: archived.archivedAt });
    expect(isArchived(ownersView)).toBe(true);
    // The guest sees none of it.
    const guestsView = await inList(guest.id, chat.id);
    expect(guestsView).toMatchObject({ starred: false, archivedAt: null });

    await sendMessage(db, guest.id, { chatId: chat.id, content: 'are you there?' });
    expect(isArchived(await inList(owner.id, chat.id))).toBe(false);

    // Unarchive and unstar.
    expect(await setChatPreferences(db, owner.id, chat.id, { starred: false, archived: false })).toEqual({
      starred: false,
      archivedAt: null,
    });
  });

  it('refuses a stranger with NOT_FOUND and writes nothing', async () => {
    const { chat } = await createChat(db);
    const stranger = await createUser(db);
    await expect(setChatPreferences(db, stranger.id, chat.id, { starred: true })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await db.chatPreference.count({ where: { chatId: chat.id } })).toBe(0);
  });
});
