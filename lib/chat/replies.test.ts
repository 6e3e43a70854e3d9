// Quoted replies on the real database: a reply names an earlier message of its chat and carries a
// quote of it (sender, first line; unsent; gone), live or archived; a reply into another chat is
// refused with nothing stored; and the history page "around" a message, which a quote opens.
import { describe, expect, it } from 'vitest';
import { db } from '../db';
import { archiveAsOld, createChat } from '../../test/fixtures';
import { storage } from '../attachments/storage';
import { quoteOf, QUOTE_EXCERPT_LENGTH } from './message-dto';
import { editMessage, unsendMessage } from './message-changes';
import { listMessages } from './messages';
import { sendMessage, sendMessages } from './send-messages';

describe('quoted replies', () => {
  it('stores a reply with a quote of its original: sender and first line, in the answer and in history', async () => {
    const { guest, owner, chat } = await createChat(db);
    const original = await sendMessage(db, guest.id, {
      chatId: chat.id,
      content: '\nIs the kayak included?\nAnd the bikes?',
    });
    const reply = await sendMessage(db, owner.id, {
      chatId: chat.id,
      content: 'Yes, both',
      replyToId: original.message.id,
    });
    const expected = {
      id: original.message.id,
      state: 'available',
      sender: { id: guest.id, name: guest.name },
      excerpt: 'Is the kayak included?',
      fileCount: 0,
    };
    expect(reply.message.replyTo).toEqual(expected);
    const stored = await db.message.findUniqueOrThrow({ where: { id: reply.message.id } });
    expect(stored.replyToId).toBe(original.message.id);
    const page = await listMessages(db, guest.id, chat.id, { limit: 10 });
    expect(page.messages.map((m) => m.replyTo)).toEqual([null, expected]);
  });

  it('answers a retried reply with its quote, and stores replies in a group with plain sends', async () => {
    const { guest, owner, chat } = await createChat(db);
    const original = await sendMessage(db, guest.id, { chatId: chat.id, content: 'Check-in at 3?' });
    const outcomes = await sendMessages(db, [
      { senderId: owner.id, input: { chatId: chat.id, content: 'plain' } },
      {
        senderId: owner.id,
        input: { chatId: chat.id, content: 'Yes', replyToId: original.message.id, clientMessageId: 'reply-1' },
      },
    ]);
    expect(outcomes.map((o) => (o.ok ? (o.sent.message.replyTo?.id ?? null) : 'failed'))).toEqual([
      null,
      original.message.id,
    ]);
    const retry = await sendMessage(db, owner.id, {
      chatId: chat.id,
      content: 'Yes',
      replyToId: original.message.id,
      clientMessageId: 'reply-1',
    });
    expect(retry.duplicate).toBe(true);
    expect(retry.message.replyTo).toMatchObject({
      id: original.message.id,
      state: 'available',
      excerpt: 'Check-in at 3?',
    });
    expect(await db.message.count({ where: { chatId: chat.id } })).toBe(3);
  });

  it('refuses a reply to a message of another chat, or to no message, and stores nothing', async () => {
    const first = await createChat(db);
    const second = await createChat(db);
    const elsewhere = await sendMessage(db, second.guest.id, { chatId: second.chat.id, content: 'other chat' });
    for (const replyToId of [elsewhere.message.id, 'nosuchmessage1']) {
      await expect(
        sendMessage(db, first.guest.id, { chatId: first.chat.id, content: 'hi', replyToId }),
      ).rejects.toMatchObject({ code: 'VALIDATION', extra: { details: [{ path: ['replyToId'] }] } });
    }
    // In a group, only the bad reply fails.
    const outcomes = await sendMessages(db, [
      { senderId: first.guest.id, input: { chatId: first.chat.id, content: 'a', replyToId: elsewhere.message.id } },
      { senderId: first.guest.id, input: { chatId: first.chat.id, content: 'b' } },
    ]);
    expect(outcomes.map((o) => o.ok)).toEqual([false, true]);
    expect(await db.message.count({ where: { chatId: first.chat.id } })).toBe(1);
  });

  it('quotes what the original is now: edited, unsent, archived, or gone', async () => {
    const { guest, owner, chat } = await createChat(db);
    const send = (content: string) => sendMessage(db, guest.id, { chatId: chat.id, content });
    const edited = await send('Arriving at 5');
    const unsent = await send('door code 4411');
    const archived = await send('old question');
    const gone = await send('soon gone');
    const replyTo = async (replyToId: string) =>
      (await sendMessage(db, owner.id, { chatId: chat.id, content: 'ok', replyToId })).message.id;
    const replies = [
      await replyTo(edited.message.id),
      await replyTo(unsent.message.id),
      await replyTo(archived.message.id),
      await replyTo(gone.message.id),
    ];
    await editMessage(db, guest.id, { chatId: chat.id, messageId: edited.message.id, content: 'Arriving at 6' });
    await unsendMessage(db, storage, guest.id, { chatId: chat.id, messageId: unsent.message.id });
    await archiveAsOld(db, [archived.message.id]);
    // No path deletes one message today; a reply must still outlive its original.
    await db.$executeRaw`DELETE FROM messages WHERE id = ${gone.message.id}`;

    const page = await listMessages(db, owner.id, chat.id, { limit: 20 });
    const quotes = replies.map((id) => page.messages.find((m) => m.id === id)!.replyTo);
    expect(quotes).toEqual([
      expect.objectContaining({ state: 'available', excerpt: 'Arriving at 6' }),
      { id: unsent.message.id, state: 'unsent', sender: { id: guest.id, name: guest.name } },
      expect.objectContaining({ state: 'available', excerpt: 'old question' }),
      { id: gone.message.id, state: 'missing' },
    ]);
    expect(JSON.stringify(quotes)).not.toContain('4411');
    // Replying to an archived message works too: it is still in the chat's history.
    await expect(replyTo(archived.message.id)).resolves.toBeTruthy();
  });
});

