// Edit and unsend on the real database: what each change writes (and what a refused or repeated
// one leaves alone), the unread counters an unsend corrects, the files it deletes (rows and
// bytes), the change cursor a client catches up with, and the `message_changed` event that
// commits with each change and only with it.
import { describe, expect, it } from 'vitest';
import { storage, type AttachmentStorage } from '../attachments/storage';
import { db, type Db } from '../db';
import { listenToChatEvents } from '../../test/chat-events';
import { createChat, createUser } from '../../test/fixtures';
import { listChatsForUser } from './chats';
import { editMessage, listMessageChanges, MAX_CHANGES_PER_PAGE, unsendMessage } from './message-changes';
import { listMessages, markMessagesRead } from './messages';
import { editMessageSchema } from './schemas';
import { sendMessage } from './send-messages';

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

/** A file with real bytes in storage, uploaded by `uploaderId` and not yet sent. */
async function storedUpload(uploaderId: string) {
  const storageKey = await storage.put(PNG);
  return db.file.create({
    data: { uploaderId, originalName: 'photo.png', mimeType: 'image/png', size: PNG.length, storageKey },
  });
}

async function bytesExist(key: string | null): Promise<boolean> {
  if (key === null) return false;
  try {
    const { stream } = await storage.get(key);
    await stream.cancel();
    return true;
  } catch {
    return false;
  }
}

/** Moves the message's send time back by `interval` (a PostgreSQL interval). */
async function age(messageId: string, interval: string) {
  await db.$executeRaw`UPDATE messages SET created_at = now() - ${interval}::interval WHERE id = ${messageId}`;
}

/** Everything an edit or an unsend of this message may touch. */
async function state(messageId: string, chatId: string) {
  const [row] = await db.$queryRaw<
    Array<{
      content: string;
      edited_at: Date | null;
      unsent_at: Date | null;
      change_seq: bigint | null;
      chat_change_seq: bigint;
      guest_unread: number;
      owner_unread: number;
      edits: string[];
      files: string[];
    }>
  >`
    SELECT m.content, m.edited_at, m.unsent_at, m.change_seq, c.change_seq AS chat_change_seq,
           c.guest_unread_count AS guest_unread, c.owner_unread_count AS owner_unread,
           ARRAY(SELECT e.content FROM message_edits e WHERE e.message_id = m.id ORDER BY e.created_at, e.content) AS edits,
           ARRAY(SELECT f.id FROM files f WHERE f.message_id = m.id ORDER BY f.id) AS files
    FROM messages m JOIN chats c ON c.id = ${chatId} WHERE m.id = ${messageId}`;
  return row;
}

/** Moves one message (and its files' and edits' links) to the archive, as the retention job does. */
async function archive(messageId: string) {
  await db.$transaction(async (tx) => {
    await tx.$executeRaw`
      INSERT INTO archived_messages (id, chat_id, sender_id, recipient_id, property_id, content, client_message_id,
                                     created_at, read_at, edited_at, unsent_at, change_seq)
      SELECT id, chat_id, sender_id, recipient_id, property_id, content, client_message_id,
             created_at, read_at, edited_at, unsent_at, change_seq
      FROM messages WHERE id = ${messageId}`;
    await tx.$executeRaw`UPDATE files SET archived_message_id = message_id, message_id = NULL WHERE message_id = ${messageId}`;
    await tx.$executeRaw`
      UPDATE message_edits SET archived_message_id = message_id, message_id = NULL WHERE message_id = ${messageId}`;
    await tx.$executeRaw`DELETE FROM messages WHERE id = ${messageId}`;
  });
}

/** `db`, except that every transaction fails (and rolls back) after its work is done. */
function rollingBack(): Db {
  return new Proxy(db, {
    get(target, property, receiver) {
      if (property !== '$transaction') return Reflect.get(target, property, receiver) as unknown;
      return (work: (tx: unknown) => Promise<unknown>) =>
        target.$transaction(async (tx) => {
          await work(tx);
          throw new Error('rolled back after the change');
        });
    },
  });
}

