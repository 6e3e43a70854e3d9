// Delivery receipts on the real database: a member's marker moves forward only, only for messages
// of the chat sent to them, and is published for the other member; history pages, catch-ups and
// the chat list record what they hand over, and pages say how far the other member has it.
import { describe, expect, it } from 'vitest';
import { db } from '../db';
import { listenToChatEvents } from '../../test/chat-events';
import { createChat } from '../../test/fixtures';
import { listChatsForUser } from './chats';
import { recordDeliveries } from './delivery-receipts';
import { listMessages } from './messages';
import { sendMessage } from './send-messages';

const markerOf = async (chatId: string, userId: string) =>
  (
    await db.deliveryMarker.findUnique({ where: { chatId_userId: { chatId, userId } } })
  )?.deliveredUntil.toISOString() ?? null;

describe('recordDeliveries', () => {
  it('moves a marker to the newest claimed message, forward only, and publishes each move', async () => {
    const { guest, owner, chat } = await createChat(db);
    const first = await sendMessage(db, guest.id, { chatId: chat.id, content: 'one' });
    const second = await sendMessage(db, guest.id, { chatId: chat.id, content: 'two' });
    const events = await listenToChatEvents();

    const moved = await recordDeliveries(db, [
      { chatId: chat.id, userId: owner.id, messageId: first.message.id },
      { chatId: chat.id, userId: owner.id, messageId: second.message.id },
    ]);
    const receipt = {
      chatId: chat.id,
      userId: owner.id,
      otherUserId: guest.id,
      deliveredUntil: second.message.createdAt,
    };
    expect(moved).toEqual([receipt]);
    expect(await markerOf(chat.id, owner.id)).toBe(second.message.createdAt);
    // An older claim arriving late moves nothing and tells no one.
    expect(await recordDeliveries(db, [{ chatId: chat.id, userId: owner.id, messageId: first.message.id }])).toEqual(
      [],
    );
    expect(await markerOf(chat.id, owner.id)).toBe(second.message.createdAt);
    expect(await events.stop()).toEqual([{ type: 'messages_delivered', ...receipt }]);
  });

  it('ignores claims for messages not sent to the claimant: their own, another chat’s, a stranger’s', async () => {
    const { guest, owner, chat } = await createChat(db);
    const elsewhere = await createChat(db);
    const toOwner = await sendMessage(db, guest.id, { chatId: chat.id, content: 'to the owner' });
    const own = await sendMessage(db, owner.id, { chatId: chat.id, content: 'by the owner' });
    const foreign = await sendMessage(db, elsewhere.guest.id, { chatId: elsewhere.chat.id, content: 'other chat' });
    const moved = await recordDeliveries(db, [
      { chatId: chat.id, userId: owner.id, messageId: own.message.id },
      { chatId: chat.id, userId: owner.id, messageId: foreign.message.id },
      { chatId: elsewhere.chat.id, userId: owner.id, messageId: foreign.message.id },
      { chatId: chat.id, userId: elsewhere.guest.id, messageId: toOwner.message.id },
    ]);
    expect(moved).toEqual([]);
    expect(await db.deliveryMarker.count({ where: { chatId: { in: [chat.id, elsewhere.chat.id] } } })).toBe(0);
  });

  it('publishes nothing when the caller delivers itself (a lone realtime node)', async () => {
    const { guest, owner, chat } = await createChat(db);
    const sent = await sendMessage(db, guest.id, { chatId: chat.id, content: 'quiet' });
    const events = await listenToChatEvents();
    const moved = await recordDeliveries(db, [{ chatId: chat.id, userId: owner.id, messageId: sent.message.id }], {
      announce: false,
    });
    expect(moved).toHaveLength(1);
    expect(await events.stop()).toEqual([]);
  });
});

describe('reads that hand messages over', () => {
  it('a history page records its newest message to the reader, and tells the reader how far the other member has theirs', async () => {
    const { guest, owner, chat } = await createChat(db);
    const toOwner = await sendMessage(db, guest.id, { chatId: chat.id, content: 'question' });
    const toGuest = await sendMessage(db, owner.id, { chatId: chat.id, content: 'answer' });

    const ownersPage = await listMessages(db, owner.id, chat.id, { limit: 50 });
    expect(await markerOf(chat.id, owner.id)).toBe(toOwner.message.createdAt);
    expect(ownersPage.deliveredUntil).toBeNull(); // the guest has not loaded anything yet

    const guestsPage = await listMessages(db, guest.id, chat.id, { limit: 50 });
    expect(guestsPage.deliveredUntil).toBe(toOwner.message.createdAt);
    expect(await markerOf(chat.id, guest.id)).toBe(toGuest.message.createdAt);
    // A catch-up (after) records too, and an empty one changes nothing.
    const later = await sendMessage(db, guest.id, { chatId: chat.id, content: 'later' });
    await listMessages(db, owner.id, chat.id, { limit: 50, after: toGuest.message.id });
    expect(await markerOf(chat.id, owner.id)).toBe(later.message.createdAt);
  });

  it('the chat list records the last message of each chat sent to the user', async () => {
    const first = await createChat(db);
    const sent = await sendMessage(db, first.guest.id, { chatId: first.chat.id, content: 'hello' });
    await listChatsForUser(db, first.owner.id);
    expect(await markerOf(first.chat.id, first.owner.id)).toBe(sent.message.createdAt);
    // The sender's own last message records nothing for them.
    await listChatsForUser(db, first.guest.id);
    expect(await markerOf(first.chat.id, first.guest.id)).toBeNull();
  });
});
