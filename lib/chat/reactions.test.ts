// Reactions on the real database: put on and taken off by either member, one of each kind per
// user, a state (a retry never flips it back), refused on unsent, foreign and archived messages,
// and never counted as a message (unread counts and the chat's order stay).
import { describe, expect, it } from 'vitest';
import { db } from '../db';
import { listenToChatEvents } from '../../test/chat-events';
import { archiveAsOld, createChat, createUser } from '../../test/fixtures';
import { setReaction, unsendMessage } from './message-changes';
import { listMessages } from './messages';
import { reactSchema } from './schemas';
import { sendMessage } from './send-messages';
import { storage } from '../attachments/storage';

async function chatState(chatId: string) {
  return db.chat.findUniqueOrThrow({
    where: { id: chatId },
    select: { lastMessageAt: true, guestUnreadCount: true, ownerUnreadCount: true },
  });
}

describe('setReaction', () => {
  it('puts reactions on for either member, one of each kind per user, without moving counts or order', async () => {
    const { guest, owner, chat } = await createChat(db);
    const sent = await sendMessage(db, guest.id, { chatId: chat.id, content: 'See you at 5' });
    const before = await chatState(chat.id);
    const events = await listenToChatEvents();

    const byOwner = await setReaction(db, owner.id, {
      chatId: chat.id,
      messageId: sent.message.id,
      emoji: '👍',
      on: true,
    });
    expect(byOwner.changed).toBe(true);
    const byGuest = await setReaction(db, guest.id, {
      chatId: chat.id,
      messageId: sent.message.id,
      emoji: '👍',
      on: true,
    });
    await setReaction(db, guest.id, { chatId: chat.id, messageId: sent.message.id, emoji: '❤️', on: true });
    expect(byGuest.message.reactions[0]).toEqual({
      emoji: '👍',
      users: [
        { id: owner.id, name: owner.name },
        { id: guest.id, name: guest.name },
      ],
    });
    // A retry of "on" is a no-op, never a flip.
    const retry = await setReaction(db, owner.id, {
      chatId: chat.id,
      messageId: sent.message.id,
      emoji: '👍',
      on: true,
    });
    expect(retry.changed).toBe(false);
    const page = await listMessages(db, owner.id, chat.id, { limit: 10 });
    expect(page.messages[0]!.reactions.map((r) => [r.emoji, r.users.length])).toEqual([
      ['👍', 2],
      ['❤️', 1],
    ]);
    expect(await db.messageReaction.count({ where: { messageId: sent.message.id } })).toBe(3);

    const off = await setReaction(db, owner.id, {
      chatId: chat.id,
      messageId: sent.message.id,
      emoji: '👍',
      on: false,
    });
    expect(off.message.reactions[0]!.users).toEqual([{ id: guest.id, name: guest.name }]);
    expect(
      (await setReaction(db, owner.id, { chatId: chat.id, messageId: sent.message.id, emoji: '👍', on: false }))
        .changed,
    ).toBe(false);

    expect(await chatState(chat.id)).toEqual(before);
    const published = await events.stop();
    expect(published.filter((e) => e.type === 'message_changed')).toHaveLength(4);
    expect(published.filter((e) => e.type === 'messages_created')).toHaveLength(0);
  });

  it('refuses a stranger (404), an unsent message (CONFLICT) and an unknown kind (schema), changing nothing', async () => {
    const { guest, chat } = await createChat(db);
    const stranger = await createUser(db);
    const sent = await sendMessage(db, guest.id, { chatId: chat.id, content: 'x' });
    await expect(
      setReaction(db, stranger.id, { chatId: chat.id, messageId: sent.message.id, emoji: '👍', on: true }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(reactSchema.safeParse({ chatId: chat.id, messageId: sent.message.id, emoji: '🍕', on: true }).success).toBe(
      false,
    );
    await unsendMessage(db, storage, guest.id, { chatId: chat.id, messageId: sent.message.id });
    await expect(
      setReaction(db, guest.id, { chatId: chat.id, messageId: sent.message.id, emoji: '👍', on: true }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await db.messageReaction.count({ where: { messageId: sent.message.id } })).toBe(0);
  });

  it('keeps the reactions of an archived message, shown read-only', async () => {
    const { guest, owner, chat } = await createChat(db);
    const sent = await sendMessage(db, guest.id, { chatId: chat.id, content: 'old news' });
    await setReaction(db, owner.id, { chatId: chat.id, messageId: sent.message.id, emoji: '🙏', on: true });
    expect(await archiveAsOld(db, [sent.message.id])).toBeGreaterThanOrEqual(1);
    const page = await listMessages(db, guest.id, chat.id, { limit: 10 });
    expect(page.messages[0]).toMatchObject({ archived: true, reactions: [{ emoji: '🙏', users: [{ id: owner.id }] }] });
    await expect(
      setReaction(db, owner.id, { chatId: chat.id, messageId: sent.message.id, emoji: '🙏', on: false }),
    ).rejects.toMatchObject({ code: 'ARCHIVED' });
  });
});