describe('editMessage', () => {
  it('replaces the text, keeps the earlier versions, stamps editedAt and the change cursor, keeps the files', async () => {
    const { guest, owner, chat } = await createChat(db);
    const file = await storedUpload(guest.id);
    const sent = await sendMessage(db, guest.id, { chatId: chat.id, content: 'Helo', attachments: [file.id] });
    const id = sent.message.id;

    const first = await editMessage(db, guest.id, { chatId: chat.id, messageId: id, content: 'Hello' });
    expect(first).toMatchObject({ changed: true, recipientId: owner.id, unreadCount: 1, chatUnreadCount: 1 });
    expect(first.message).toMatchObject({ id, content: 'Hello', unsentAt: null, senderId: guest.id });
    expect(first.message.editedAt).toEqual(expect.any(String));
    expect(first.message.files.map((f) => f.id)).toEqual([file.id]);

    const second = await editMessage(db, guest.id, { chatId: chat.id, messageId: id, content: 'Hello there' });
    expect(second.changed).toBe(true);
    expect(second.message.content).toBe('Hello there');

    const row = await state(id, chat.id);
    expect(row).toMatchObject({
      content: 'Hello there',
      unsent_at: null,
      change_seq: 2n,
      chat_change_seq: 2n,
      edits: ['Helo', 'Hello'],
      files: [file.id],
      owner_unread: 1,
    });
    expect(row!.edited_at).toEqual(new Date(second.message.editedAt!));
    expect(await bytesExist(file.storageKey)).toBe(true);
  });

  it('finds the sender’s own message by the clientMessageId it was sent with (a change queued before its ack)', async () => {
    const { guest, owner, chat } = await createChat(db);
    const sent = await sendMessage(db, guest.id, { chatId: chat.id, content: 'draft', clientMessageId: 'k-draft' });
    const byKey = await editMessage(db, guest.id, { chatId: chat.id, clientMessageId: 'k-draft', content: 'final' });
    expect(byKey).toMatchObject({ changed: true, message: { id: sent.message.id, content: 'final' } });
    // Another user's key names none of theirs: NOT_FOUND, nothing changed.
    await expect(
      editMessage(db, owner.id, { chatId: chat.id, clientMessageId: 'k-draft', content: 'hijack' }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const unsent = await unsendMessage(db, storage, guest.id, { chatId: chat.id, clientMessageId: 'k-draft' });
    expect(unsent.message).toMatchObject({ id: sent.message.id, content: '' });
    expect(editMessageSchema.safeParse({ chatId: chat.id, content: 'x' }).success).toBe(false);
    expect(
      editMessageSchema.safeParse({ chatId: chat.id, messageId: sent.message.id, clientMessageId: 'k', content: 'x' })
        .success,
    ).toBe(false);
  });

  it('changes nothing for the same text again', async () => {
    const { guest, chat } = await createChat(db);
    const sent = await sendMessage(db, guest.id, { chatId: chat.id, content: 'same' });
    const before = await state(sent.message.id, chat.id);
    const again = await editMessage(db, guest.id, { chatId: chat.id, messageId: sent.message.id, content: 'same' });
    expect(again.changed).toBe(false);
    expect(again.message).toMatchObject({ content: 'same', editedAt: null });
    expect(await state(sent.message.id, chat.id)).toEqual(before);
    expect(before).toMatchObject({ change_seq: null, chat_change_seq: 0n, edits: [] });
  });

  it('is allowed until EDIT_WINDOW_MINUTES after sending, by the server clock, then WINDOW_CLOSED with nothing changed', async () => {
    const { guest, chat } = await createChat(db);
    const early = await sendMessage(db, guest.id, { chatId: chat.id, content: 'early' });
    const late = await sendMessage(db, guest.id, { chatId: chat.id, content: 'late' });
    await age(early.message.id, '14 minutes');
    await age(late.message.id, '16 minutes');

    const ok = await editMessage(db, guest.id, { chatId: chat.id, messageId: early.message.id, content: 'early!' });
    expect(ok.changed).toBe(true);

    const before = await state(late.message.id, chat.id);
    const refused = editMessage(db, guest.id, { chatId: chat.id, messageId: late.message.id, content: 'late!' });
    await expect(refused).rejects.toMatchObject({ code: 'WINDOW_CLOSED', status: 403 });
    expect(await state(late.message.id, chat.id)).toEqual(before);
    expect(before).toMatchObject({ content: 'late', edited_at: null, change_seq: null, edits: [] });
  });

  it('refuses the other member (FORBIDDEN), a stranger and an unknown or foreign message (NOT_FOUND), changing nothing', async () => {
    const { guest, owner, chat } = await createChat(db);
    const stranger = await createUser(db);
    const elsewhere = await createChat(db);
    // The guest's own message in another chat, named through this chat.
    const guestsOtherChat = await db.chat.create({
      data: { guestId: guest.id, ownerId: elsewhere.owner.id, propertyId: elsewhere.property.id },
    });
    const foreign = await sendMessage(db, guest.id, { chatId: guestsOtherChat.id, content: 'other chat' });
    const sent = await sendMessage(db, guest.id, { chatId: chat.id, content: 'mine' });
    const before = await state(sent.message.id, chat.id);
    const beforeForeign = await state(foreign.message.id, guestsOtherChat.id);

    const edit = (userId: string, messageId: string) =>
      editMessage(db, userId, { chatId: chat.id, messageId, content: 'changed' });
    await expect(edit(owner.id, sent.message.id)).rejects.toMatchObject({ code: 'FORBIDDEN', status: 403 });
    await expect(edit(stranger.id, sent.message.id)).rejects.toMatchObject({ code: 'NOT_FOUND', status: 404 });
    await expect(edit(guest.id, 'cnosuchmessage0000000')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(edit(guest.id, foreign.message.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(
      editMessage(db, guest.id, { chatId: 'cnosuchchat0000000000', messageId: sent.message.id, content: 'x' }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });

    expect(await state(sent.message.id, chat.id)).toEqual(before);
    expect(await state(foreign.message.id, guestsOtherChat.id)).toEqual(beforeForeign);
  });

  it('refuses an unsent message (CONFLICT), even with its old text', async () => {
    const { guest, chat } = await createChat(db);
    const sent = await sendMessage(db, guest.id, { chatId: chat.id, content: 'gone soon' });
    await unsendMessage(db, storage, guest.id, { chatId: chat.id, messageId: sent.message.id });
    const before = await state(sent.message.id, chat.id);
    for (const content of ['back again', 'gone soon']) {
      await expect(
        editMessage(db, guest.id, { chatId: chat.id, messageId: sent.message.id, content }),
      ).rejects.toMatchObject({ code: 'CONFLICT', status: 409 });
    }
    expect(await state(sent.message.id, chat.id)).toEqual(before);
    expect(before).toMatchObject({ content: '', edited_at: null, edits: [] });
  });
});

describe('unsendMessage', () => {
  it('empties the message, deletes its files (rows and bytes) and edit history, and lowers the unread counts', async () => {
    const { guest, owner, chat, property } = await createChat(db);
    // The owner has an unread message in another chat too: the total counts it.
    const otherGuest = await createUser(db);
    const otherChat = await db.chat.create({
      data: { guestId: otherGuest.id, ownerId: owner.id, propertyId: property.id },
    });
    await sendMessage(db, otherGuest.id, { chatId: otherChat.id, content: 'elsewhere' });
    await sendMessage(db, guest.id, { chatId: chat.id, content: 'stays' });
    const files = [await storedUpload(guest.id), await storedUpload(guest.id)];
    const sent = await sendMessage(db, guest.id, {
      chatId: chat.id,
      content: 'oops',
      attachments: files.map((f) => f.id),
    });
    expect(sent).toMatchObject({ unreadCount: 3, chatUnreadCount: 2 });
    const id = sent.message.id;
    await editMessage(db, guest.id, { chatId: chat.id, messageId: id, content: 'oops!' });

    const change = await unsendMessage(db, storage, guest.id, { chatId: chat.id, messageId: id });
    expect(change).toMatchObject({ changed: true, recipientId: owner.id, unreadCount: 2, chatUnreadCount: 1 });
    expect(change.message).toMatchObject({ id, content: '', files: [] });
    expect(change.message.unsentAt).toEqual(expect.any(String));

    const row = await state(id, chat.id);
    expect(row).toMatchObject({
      content: '',
      change_seq: 2n,
      chat_change_seq: 2n,
      edits: [],
      files: [],
      owner_unread: 1,
    });
    expect(row!.unsent_at).toEqual(new Date(change.message.unsentAt!));
    expect(await db.file.count({ where: { id: { in: files.map((f) => f.id) } } })).toBe(0);
    for (const f of files) expect(await bytesExist(f.storageKey)).toBe(false);
    expect(await db.messageEdit.count({ where: { OR: [{ messageId: id }, { content: 'oops' }] } })).toBe(0);

    // The counters agree with a recount from the messages themselves.
    await db.$executeRaw`SELECT chats_recount(ARRAY[${chat.id}, ${otherChat.id}]::text[])`;
    expect((await state(id, chat.id))!.owner_unread).toBe(1);

    // The inbox: the last message shows unsent (no text, no attachments), the badge dropped.
    const ownersList = await listChatsForUser(db, owner.id);
    expect(ownersList.find((c) => c.id === chat.id)).toMatchObject({
      unreadCount: 1,
      lastMessage: { id, content: '', attachmentCount: 0, unsent: true },
    });
    const guestsList = await listChatsForUser(db, guest.id);
    expect(guestsList.find((c) => c.id === chat.id)).toMatchObject({
      lastMessage: { id, content: '', attachmentCount: 0, unsent: true },
    });
    // History shows it in its place, unsent.
    const page = await listMessages(db, owner.id, chat.id, { limit: 10 });
    expect(page.messages.map((m) => [m.content, m.unsentAt === null])).toEqual([
      ['stays', true],
      ['', false],
    ]);
  });

  it('leaves the counts alone when the message was read already', async () => {
    const { guest, owner, chat } = await createChat(db);
    const read = await sendMessage(db, guest.id, { chatId: chat.id, content: 'read it' });
    await sendMessage(db, guest.id, { chatId: chat.id, content: 'unread' });
    await markMessagesRead(db, owner.id, { chatId: chat.id, messageIds: [read.message.id] });
    const change = await unsendMessage(db, storage, guest.id, { chatId: chat.id, messageId: read.message.id });
    expect(change).toMatchObject({ changed: true, unreadCount: 1, chatUnreadCount: 1 });
    expect((await state(read.message.id, chat.id))!.owner_unread).toBe(1);
    // A read receipt for the unsent message afterwards does not move the counter either.
    const unsentUnread = await sendMessage(db, guest.id, { chatId: chat.id, content: 'unsent unread' });
    await unsendMessage(db, storage, guest.id, { chatId: chat.id, messageId: unsentUnread.message.id });
    await markMessagesRead(db, owner.id, { chatId: chat.id, messageIds: [unsentUnread.message.id] });
    expect((await state(read.message.id, chat.id))!.owner_unread).toBe(1);
  });

  it('changes nothing when repeated', async () => {
    const { guest, chat } = await createChat(db);
    const sent = await sendMessage(db, guest.id, { chatId: chat.id, content: 'twice' });
    const first = await unsendMessage(db, storage, guest.id, { chatId: chat.id, messageId: sent.message.id });
    const before = await state(sent.message.id, chat.id);
    const again = await unsendMessage(db, storage, guest.id, { chatId: chat.id, messageId: sent.message.id });
    expect(again.changed).toBe(false);
    expect(again.message).toEqual(first.message);
    expect(await state(sent.message.id, chat.id)).toEqual(before);
    expect(before!.chat_change_seq).toBe(1n);
  });

  it('counts one change for concurrent unsends of the same message', async () => {
    const { guest, chat } = await createChat(db);
    const file = await storedUpload(guest.id);
    const sent = await sendMessage(db, guest.id, { chatId: chat.id, content: 'race', attachments: [file.id] });
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        unsendMessage(db, storage, guest.id, { chatId: chat.id, messageId: sent.message.id }),
      ),
    );
    expect(results.filter((r) => r.changed)).toHaveLength(1);
    expect(await state(sent.message.id, chat.id)).toMatchObject({ content: '', chat_change_seq: 1n, owner_unread: 0 });
    expect(await bytesExist(file.storageKey)).toBe(false);
  });

  it('is allowed until UNSEND_WINDOW_HOURS after sending, then WINDOW_CLOSED with the files and counts untouched', async () => {
    const { guest, owner, chat } = await createChat(db);
    const early = await sendMessage(db, guest.id, { chatId: chat.id, content: 'early' });
    const file = await storedUpload(guest.id);
    const late = await sendMessage(db, guest.id, { chatId: chat.id, content: 'late', attachments: [file.id] });
    await age(early.message.id, '23 hours');
    await age(late.message.id, '25 hours');

    const ok = await unsendMessage(db, storage, guest.id, { chatId: chat.id, messageId: early.message.id });
    expect(ok).toMatchObject({ changed: true, chatUnreadCount: 1 });

    const before = await state(late.message.id, chat.id);
    await expect(
      unsendMessage(db, storage, guest.id, { chatId: chat.id, messageId: late.message.id }),
    ).rejects.toMatchObject({ code: 'WINDOW_CLOSED', status: 403 });
    expect(await state(late.message.id, chat.id)).toEqual(before);
    expect(before).toMatchObject({ content: 'late', unsent_at: null, files: [file.id], owner_unread: 1 });
    expect(await bytesExist(file.storageKey)).toBe(true);
    // An edit is long out of its window too.
    await expect(
      editMessage(db, guest.id, { chatId: chat.id, messageId: late.message.id, content: 'x' }),
    ).rejects.toMatchObject({ code: 'WINDOW_CLOSED' });
    expect((await listChatsForUser(db, owner.id))[0]).toMatchObject({ unreadCount: 1 });
  });

  it('refuses the other member (FORBIDDEN) and a stranger (NOT_FOUND), leaving the files', async () => {
    const { guest, owner, chat } = await createChat(db);
    const stranger = await createUser(db);
    const file = await storedUpload(guest.id);
    const sent = await sendMessage(db, guest.id, { chatId: chat.id, content: 'mine', attachments: [file.id] });
    const before = await state(sent.message.id, chat.id);
    const target = { chatId: chat.id, messageId: sent.message.id };
    await expect(unsendMessage(db, storage, owner.id, target)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(unsendMessage(db, storage, stranger.id, target)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await state(sent.message.id, chat.id)).toEqual(before);
    expect(await bytesExist(file.storageKey)).toBe(true);
  });

  it('stays unsent when the bytes cannot be deleted, and reports the failure', async () => {
    const { guest, chat } = await createChat(db);
    const file = await storedUpload(guest.id);
    const sent = await sendMessage(db, guest.id, { chatId: chat.id, content: 'with file', attachments: [file.id] });
    const broken: AttachmentStorage = { ...storage, delete: () => Promise.reject(new Error('disk gone')) };
    const reported: unknown[] = [];
    const change = await unsendMessage(
      db,
      broken,
      guest.id,
      { chatId: chat.id, messageId: sent.message.id },
      { log: (error) => reported.push(error) },
    );
    expect(change.changed).toBe(true);
    expect(await state(sent.message.id, chat.id)).toMatchObject({ content: '', files: [] });
    expect(reported).toEqual([expect.objectContaining({ message: 'disk gone' })]);
  });
});

describe('unsendMessage when the read-back after the commit fails', () => {
  it('still deletes the bytes of the files it unlinked (no row names them any more)', async () => {
    const { guest, chat } = await createChat(db);
    const file = await storedUpload(guest.id);
    const sent = await sendMessage(db, guest.id, { chatId: chat.id, content: 'x', attachments: [file.id] });
    // Every read after the transaction fails, as with a connection lost right after the commit.
    const flaky = new Proxy(db, {
      get: (target, property, receiver) =>
        property === '$queryRaw'
          ? () => Promise.reject(new Error('connection lost'))
          : Reflect.get(target, property, receiver),
    }) as Db;
    await expect(
      unsendMessage(flaky, storage, guest.id, { chatId: chat.id, messageId: sent.message.id }),
    ).rejects.toThrow('connection lost');
    expect(await db.file.count({ where: { id: file.id } })).toBe(0);
    expect(await bytesExist(file.storageKey)).toBe(false);
  });
});

describe('earlier versions', () => {
  it('go with their message when it is deleted (its chat deleted), never outliving it', async () => {
    const { guest, chat } = await createChat(db);
    const sent = await sendMessage(db, guest.id, { chatId: chat.id, content: 'v1-cascade' });
    await editMessage(db, guest.id, { chatId: chat.id, messageId: sent.message.id, content: 'v2' });
    expect(await db.messageEdit.count({ where: { messageId: sent.message.id } })).toBe(1);
    await db.chat.delete({ where: { id: chat.id } });
    expect(
      await db.messageEdit.count({ where: { content: 'v1-cascade', messageId: null, archivedMessageId: null } }),
    ).toBe(0);
  });
});

describe('archived messages', () => {
  it('refuse edit and unsend with ARCHIVED and stay as they were', async () => {
    const { guest, chat } = await createChat(db);
    const file = await storedUpload(guest.id);
    const sent = await sendMessage(db, guest.id, { chatId: chat.id, content: 'old news', attachments: [file.id] });
    await archive(sent.message.id);
    const target = { chatId: chat.id, messageId: sent.message.id };
    await expect(editMessage(db, guest.id, { ...target, content: 'new news' })).rejects.toMatchObject({
      code: 'ARCHIVED',
      status: 409,
    });
    await expect(unsendMessage(db, storage, guest.id, target)).rejects.toMatchObject({ code: 'ARCHIVED' });
    // A stranger learns nothing, not even that it is archived.
    const stranger = await createUser(db);
    await expect(unsendMessage(db, storage, stranger.id, target)).rejects.toMatchObject({ code: 'NOT_FOUND' });

    const [archived] = await db.$queryRaw<Array<{ content: string; unsent_at: Date | null; edited_at: Date | null }>>`
      SELECT content, unsent_at, edited_at FROM archived_messages WHERE id = ${sent.message.id}`;
    expect(archived).toEqual({ content: 'old news', unsent_at: null, edited_at: null });
    expect((await db.file.findUniqueOrThrow({ where: { id: file.id } })).archivedMessageId).toBe(sent.message.id);
    expect(await bytesExist(file.storageKey)).toBe(true);
    expect((await db.chat.findUniqueOrThrow({ where: { id: chat.id } })).changeSeq).toBe(0n);
  });
});

describe('the change cursor', () => {
  it("lists exactly the messages changed after a history page's cursor, in change order, with the next cursor", async () => {
    const { guest, owner, chat } = await createChat(db);
    const elsewhere = await createChat(db);
    const ids: string[] = [];
    for (const content of ['a', 'b', 'c', 'd']) {
      ids.push((await sendMessage(db, guest.id, { chatId: chat.id, content })).message.id);
    }
    // A change before the page: not listed after the page's cursor.
    await editMessage(db, guest.id, { chatId: chat.id, messageId: ids[3]!, content: 'd1' });
    const page = await listMessages(db, owner.id, chat.id, { limit: 50 });
    expect(page.changeCursor).toBe('1');
    expect(page.messages.find((m) => m.id === ids[3])).toMatchObject({ content: 'd1' });

    await unsendMessage(db, storage, guest.id, { chatId: chat.id, messageId: ids[1]! });
    await editMessage(db, guest.id, { chatId: chat.id, messageId: ids[0]!, content: 'a1' });
    await editMessage(db, guest.id, { chatId: chat.id, messageId: ids[0]!, content: 'a1' }); // no change
    // Changes in another chat are not this chat's.
    const other = await sendMessage(db, elsewhere.guest.id, { chatId: elsewhere.chat.id, content: 'x' });
    await editMessage(db, elsewhere.guest.id, { chatId: elsewhere.chat.id, messageId: other.message.id, content: 'y' });

    const changes = await listMessageChanges(db, owner.id, chat.id, BigInt(page.changeCursor));
    expect(changes.hasMore).toBe(false);
    expect(changes.changeCursor).toBe('3');
    expect(changes.messages.map((m) => [m.id, m.content, m.unsentAt !== null, m.editedAt !== null])).toEqual([
      [ids[1], '', true, false],
      [ids[0], 'a1', false, true],
    ]);

    // Nothing since: none listed, the same cursor back.
    expect(await listMessageChanges(db, guest.id, chat.id, 3n)).toEqual({
      messages: [],
      changeCursor: '3',
      hasMore: false,
    });
    // The message changed again: listed once, as it is now.
    await editMessage(db, guest.id, { chatId: chat.id, messageId: ids[0]!, content: 'a2' });
    const next = await listMessageChanges(db, guest.id, chat.id, 3n);
    expect(next.messages.map((m) => [m.id, m.content])).toEqual([[ids[0], 'a2']]);
    expect(next.changeCursor).toBe('4');
    // From the start: every changed message once, never an unchanged one (c).
    const all = await listMessageChanges(db, owner.id, chat.id, 0n);
    expect(all.messages.map((m) => m.id)).toEqual([ids[3], ids[1], ids[0]]);
    expect((await listMessages(db, guest.id, chat.id, { limit: 1 })).changeCursor).toBe('4');

    await expect(listMessageChanges(db, (await createUser(db)).id, chat.id, 0n)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('keeps listing a changed message after it is archived, marked archived', async () => {
    const { guest, owner, chat } = await createChat(db);
    const sent = await sendMessage(db, guest.id, { chatId: chat.id, content: 'soon archived' });
    await editMessage(db, guest.id, { chatId: chat.id, messageId: sent.message.id, content: 'edited, then archived' });
    await archive(sent.message.id);
    const changes = await listMessageChanges(db, owner.id, chat.id, 0n);
    expect(changes.messages).toEqual([
      expect.objectContaining({ id: sent.message.id, content: 'edited, then archived', archived: true }),
    ]);
    expect(changes.changeCursor).toBe('1');
  });

  it(`pages more than ${MAX_CHANGES_PER_PAGE} changes: hasMore with the cursor of the last one listed`, async () => {
    const { guest, owner, chat } = await createChat(db);
    const count = MAX_CHANGES_PER_PAGE + 3;
    await db.$executeRaw`
      INSERT INTO messages (id, chat_id, sender_id, recipient_id, content, created_at)
      SELECT 'many' || lpad(i::text, 5, '0'), ${chat.id}, ${guest.id}, ${owner.id}, 'm' || i, now()
      FROM generate_series(1, ${count}::int) AS i`;
    for (let i = 1; i <= count; i++) {
      await editMessage(db, guest.id, {
        chatId: chat.id,
        messageId: `many${String(i).padStart(5, '0')}`,
        content: `e${i}`,
      });
    }
    const first = await listMessageChanges(db, owner.id, chat.id, 0n);
    expect(first.hasMore).toBe(true);
    expect(first.messages).toHaveLength(MAX_CHANGES_PER_PAGE);
    expect(first.changeCursor).toBe(String(MAX_CHANGES_PER_PAGE));
    expect(first.messages.at(-1)!.content).toBe(`e${MAX_CHANGES_PER_PAGE}`);
    const rest = await listMessageChanges(db, owner.id, chat.id, BigInt(first.changeCursor));
    expect(rest).toMatchObject({ hasMore: false, changeCursor: String(count) });
    expect(rest.messages.map((m) => m.content)).toEqual(
      Array.from({ length: 3 }, (_, i) => `e${MAX_CHANGES_PER_PAGE + 1 + i}`),
    );
  });

  it('gives concurrent changes of one chat distinct, gap-free cursor values', async () => {
    const { guest, chat } = await createChat(db);
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      ids.push((await sendMessage(db, guest.id, { chatId: chat.id, content: `m${i}` })).message.id);
    }
    await Promise.all(
      ids.map((messageId, i) =>
        i % 2
          ? editMessage(db, guest.id, { chatId: chat.id, messageId, content: `edited ${i}` })
          : unsendMessage(db, storage, guest.id, { chatId: chat.id, messageId }),
      ),
    );
    const rows = await db.message.findMany({ where: { chatId: chat.id }, select: { changeSeq: true } });
    expect(rows.map((r) => Number(r.changeSeq)).sort((x, y) => x - y)).toEqual(
      Array.from({ length: 10 }, (_, i) => i + 1),
    );
    expect((await db.chat.findUniqueOrThrow({ where: { id: chat.id } })).changeSeq).toBe(10n);
    expect((await listMessageChanges(db, guest.id, chat.id, 0n)).messages).toHaveLength(10);
  });
});

describe('the message_changed event', () => {
  it('is published with each change that commits, once, with the counts after it, and for nothing else', async () => {
    const { guest, owner, chat } = await createChat(db);
    const edited = await sendMessage(db, guest.id, { chatId: chat.id, content: 'edit me' });
    const unsent = await sendMessage(db, guest.id, { chatId: chat.id, content: 'unsend me' });
    const quiet = await sendMessage(db, guest.id, { chatId: chat.id, content: 'quietly' });
    const late = await sendMessage(db, guest.id, { chatId: chat.id, content: 'too late' });
    const doomed = await sendMessage(db, guest.id, { chatId: chat.id, content: 'rolled back' });
    await age(late.message.id, '25 hours');
    const origin = { node: 'node-1', socket: 'socket-1' };
    const stranger = await createUser(db);
    const target = (m: { message: { id: string } }) => ({ chatId: chat.id, messageId: m.message.id });

    const listener = await listenToChatEvents();
    await editMessage(db, guest.id, { ...target(edited), content: 'edited' });
    await unsendMessage(db, storage, guest.id, target(unsent), { origin });
    // Nothing to change, refused, or announced by no one: no event.
    await editMessage(db, guest.id, { ...target(edited), content: 'edited' });
    await unsendMessage(db, storage, guest.id, target(unsent));
    await expect(editMessage(db, owner.id, { ...target(edited), content: 'no' })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(editMessage(db, stranger.id, { ...target(edited), content: 'no' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(unsendMessage(db, storage, guest.id, target(late))).rejects.toMatchObject({ code: 'WINDOW_CLOSED' });
    await expect(editMessage(db, guest.id, { ...target(unsent), content: 'no' })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    const silent = await editMessage(db, guest.id, { ...target(quiet), content: 'quiet edit' }, { announce: false });
    expect(silent.changed).toBe(true);
    // A change whose transaction rolls back after its work: no event, no change.
    await expect(unsendMessage(rollingBack(), storage, guest.id, target(doomed), { origin })).rejects.toThrow(
      'rolled back after the change',
    );
    const events = (await listener.stop()).filter((e) => 'chatId' in e && e.chatId === chat.id);

    expect(events).toEqual([
      {
        type: 'message_changed',
        chatId: chat.id,
        messageId: edited.message.id,
        recipientId: owner.id,
        unreadCount: 5,
        chatUnreadCount: 5,
        origin: null,
      },
      {
        type: 'message_changed',
        chatId: chat.id,
        messageId: unsent.message.id,
        recipientId: owner.id,
        unreadCount: 4,
        chatUnreadCount: 4,
        origin,
      },
    ]);
    expect(await state(doomed.message.id, chat.id)).toMatchObject({ content: 'rolled back', unsent_at: null });
    expect(await state(quiet.message.id, chat.id)).toMatchObject({ content: 'quiet edit', chat_change_seq: 3n });
  });
});
