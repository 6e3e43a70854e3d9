// Scheduled messages on the real database: scheduled, listed only for their sender, edited,
// cancelled and sent now; bad input and someone else's rows answered with coded errors and nothing
// stored or changed; the due sweep sends each due row once as an ordinary message (with its
// events), marks rows that can no longer be sent failed with a code, sends what fell due while
// nothing ran and marks it late, and never sends twice even when a send already went through
// before its row was marked (a node that died between the two).
import { describe, expect, it } from 'vitest';
import { db } from '../db';
import { createChat, createUser } from '../../test/fixtures';
import { listenToChatEvents } from '../../test/chat-events';
import { sendMessage } from './send-messages';
import { scheduleMessageSchema, scheduledChangeSchema, MAX_CONTENT_LENGTH } from './schemas';
import {
  cancelScheduledMessage,
  changeScheduledMessage,
  listScheduledMessages,
  scheduledClientMessageId,
  scheduleMessage,
  sendDueScheduledMessages,
  sendScheduledMessageNow,
} from './scheduled-messages';
import { parseInput } from '../validation';

const inMinutes = (m: number) => new Date(Date.now() + m * 60_000);
const input = (content: string, sendAt = inMinutes(60)) =>
  parseInput(scheduleMessageSchema, { content, sendAt: sendAt.toISOString() });
/** Moves a row's time into the past, as if it had been scheduled then and its time had come. */
const makeDue = (id: string, minutesAgo = 0) =>
  db.scheduledMessage.update({ where: { id }, data: { sendAt: inMinutes(-minutesAgo) } });
const sweep = () => sendDueScheduledMessages(db, { limit: 100 });

