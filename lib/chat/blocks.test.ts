// Blocking on the real database: a blocked member's sends (alone in a group), reactions, edits and
// scheduled messages are refused with BLOCKED and write nothing; the blocker still writes; history
// stays readable; unblocking restores; each change publishes chat_block_changed once; bad input
// (oneself, a stranger, someone outside the chat) is refused with nothing changed.
import { describe, expect, it } from 'vitest';
import { db } from '../db';
import { listenToChatEvents } from '../../test/chat-events';
import { createChat, createUser } from '../../test/fixtures';
import { parseInput } from '../validation';
import { setBlock } from './blocks';
import { listChatsForUser } from './chats';
import { editMessage, setReaction } from './message-changes';
import { listMessages } from './messages';
import { scheduleMessage, sendDueScheduledMessages } from './scheduled-messages';
import { scheduleMessageSchema } from './schemas';
import { sendMessage, sendMessages } from './send-messages';

const chatState = (chatId: string) =>
  db.chat.findUniqueOrThrow({
    where: { id: chatId },
    select: { blockedByGuestAt: true, blockedByOwnerAt: true, guestUnreadCount: true, ownerUnreadCount: true },
  });

describe('blocking', () => {
  it("refuses the blocked member's send with BLOCKED, alone in its group, and unblocking restores it", async () => {
    const { guest, owner, chat } = await createChat(db);
    const other = await createChat(db); // an unrelated chat sent in the same group
    const before = await sendMessage(db, guest.id, {
      chatId: chat.id,
      content: 'before the block',
      clientMessageId: 'b0',
    });
    const listening = await listenToChatEvents();

    expect(await setBlock(db, owner.id, chat.id, {}, true)).toEqual({ chatId: chat.id, blockedUserIds: [guest.id] });
    // Repeating it changes nothing and publishes nothing.
    expect(await setBlock(db, owner.id, chat.id, { userId: guest.id }, true)).toEqual({
      chatId: chat.id,
      blockedUserIds: [guest.id],
    });

    const outcomes = await sendMessages(db, [
      { senderId: guest.id, input: { chatId: chat.id, content: 'let me in', clientMessageId: 'blocked-1' } },
      { senderId: other.guest.id, input: { chatId: other.chat.id, content: 'unaffected' } },
      { senderId: owner.id, input: { chatId: chat.id, content: 'the blocker still writes' } },
    ]);
    expect(outcomes[0]).toMatchObject({ ok: false, error: { code: 'BLOCKED' } });
    expect(outcomes[1]).toMatchObject({ ok: true });
    expect(outcomes[2]).toMatchObject({ ok: true });
    expect(await db.message.count({ where: { chatId: chat.id, senderId: guest.id } })).toBe(1);
    // A retry of a message stored before the block is still answered with it.
    const retried = await sendMessages(db, [
      { senderId: guest.id, input: { chatId: chat.id, content: 'before the block', clientMessageId: 'b0' } },
    ]);
    expect(retried[0]).toMatchObject({ ok: true, sent: { duplicate: true, message: { id: before.message.id } } });

    // History stays readable for both.
    for (const reader of [guest.id, owner.id]) {
      const page = await listMessages(db, reader, chat.id, { limit: 50 });
      expect(page.messages.map((m) => m.id)).toContain(before.message.id);
    }
    // The chat list says who is blocked, to both.
    expect((await listChatsForUser(db, guest.id)).find((c) => c.id === chat.id)?.blockedUserIds).toEqual([guest.id]);
    expect((await listChatsForUser(db, owner.id)).find((c) => c.id === chat.id)?.blockedUserIds).toEqual([guest.id]);

    // Only the blocker unblocks: the guest's "unblock" is a no-op about their own block (none).
    expect(await setBlock(db, guest.id, chat.id, {}, false)).toEqual({ chatId: chat.id, blockedUserIds: [guest.id] });
    expect(await setBlock(db, owner.id, chat.id, {}, false)).toEqual({ chatId: chat.id, blockedUserIds: [] });
    await expect(sendMessage(db, guest.id, { chatId: chat.id, content: 'thanks' })).resolves.toMatchObject({
      duplicate: false,
    });

    const events = (await listening.stop()).filter((e) => e.type === 'chat_block_changed');
    expect(events).toEqual([
      { type: 'chat_block_changed', chatId: chat.id, memberIds: [guest.id, owner.id], blockedUserIds: [guest.id] },
      { type: 'chat_block_changed', chatId: chat.id, memberIds: [guest.id, owner.id], blockedUserIds: [] },
    ]);
  });

  it('refuses reactions and edits of the blocked member, lets them unsend, and lets the blocker react', async () => {
    const { guest, owner, chat } = await createChat(db);
    const mine = await sendMessage(db, guest.id, { chatId: chat.id, content: 'mine' });
    const theirs = await sendMessage(db, owner.id, { chatId: chat.id, content: 'theirs' });
    await setBlock(db, owner.id, chat.id, {}, true);

    await expect(
      setReaction(db, guest.id, { chatId: chat.id, messageId: theirs.message.id, emoji: '👍', on: true }),
    ).rejects.toMatchObject({ code: 'BLOCKED' });
    await expect(
      editMessage(db, guest.id, { chatId: chat.id, messageId: mine.message.id, content: 'changed' }),
    ).rejects.toMatchObject({ code: 'BLOCKED' });
    expect(await db.messageReaction.count({ where: { messageId: theirs.message.id } })).toBe(0);
    expect((await db.message.findUniqueOrThrow({ where: { id: mine.message.id } })).content).toBe('mine');

    await expect(
      setReaction(db, owner.id, { chatId: chat.id, messageId: mine.message.id, emoji: '👍', on: true }),
    ).resolves.toMatchObject({ changed: true });
  });

  it("fails the blocked member's scheduled message with BLOCKED", async () => {
    const { guest, owner, chat } = await createChat(db);
    const sendAt = new Date(Date.now() + 60 * 60_000).toISOString();
    const scheduled = await scheduleMessage(
      db,
      guest.id,
      chat.id,
      parseInput(scheduleMessageSchema, { content: 'later', sendAt }),
    );
    await db.scheduledMessage.update({ where: { id: scheduled.id }, data: { sendAt: new Date() } });
    await setBlock(db, owner.id, chat.id, {}, true);
    await sendDueScheduledMessages(db, { limit: 100 });
    expect(await db.scheduledMessage.findUniqueOrThrow({ where: { id: scheduled.id } })).toMatchObject({
      status: 'failed',
      failureCode: 'BLOCKED',
    });
    expect(await db.message.count({ where: { chatId: chat.id } })).toBe(0);
  });

  it('a send racing a block that commits while it waits for the chat row is refused', async () => {
    const { guest, chat } = await createChat(db);
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    // A transaction holding the chat row's lock, which blocks and then commits.
    const blocking = db.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT id FROM chats WHERE id = ${chat.id} FOR NO KEY UPDATE`;
      await released;
      await tx.$executeRaw`UPDATE chats SET blocked_by_owner_at = now() WHERE id = ${chat.id}`;
    });
    // Give the transaction its lock before the send starts waiting for it.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const send = sendMessages(db, [{ senderId: guest.id, input: { chatId: chat.id, content: 'racing' } }]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    release();
    await blocking;
    expect((await send)[0]).toMatchObject({ ok: false, error: { code: 'BLOCKED' } });
    expect(await db.message.count({ where: { chatId: chat.id } })).toBe(0);
  });

  it('refuses blocking oneself, a stranger, or someone outside the chat, and changes nothing', async () => {
    const { guest, owner, chat } = await createChat(db);
    const stranger = await createUser(db);
    const snapshot = await chatState(chat.id);
    const listening = await listenToChatEvents();

    await expect(setBlock(db, guest.id, chat.id, { userId: guest.id }, true)).rejects.toMatchObject({
      code: 'VALIDATION',
      extra: { details: [{ path: ['userId'] }] },
    });
    await expect(setBlock(db, stranger.id, chat.id, {}, true)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(setBlock(db, owner.id, chat.id, { userId: stranger.id }, true)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await chatState(chat.id)).toEqual(snapshot);
    expect((await listening.stop()).filter((e) => e.type === 'chat_block_changed')).toEqual([]);
  });
});