describe('quoteOf', () => {
  const sender = { id: 'u1', name: 'Ana' };
  it('quotes the first line with text, cut with an ellipsis', () => {
    const long = 'x'.repeat(QUOTE_EXCERPT_LENGTH + 10);
    expect(quoteOf('m1', { id: 'm1', content: `${long}\nsecond`, unsentAt: null, sender, fileCount: 0 })).toMatchObject(
      {
        excerpt: `${'x'.repeat(QUOTE_EXCERPT_LENGTH - 1)}…`,
      },
    );
    expect(quoteOf('m1', { id: 'm1', content: '', unsentAt: null, sender, fileCount: 2 })).toMatchObject({
      excerpt: '',
      fileCount: 2,
    });
  });
});

describe('history around a message', () => {
  it('centres the page on the message, with cursors both ways that continue without gaps', async () => {
    const { guest, chat } = await createChat(db);
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) {
      ids.push((await sendMessage(db, guest.id, { chatId: chat.id, content: `m${i}` })).message.id);
    }
    const page = await listMessages(db, guest.id, chat.id, { limit: 5, around: ids[10] });
    expect(page.messages.map((m) => m.id)).toEqual(ids.slice(8, 13));
    expect(page.pagination).toMatchObject({ hasMore: true, hasNewer: true });

    const older = await listMessages(db, guest.id, chat.id, { limit: 5, before: page.pagination.nextCursor! });
    expect(older.messages.map((m) => m.id)).toEqual(ids.slice(3, 8));
    const newer = await listMessages(db, guest.id, chat.id, { limit: 20, after: page.pagination.prevCursor! });
    expect(newer.messages.map((m) => m.id)).toEqual(ids.slice(13, 30));
    expect(newer.pagination.hasNewer).toBe(false);

    const atStart = await listMessages(db, guest.id, chat.id, { limit: 5, around: ids[0] });
    expect(atStart.messages.map((m) => m.id)).toEqual(ids.slice(0, 3));
    expect(atStart.pagination).toMatchObject({ hasMore: false, nextCursor: null, hasNewer: true });
    const atEnd = await listMessages(db, guest.id, chat.id, { limit: 5, around: ids[29] });
    expect(atEnd.messages.map((m) => m.id)).toEqual(ids.slice(27, 30));
    expect(atEnd.pagination.hasNewer).toBe(false);
    // The newest page says it has nothing newer.
    expect((await listMessages(db, guest.id, chat.id, { limit: 5 })).pagination.hasNewer).toBe(false);
  });

  it('refuses a message of another chat, and a stranger', async () => {
    const first = await createChat(db);
    const second = await createChat(db);
    const elsewhere = await sendMessage(db, second.guest.id, { chatId: second.chat.id, content: 'x' });
    await expect(
      listMessages(db, first.guest.id, first.chat.id, { limit: 5, around: elsewhere.message.id }),
    ).rejects.toMatchObject({ code: 'VALIDATION', extra: { details: [{ path: ['around'] }] } });
    await expect(
      listMessages(db, first.guest.id, second.chat.id, { limit: 5, around: elsewhere.message.id }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