describe('scheduling', () => {
  it('schedules, lists for the sender only, edits, sends now and cancels', async () => {
    const { guest, owner, chat } = await createChat(db);
    const listening = await listenToChatEvents();
    const a = await scheduleMessage(db, guest.id, chat.id, input('first'));
    const b = await scheduleMessage(db, guest.id, chat.id, input('second', inMinutes(120)));
    expect(a).toMatchObject({ chatId: chat.id, content: 'first', status: 'pending', failureCode: null });
    expect((await listScheduledMessages(db, guest.id, chat.id)).map((s) => s.id)).toEqual([a.id, b.id]);
    expect(await listScheduledMessages(db, owner.id, chat.id)).toEqual([]); // the other member sees none

    const later = inMinutes(90);
    const edited = await changeScheduledMessage(
      db,
      guest.id,
      a.id,
      parseInput(scheduledChangeSchema, { content: 'first, edited', sendAt: later.toISOString() }),
    );
    expect(edited).toMatchObject({ content: 'first, edited', sendAt: later.toISOString() });

    const sent = await sendScheduledMessageNow(db, guest.id, a.id);
    expect(sent).toMatchObject({ status: 'sent', lateMinutes: null });
    const message = await db.message.findUniqueOrThrow({ where: { id: sent.sentMessageId! } });
    expect(message).toMatchObject({
      content: 'first, edited',
      senderId: guest.id,
      recipientId: owner.id,
      clientMessageId: scheduledClientMessageId(a.id),
    });
    expect(await db.chat.findUniqueOrThrow({ where: { id: chat.id } })).toMatchObject({ ownerUnreadCount: 1 });
    // Sent on time: no longer listed; cannot be edited, sent again or "cancelled".
    expect((await listScheduledMessages(db, guest.id, chat.id)).map((s) => s.id)).toEqual([b.id]);
    await expect(sendScheduledMessageNow(db, guest.id, a.id)).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(changeScheduledMessage(db, guest.id, a.id, { content: 'x' })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    await expect(cancelScheduledMessage(db, guest.id, a.id)).rejects.toMatchObject({ code: 'CONFLICT' });

    await cancelScheduledMessage(db, guest.id, b.id);
    expect(await listScheduledMessages(db, guest.id, chat.id)).toEqual([]);
    expect(await db.message.count({ where: { chatId: chat.id } })).toBe(1);

    const events = await listening.stop();
    // schedule ×2, edit, send now, cancel: each told to the sender's tabs only; the send also as a message.
    expect(events.filter((e) => e.type === 'scheduled_messages_changed')).toEqual(
      Array.from({ length: 5 }, () => ({ type: 'scheduled_messages_changed', userId: guest.id, chatId: chat.id })),
    );
    const created = events.flatMap((e) => (e.type === 'messages_created' ? e.messages : []));
    expect(created).toEqual([
      expect.objectContaining({ messageId: message.id, recipientId: owner.id, unreadCount: 1 }),
    ]);
  });

  it('refuses bad input with coded errors at the field, storing nothing', () => {
    const at = (sendAt: Date) => scheduleMessageSchema.safeParse({ content: 'hi', sendAt: sendAt.toISOString() });
    for (const result of [at(inMinutes(-1)), at(inMinutes(366 * 24 * 60))]) {
      expect(result.success).toBe(false);
      expect(result.error!.issues[0]!.path).toEqual(['sendAt']);
    }
    expect(scheduleMessageSchema.safeParse({ content: 'hi', sendAt: 'tomorrow' }).error!.issues[0]!.path).toEqual([
      'sendAt',
    ]);
    const sendAt = inMinutes(10).toISOString();
    for (const content of ['', '   ', '\u200b', 'x'.repeat(MAX_CONTENT_LENGTH + 1), 'a\u0000b']) {
      expect(scheduleMessageSchema.safeParse({ content, sendAt }).error!.issues[0]!.path).toEqual(['content']);
    }
    expect(() => parseInput(scheduledChangeSchema, {})).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
  });

  it('answers a stranger NOT_FOUND for a chat or someone else’s row, exactly as for none, changing nothing', async () => {
    const { guest, chat } = await createChat(db);
    const stranger = await createUser(db);
    const mine = await scheduleMessage(db, guest.id, chat.id, input('private'));
    await expect(scheduleMessage(db, stranger.id, chat.id, input('intrusion'))).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(listScheduledMessages(db, stranger.id, chat.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    for (const id of [mine.id, 'cnotarealid000000000000000']) {
      const errors = await Promise.all([
        changeScheduledMessage(db, stranger.id, id, { content: 'stolen' }).catch((e: unknown) => e),
        cancelScheduledMessage(db, stranger.id, id).catch((e: unknown) => e),
        sendScheduledMessageNow(db, stranger.id, id).catch((e: unknown) => e),
      ]);
      for (const error of errors)
        expect(error).toMatchObject({ code: 'NOT_FOUND', message: 'Scheduled message not found' });
    }
    expect(await db.scheduledMessage.findUniqueOrThrow({ where: { id: mine.id } })).toMatchObject({
      content: 'private',
      status: 'pending',
    });
    expect(await db.scheduledMessage.count({ where: { chatId: chat.id } })).toBe(1);
    expect(await db.message.count({ where: { chatId: chat.id } })).toBe(0);
    // A reply to a message of another chat is refused at its field.
    const other = await createChat(db);
    const foreign = await sendMessage(db, other.guest.id, { chatId: other.chat.id, content: 'elsewhere' });
    await expect(
      scheduleMessage(db, guest.id, chat.id, { ...input('re'), replyToId: foreign.message.id }),
    ).rejects.toMatchObject({ code: 'VALIDATION', extra: { details: [{ path: ['replyToId'] }] } });
  });
});

describe('the due sweep', () => {
  it('sends due rows once each, leaves the others waiting, and marks a long-overdue one late', async () => {
    const { guest, owner, chat } = await createChat(db);
    const due = await scheduleMessage(db, guest.id, chat.id, input('due now'));
    const overdue = await scheduleMessage(db, owner.id, chat.id, input('due while everything was down'));
    const waiting = await scheduleMessage(db, guest.id, chat.id, input('not yet'));
    await makeDue(due.id);
    await makeDue(overdue.id, 30);

    const result = await sweep();
    expect(result).toMatchObject({ sent: 2, failed: [] });
    expect(await sweep()).toMatchObject({ claimed: 0, sent: 0 }); // nothing twice
    const messages = await db.message.findMany({ where: { chatId: chat.id }, orderBy: { createdAt: 'asc' } });
    expect(messages.map((m) => m.content)).toEqual(['due while everything was down', 'due now']);
    expect(await db.scheduledMessage.findUniqueOrThrow({ where: { id: waiting.id } })).toMatchObject({
      status: 'pending',
    });

    // The late one stays in its sender's view, "sent 30 min late", until dismissed.
    const [late] = await listScheduledMessages(db, owner.id, chat.id);
    expect(late).toMatchObject({ id: overdue.id, status: 'sent', lateMinutes: 30 });
    expect((await listScheduledMessages(db, guest.id, chat.id)).map((s) => s.id)).toEqual([waiting.id]);
    await cancelScheduledMessage(db, owner.id, overdue.id);
    expect(await listScheduledMessages(db, owner.id, chat.id)).toEqual([]);
    expect(await db.message.count({ where: { chatId: chat.id } })).toBe(2); // dismissing unsends nothing
  });

  it('marks rows that can no longer be sent failed, with their code, for their sender to see', async () => {
    const gone = await createChat(db);
    const left = await createChat(db);
    const replied = await createChat(db);
    const chatGone = await scheduleMessage(db, gone.guest.id, gone.chat.id, input('to a chat that goes'));
    const notMember = await scheduleMessage(db, left.guest.id, left.chat.id, input('from someone no longer in it'));
    const original = await sendMessage(db, replied.owner.id, { chatId: replied.chat.id, content: 'original' });
    const replyGone = await scheduleMessage(db, replied.guest.id, replied.chat.id, {
      ...input('a reply'),
      replyToId: original.message.id,
    });
    for (const row of [chatGone, notMember, replyGone]) await makeDue(row.id);
    await db.chat.delete({ where: { id: gone.chat.id } });
    await db.chat.update({ where: { id: left.chat.id }, data: { guestId: (await createUser(db)).id } });
    // The original leaves the chat's history (as no code path does today): the reply cannot quote it.
    await db.message.update({ where: { id: original.message.id }, data: { chatId: left.chat.id } });

    const listening = await listenToChatEvents();
    const result = await sweep();
    expect(result.sent).toBe(0);
    expect(Object.fromEntries(result.failed.map((f) => [f.id, f.code]))).toEqual({
      [chatGone.id]: 'CHAT_GONE',
      [notMember.id]: 'NOT_MEMBER',
      [replyGone.id]: 'REPLY_GONE',
    });
    expect(await listScheduledMessages(db, replied.guest.id, replied.chat.id)).toEqual([
      expect.objectContaining({ id: replyGone.id, status: 'failed', failureCode: 'REPLY_GONE' }),
    ]);
    expect(await db.message.count({ where: { content: { in: ['to a chat that goes', 'a reply'] } } })).toBe(0);
    const events = await listening.stop();
    expect(events.filter((e) => e.type === 'scheduled_messages_changed')).toHaveLength(3);
    expect(events.filter((e) => e.type === 'messages_created')).toHaveLength(0);
    // A failed one is dismissed like a cancelled one.
    await cancelScheduledMessage(db, replied.guest.id, replyGone.id);
    expect(await listScheduledMessages(db, replied.guest.id, replied.chat.id)).toEqual([]);
  });

  it('does not send twice when the message went out before its row was marked (a node died in between)', async () => {
    const { guest, chat } = await createChat(db);
    const row = await scheduleMessage(db, guest.id, chat.id, input('once'));
    // What a send that committed without its mark would have left: the message, the row pending.
    const first = await sendMessage(db, guest.id, {
      chatId: chat.id,
      content: 'once',
      clientMessageId: scheduledClientMessageId(row.id),
    });
    await makeDue(row.id);
    const listening = await listenToChatEvents();
    expect(await sweep()).toMatchObject({ sent: 1, failed: [] });
    expect(await db.message.count({ where: { chatId: chat.id } })).toBe(1);
    expect(await db.scheduledMessage.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({
      status: 'sent',
      sentMessageId: first.message.id,
    });
    // The duplicate published no second messages_created.
    expect((await listening.stop()).filter((e) => e.type === 'messages_created')).toHaveLength(0);
  });

  it('two sweeps racing each send every due row exactly once', async () => {
    const { guest, owner, chat } = await createChat(db);
    const rows = await Promise.all(
      Array.from({ length: 30 }, (_, i) => scheduleMessage(db, i % 2 ? guest.id : owner.id, chat.id, input(`n${i}`))),
    );
    for (const row of rows) await makeDue(row.id);
    const results = await Promise.all(
      Array.from({ length: 4 }, () => sendDueScheduledMessages(db, { limit: 5 }).catch(() => null)),
    );
    // Whatever the racers left (each takes at most 5), later sweeps finish.
    while ((await sweep()).claimed > 0);
    expect(results.reduce((n, r) => n + (r?.sent ?? 0), 0)).toBeGreaterThan(0);
    const messages = await db.message.groupBy({ by: ['clientMessageId'], where: { chatId: chat.id }, _count: true });
    expect(messages).toHaveLength(30);
    expect(messages.every((m) => m._count === 1)).toBe(true);
    expect(await db.scheduledMessage.count({ where: { chatId: chat.id, status: 'sent' } })).toBe(30);
  });
});
