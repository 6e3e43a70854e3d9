import { beforeAll, describe, expect, it } from 'vitest';
import { db, Prisma } from '../db';
import { listenToChatEvents } from '../../test/chat-events';
import { createChat, createUpload, createUser } from '../../test/fixtures';
import { MESSAGES_PER_NOTIFICATION } from './events';
import { loadMessages, pageQuery } from './message-store';
import { listMessages, markMessagesRead } from './messages';
import { sendMessage, sendMessages } from './send-messages';

describe('sendMessage', () => {
  it('stores the message, binds the attachments, moves lastMessageAt and returns the recipient counts', async () => {
    const { guest, owner, chat } = await createChat(db);
    const f = await createUpload(db, guest.id);
    const sent = await sendMessage(db, guest.id, {
      chatId: chat.id,
      content: 'Hello',
      attachments: [f.id],
      clientMessageId: 'c-1',
    });
    expect(sent).toMatchObject({ duplicate: false, recipientId: owner.id, unreadCount: 1, chatUnreadCount: 1 });
    expect(sent.message).toMatchObject({
      content: 'Hello',
      senderId: guest.id,
      recipientId: owner.id,
      clientMessageId: 'c-1',
    });
    expect(sent.message.files).toEqual([
      {
        id: f.id,
        originalName: 'photo.png',
        mimeType: 'image/png',
        size: 3,
        sourceUrl: null,
        url: `/api/attachments/${f.id}`,
      },
    ]);
    const stored = await db.message.findUniqueOrThrow({ where: { id: sent.message.id }, include: { files: true } });
    expect(stored.files.map((x) => x.id)).toEqual([f.id]);
    expect((await db.chat.findUniqueOrThrow({ where: { id: chat.id } })).lastMessageAt).toEqual(stored.createdAt);
  });

  it('stores a clientMessageId once, returning the stored message to a retry', async () => {
    const { guest, chat } = await createChat(db);
    const first = await sendMessage(db, guest.id, { chatId: chat.id, content: 'once', clientMessageId: 'retry-me' });
    const retry = await sendMessage(db, guest.id, { chatId: chat.id, content: 'once', clientMessageId: 'retry-me' });
    expect(retry.duplicate).toBe(true);
    expect(retry.message.id).toBe(first.message.id);
    expect(await db.message.count({ where: { chatId: chat.id } })).toBe(1);
  });

  it('stores one row for twenty concurrent retries of the same clientMessageId', async () => {
    const { guest, chat } = await createChat(db);
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        sendMessage(db, guest.id, { chatId: chat.id, content: 'race', clientMessageId: 'same-key' }),
      ),
    );
    expect(new Set(results.map((r) => r.message.id)).size).toBe(1);
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    expect(await db.message.count({ where: { chatId: chat.id } })).toBe(1);
  });

  it("rejects another user's file, or one already used, and stores nothing", async () => {
    const { guest, owner, chat } = await createChat(db);
    const ownersFile = await createUpload(db, owner.id);
    await expect(
      sendMessage(db, guest.id, {
        chatId: chat.id,
        content: 'steal',
        attachments: [ownersFile.id],
        clientMessageId: 'x1',
      }),
    ).rejects.toMatchObject({ code: 'VALIDATION' });
    const mine = await createUpload(db, guest.id);
    await sendMessage(db, guest.id, { chatId: chat.id, content: 'ok', attachments: [mine.id] });
    await expect(
      sendMessage(db, guest.id, { chatId: chat.id, content: 'reuse', attachments: [mine.id] }),
    ).rejects.toMatchObject({
      code: 'VALIDATION',
    });
    expect((await db.message.findMany({ where: { chatId: chat.id } })).map((m) => m.content)).toEqual(['ok']);
    expect((await db.file.findUniqueOrThrow({ where: { id: ownersFile.id } })).messageId).toBeNull();
    expect((await db.chat.findUniqueOrThrow({ where: { id: chat.id } })).lastMessageAt).not.toBeNull();
  });

  it('answers NOT_FOUND for a chat the sender is not in, like an unknown chat', async () => {
    const { chat } = await createChat(db);
    const stranger = await createUser(db);
    await expect(sendMessage(db, stranger.id, { chatId: chat.id, content: 'hi' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(
      sendMessage(db, stranger.id, { chatId: 'cnosuchchat0000000000', content: 'hi' }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await db.message.count({ where: { chatId: chat.id } })).toBe(0);
  });

  it('keeps content exactly as typed, markup included', async () => {
    const { guest, chat } = await createChat(db);
    const content = '<script>alert("x")</script> & <b>bold</b>  \n  spaced';
    const sent = await sendMessage(db, guest.id, { chatId: chat.id, content });
    expect((await db.message.findUniqueOrThrow({ where: { id: sent.message.id } })).content).toBe(content);
  });

  it('announces every stored message with its commit, in order, once, never for a rollback', async () => {
    const { guest, owner, chat } = await createChat(db);
    const listener = await listenToChatEvents();
    const first = await sendMessage(db, guest.id, { chatId: chat.id, content: 'live', clientMessageId: 'ann-1' });
    // A failed send (foreign attachment) rolls back and must announce nothing.
    await expect(
      sendMessage(db, guest.id, { chatId: chat.id, content: 'no', attachments: ['cnosuchfile0000000000'] }),
    ).rejects.toMatchObject({ code: 'VALIDATION' });
    // A retry answered from the stored row announces nothing: its first attempt did.
    const retry = await sendMessage(db, guest.id, { chatId: chat.id, content: 'live', clientMessageId: 'ann-1' });
    expect(retry.duplicate).toBe(true);
    // A group larger than one notification holds is split, in order, with each sender's origin.
    const origin = { node: 'node-1', socket: 'socket-1' };
    const group = Array.from({ length: MESSAGES_PER_NOTIFICATION + 5 }, (_, i) => ({
      senderId: guest.id,
      input: { chatId: chat.id, content: `g${i}` },
      origin,
    }));
    const outcomes = await sendMessages(db, group);
    const events = await listener.stop();

    expect(events).toEqual([
      {
        type: 'messages_created',
        messages: [
          {
            messageId: first.message.id,
            chatId: chat.id,
            recipientId: owner.id,
            unreadCount: 1,
            chatUnreadCount: 1,
            origin: null,
          },
        ],
      },
      ...[outcomes.slice(0, MESSAGES_PER_NOTIFICATION), outcomes.slice(MESSAGES_PER_NOTIFICATION)].map((part) => ({
        type: 'messages_created',
        messages: part.map((outcome) => {
          if (!outcome.ok) throw new Error('expected stored');
          const { message, unreadCount, chatUnreadCount } = outcome.sent;
          return {
            messageId: message.id,
            chatId: chat.id,
            recipientId: owner.id,
            unreadCount,
            chatUnreadCount,
            origin,
          };
        }),
      })),
    ]);
  });
});

describe('markMessagesRead', () => {
  it('marks messages to the reader, returns only the changed ids, and lowers the counts', async () => {
    const { guest, owner, chat } = await createChat(db);
    const a = await sendMessage(db, guest.id, { chatId: chat.id, content: 'a' });
    const b = await sendMessage(db, guest.id, { chatId: chat.id, content: 'b' });
    const receipt = await markMessagesRead(db, owner.id, { chatId: chat.id, messageIds: [a.message.id] });
    expect(receipt).toMatchObject({
      chatId: chat.id,
      readerId: owner.id,
      messageIds: [a.message.id],
      unreadCount: 1,
      chatUnreadCount: 1,
    });
    const again = await markMessagesRead(db, owner.id, { chatId: chat.id, messageIds: [a.message.id, b.message.id] });
    expect(again.messageIds).toEqual([b.message.id]);
    expect(again.chatUnreadCount).toBe(0);
    expect(await db.message.count({ where: { chatId: chat.id, readAt: null } })).toBe(0);
  });

  it('marks everything up to a message', async () => {
    const { guest, owner, chat } = await createChat(db);
    const sent = [];
    for (let i = 0; i < 5; i++) sent.push(await sendMessage(db, guest.id, { chatId: chat.id, content: `m${i}` }));
    const receipt = await markMessagesRead(db, owner.id, { chatId: chat.id, upToMessageId: sent[2]!.message.id });
    expect(receipt.messageIds).toEqual(
      sent
        .slice(0, 3)
        .map((s) => s.message.id)
        .sort(),
    );
    expect(receipt.chatUnreadCount).toBe(2);
  });

  it("refuses the sender marking their own messages, and another chat's, changing nothing", async () => {
    const { guest, owner, chat } = await createChat(db);
    const other = await createChat(db);
    const mine = await sendMessage(db, guest.id, { chatId: chat.id, content: 'mine' });
    const foreign = await sendMessage(db, other.guest.id, { chatId: other.chat.id, content: 'elsewhere' });
    await expect(
      markMessagesRead(db, guest.id, { chatId: chat.id, messageIds: [mine.message.id] }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(
      markMessagesRead(db, owner.id, { chatId: chat.id, messageIds: [mine.message.id, foreign.message.id] }),
    ).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(
      await db.message.count({ where: { readAt: { not: null }, id: { in: [mine.message.id, foreign.message.id] } } }),
    ).toBe(0);
  });
});

describe('listMessages', () => {
  let guestId: string;
  let chatId: string;
  let ids: string[]; // chronological

  beforeAll(async () => {
    const { guest, owner, chat } = await createChat(db);
    guestId = guest.id;
    chatId = chat.id;
    // 10,000 messages; every 10 share one timestamp, so the id must break ties.
    await db.$executeRaw`
      INSERT INTO messages (id, chat_id, sender_id, recipient_id, content, created_at)
      SELECT 'k' || lpad(i::text, 6, '0') || 'x', ${chat.id}, ${guest.id}, ${owner.id}, 'message ' || i,
             timestamptz '2026-01-01' + make_interval(secs => i / 10)
      FROM generate_series(0, 9999) AS i`;
    // Other conversations over the same months, as in a real table: this chat is one of many.
    for (let c = 0; c < 20; c++) {
      const other = await createChat(db);
      await db.$executeRaw`
        INSERT INTO messages (id, chat_id, sender_id, recipient_id, content, created_at)
        SELECT 'o' || ${c} || '_' || i, ${other.chat.id}, ${other.guest.id}, ${other.owner.id}, 'other ' || i,
               timestamptz '2026-01-01' + make_interval(secs => i / 2)
        FROM generate_series(0, 1999) AS i`;
    }
    await db.$executeRaw`ANALYZE messages`;
    ids = Array.from({ length: 10_000 }, (_, i) => `k${String(i).padStart(6, '0')}x`);
  });

  it('gives the newest page first, chronological within the page', async () => {
    const page = await listMessages(db, guestId, chatId, { limit: 50 });
    expect(page.messages.map((m) => m.id)).toEqual(ids.slice(-50));
    expect(page.pagination.hasMore).toBe(true);
  });

  it('gives a correct page from the middle, and walks both ways from it without gaps or repeats', async () => {
    const middle = await listMessages(db, guestId, chatId, { limit: 100, before: ids[5003]! });
    expect(middle.messages.map((m) => m.id)).toEqual(ids.slice(4903, 5003));
    const older = await listMessages(db, guestId, chatId, { limit: 100, before: middle.pagination.nextCursor! });
    expect(older.messages.map((m) => m.id)).toEqual(ids.slice(4803, 4903));
    const newer = await listMessages(db, guestId, chatId, { limit: 100, after: middle.pagination.prevCursor! });
    expect(newer.messages.map((m) => m.id)).toEqual(ids.slice(5003, 5103));
  });

  it('walks the whole history back to the first message, every message once, in order', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let guard = 0; guard < 200; guard++) {
      const page = await listMessages(db, guestId, chatId, { limit: 100, before: cursor });
      seen.unshift(...page.messages.map((m) => m.id));
      if (!page.pagination.hasMore) break;
      cursor = page.pagination.nextCursor!;
    }
    expect(seen).toEqual(ids);
  });

  it("keeps the seed's page parameter, with its total and totalPages", async () => {
    const page = await listMessages(db, guestId, chatId, { limit: 50, page: 3 });
    expect(page.messages.map((m) => m.id)).toEqual(ids.slice(-150, -100));
    expect(page.pagination).toMatchObject({ page: 3, limit: 50, total: 10_000, totalPages: 200, hasMore: true });
  });

  it('reads a page from the middle through the index, with no sort of the chat', async () => {
    const plan = await db.$queryRaw<Array<{ 'QUERY PLAN': string }>>(
      Prisma.sql`EXPLAIN ${pageQuery(chatId, { createdAt: new Date('2026-01-01T00:08:20Z'), id: ids[5003]! }, false, 101, 0)}`,
    );
    const text = plan.map((r) => r['QUERY PLAN']).join('\n');
    expect(text).toMatch(/Index (Only )?Scan Backward using idx_messages_chat_created on messages/);
    expect(text).not.toMatch(/Seq Scan on messages/);
    // The only sort allowed is the merge of the two limited sides, above their Limit nodes.
    const sortsOverTable = text.split('\n').filter((l) => /Sort/.test(l) && !/Merge Append|Sort Key/.test(l));
    for (const line of sortsOverTable)
      expect(text.indexOf(line)).toBeLessThan(text.indexOf('Limit', text.indexOf(line)));
  });

  it('continues past the oldest live message into the archive, marked archived', async () => {
    const { guest, owner, chat } = await createChat(db);
    await db.$executeRaw`
      INSERT INTO archived_messages (id, chat_id, sender_id, recipient_id, content, created_at)
      SELECT 'arch' || lpad(i::text, 4, '0'), ${chat.id}, ${guest.id}, ${owner.id}, 'old ' || i, timestamptz '2024-01-01' + make_interval(days => i)
      FROM generate_series(0, 29) AS i`;
    const live = [];
    for (let i = 0; i < 30; i++)
      live.push((await sendMessage(db, guest.id, { chatId: chat.id, content: `new ${i}` })).message.id);
    const seen: Array<{ id: string; archived?: boolean }> = [];
    let cursor: string | undefined;
    for (let guard = 0; guard < 10; guard++) {
      const page = await listMessages(db, owner.id, chat.id, { limit: 25, before: cursor });
      seen.unshift(...page.messages);
      if (!page.pagination.hasMore) break;
      cursor = page.pagination.nextCursor!;
    }
    expect(seen.map((m) => m.id)).toEqual([
      ...Array.from({ length: 30 }, (_, i) => `arch${String(i).padStart(4, '0')}`),
      ...live,
    ]);
    expect(seen.slice(0, 30).every((m) => m.archived === true)).toBe(true);
    expect(seen.slice(30).every((m) => m.archived === undefined)).toBe(true);
  });

  it('answers NOT_FOUND to a user outside the chat', async () => {
    const stranger = await createUser(db);
    await expect(listMessages(db, stranger.id, chatId, { limit: 10 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('loadMessages', () => {
  it('finds a message the retention job moved to the archive after the page was read', async () => {
    const { guest, chat } = await createChat(db);
    const sent = await sendMessage(db, guest.id, { chatId: chat.id, content: 'moving' });
    const row = { id: sent.message.id, created_at: new Date(sent.message.createdAt), archived: false };
    // What the archive job does to it, between the page query and the load.
    await db.$executeRaw`
      WITH moved AS (DELETE FROM messages WHERE id = ${sent.message.id} RETURNING *)
      INSERT INTO archived_messages (id, chat_id, sender_id, recipient_id, property_id, content, client_message_id, created_at, read_at)
      SELECT id, chat_id, sender_id, recipient_id, property_id, content, client_message_id, created_at, read_at FROM moved`;
    const loaded = await loadMessages(db, [row]);
    expect(loaded).toEqual([expect.objectContaining({ id: sent.message.id, content: 'moving', archived: true })]);
  });
});
