// Edit and unsend across two realtime nodes on a real redis-server (started here on a free port,
// no persistence), as in cluster.test.ts: the sender edits and unsends on node A; the recipient
// and the sender's other tab get `message_updated` once each, on whichever node they are (from
// memory on A, from the commit's NOTIFY on B), the recipient with corrected unread counts; the
// socket that made the change gets its ack only; refused changes are pushed nowhere. Reactions,
// quoted replies and attachments named by URL (sends whose quote or files every node loads the
// same) ride the same paths.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { editMessage, sendMessage, unsendMessage } from '../lib/chat';
import { storage } from '../lib/attachments/storage';
import { db } from '../lib/db';
import { startTwoNodes } from '../test/two-nodes';
import { createChat, createUser } from '../test/fixtures';
import type { RealtimeServer } from './server';
import { Recorder } from './test-support';

let cluster: Awaited<ReturnType<typeof startTwoNodes>>;
let nodeA: RealtimeServer;
let nodeB: RealtimeServer;
const open = (node: RealtimeServer, userId: string) => cluster.open(node, userId);

beforeAll(async () => {
  cluster = await startTwoNodes({ rateLimits: { sendPoints: 500, sendDurationSeconds: 600 } });
  ({ nodeA, nodeB } = cluster);
});

afterAll(() => cluster?.close());

/** The guest on A (who changes), the guest's other tab on B, the owner on B and on A. */
async function scene() {
  const { guest, owner, chat, property } = await createChat(db);
  // The owner waits on a message in another chat too: the total counts it, the chat's count not.
  const otherGuest = await createUser(db);
  const otherChat = await db.chat.create({
    data: { guestId: otherGuest.id, ownerId: owner.id, propertyId: property.id },
  });
  await sendMessage(db, otherGuest.id, { chatId: otherChat.id, content: 'elsewhere' });

  const guestOnA = await open(nodeA, guest.id);
  const guestOnB = await open(nodeB, guest.id);
  const ownerOnB = await open(nodeB, owner.id);
  const ownerOnA = await open(nodeA, owner.id);
  await ownerOnB.emitWithAck('join_chat', { chatId: chat.id });
  await guestOnA.emitWithAck('join_chat', { chatId: chat.id });
  const recorders = {
    guestA: new Recorder(guestOnA),
    guestB: new Recorder(guestOnB),
    ownerB: new Recorder(ownerOnB),
    ownerA: new Recorder(ownerOnA),
  };
  const send = async (content: string) => {
    const ack = await guestOnA.emitWithAck('send_message', { chatId: chat.id, content });
    if (!ack.ok) throw new Error(ack.error.message);
    await recorders.ownerB.waitFor('message_notification', (n) => n.message.id === ack.data.message.id);
    await recorders.guestB.waitFor('new_message', (m) => m.id === ack.data.message.id);
    return ack.data.message;
  };
  /**
   * Every event published so far has reached every socket: a REST send (each node delivers it
   * from its NOTIFY, after every earlier event) seen by all four.
   */
  const barrier = async () => {
    const sent = await sendMessage(db, guest.id, { chatId: chat.id, content: 'barrier' });
    await recorders.ownerB.waitFor('message_notification', (n) => n.message.id === sent.message.id);
    await recorders.ownerA.waitFor('message_notification', (n) => n.message.id === sent.message.id);
    await recorders.guestA.waitFor('new_message', (m) => m.id === sent.message.id);
    await recorders.guestB.waitFor('new_message', (m) => m.id === sent.message.id);
  };
  return { guest, owner, chat, guestOnA, guestOnB, ownerOnB, ownerOnA, send, barrier, ...recorders };
}

const updatesOf = (recorder: Recorder, messageId: string) =>
  recorder.of('message_updated').filter((p) => p.message.id === messageId);

describe('edit and unsend across two nodes', () => {
  it('reach the recipient and the sender’s other tab once each, with the new state and corrected counts', async () => {
    const s = await scene();
    await s.send('first, stays unread');
    const message = await s.send('see you at 5');

    const edit = await s.guestOnA.emitWithAck('edit_message', {
      chatId: s.chat.id,
      messageId: message.id,
      content: 'see you at 6',
    });
    if (!edit.ok) throw new Error(edit.error.message);
    expect(edit.data).toMatchObject({ changed: true, message: { id: message.id, content: 'see you at 6' } });
    expect(edit.data.message.editedAt).not.toBeNull();
    expect(edit.data).not.toHaveProperty('unreadCount');

    // An edit never changes the counts, so it carries none (only an unsend does).
    const edited = { chatId: s.chat.id, message: edit.data.message };
    expect(await s.ownerB.waitFor('message_updated', (p) => p.message.content === 'see you at 6')).toEqual(edited);
    expect(await s.ownerA.waitFor('message_updated', (p) => p.message.content === 'see you at 6')).toEqual(edited);
    expect(await s.guestB.waitFor('message_updated', (p) => p.message.content === 'see you at 6')).toEqual(edited);

    const unsend = await s.guestOnA.emitWithAck('unsend_message', { chatId: s.chat.id, messageId: message.id });
    if (!unsend.ok) throw new Error(unsend.error.message);
    expect(unsend.data).toMatchObject({ changed: true, message: { id: message.id, content: '', files: [] } });
    expect(unsend.data.message.unsentAt).not.toBeNull();

    const gone = { chatId: s.chat.id, message: unsend.data.message };
    const countsAfterUnsend = { unreadCount: 2, chatUnreadCount: 1 };
    expect(await s.ownerB.waitFor('message_updated', (p) => p.message.unsentAt !== null)).toEqual({
      ...gone,
      ...countsAfterUnsend,
    });
    expect(await s.ownerA.waitFor('message_updated', (p) => p.message.unsentAt !== null)).toEqual({
      ...gone,
      ...countsAfterUnsend,
    });
    expect(await s.guestB.waitFor('message_updated', (p) => p.message.unsentAt !== null)).toEqual(gone);

    // Repeats from the other tab, on the other node: answered, changing nothing, told to no one.
    const repeatUnsend = await s.guestOnB.emitWithAck('unsend_message', { chatId: s.chat.id, messageId: message.id });
    expect(repeatUnsend).toEqual({ ok: true, data: { message: unsend.data.message, changed: false } });

    await s.barrier();
    for (const r of [s.ownerB, s.ownerA, s.guestB]) {
      expect(updatesOf(r, message.id).map((p) => (p.message.unsentAt ? 'unsent' : p.message.content))).toEqual([
        'see you at 6',
        'unsent',
      ]);
    }
    expect(s.guestA.of('message_updated')).toHaveLength(0); // the socket that changed it has its acks
    const row = await db.message.findUniqueOrThrow({ where: { id: message.id } });
    expect(row).toMatchObject({ content: '', changeSeq: 2n });
    // Its own unread message and the barrier's.
    expect((await db.chat.findUniqueOrThrow({ where: { id: s.chat.id } })).ownerUnreadCount).toBe(2);
  });

  it('deliver a change made outside any socket (REST, a job) to every socket on every node once', async () => {
    const s = await scene();
    const message = await s.send('rest edit');
    const change = await editMessage(db, s.guest.id, {
      chatId: s.chat.id,
      messageId: message.id,
      content: 'REST edit',
    });
    expect(change.changed).toBe(true);
    await s.barrier();
    for (const r of [s.guestA, s.guestB, s.ownerA, s.ownerB]) {
      expect(updatesOf(r, message.id).map((p) => p.message.content)).toEqual(['REST edit']);
    }
    expect(updatesOf(s.ownerB, message.id)[0]).not.toHaveProperty('unreadCount');
    expect(updatesOf(s.guestB, message.id)[0]).not.toHaveProperty('unreadCount');
  });

  it('an unsend over REST after a socket edit: each socket sees both, in order', async () => {
    const s = await scene();
    const message = await s.send('v1');
    const edit = await s.guestOnB.emitWithAck('edit_message', {
      chatId: s.chat.id,
      messageId: message.id,
      content: 'v2',
    });
    expect(edit.ok).toBe(true);
    await s.guestA.waitFor('message_updated', (p) => p.message.content === 'v2');
    const gone = await unsendMessage(db, storage, s.guest.id, { chatId: s.chat.id, messageId: message.id });
    expect(gone.changed).toBe(true);
    await s.barrier();
    const seen = (r: Recorder) => updatesOf(r, message.id).map((p) => p.message.content || 'unsent');
    expect(seen(s.guestA)).toEqual(['v2', 'unsent']);
    expect(seen(s.ownerA)).toEqual(['v2', 'unsent']);
    expect(seen(s.ownerB)).toEqual(['v2', 'unsent']);
    expect(seen(s.guestB)).toEqual(['unsent']); // its edit was acked; the REST unsend reaches it
  });
});

describe('refused changes across two nodes', () => {
  it('answer a stranger NOT_FOUND, the other member FORBIDDEN, bad input VALIDATION, and push nothing', async () => {
    const s = await scene();
    const message = await s.send('only mine to change');
    const stranger = await createUser(db);
    const strangerOnA = await open(nodeA, stranger.id);
    const stranger$ = new Recorder(strangerOnA);
    const target = { chatId: s.chat.id, messageId: message.id };

    expect(await strangerOnA.emitWithAck('edit_message', { ...target, content: 'mine now' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect(await strangerOnA.emitWithAck('unsend_message', target)).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect(await s.ownerOnB.emitWithAck('edit_message', { ...target, content: 'owner’s words' })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(await s.ownerOnA.emitWithAck('unsend_message', target)).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(await s.guestOnA.emitWithAck('edit_message', { ...target, content: '  ' })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION' },
    });

    await s.barrier();
    for (const r of [s.guestA, s.guestB, s.ownerA, s.ownerB, stranger$]) expect(r.of('message_updated')).toEqual([]);
    const row = await db.message.findUniqueOrThrow({ where: { id: message.id } });
    expect(row).toMatchObject({ content: 'only mine to change', editedAt: null, unsentAt: null, changeSeq: null });
  });

  it('answer WINDOW_CLOSED after the edit window and after the unsend window, pushing nothing', async () => {
    const s = await scene();
    const message = await s.send('sent long ago');
    const target = { chatId: s.chat.id, messageId: message.id };

    await db.$executeRaw`UPDATE messages SET created_at = now() - interval '16 minutes' WHERE id = ${message.id}`;
    expect(await s.guestOnA.emitWithAck('edit_message', { ...target, content: 'too late' })).toMatchObject({
      ok: false,
      error: { code: 'WINDOW_CLOSED' },
    });
    await db.$executeRaw`UPDATE messages SET created_at = now() - interval '25 hours' WHERE id = ${message.id}`;
    expect(await s.guestOnB.emitWithAck('unsend_message', target)).toMatchObject({
      ok: false,
      error: { code: 'WINDOW_CLOSED' },
    });

    await s.barrier();
    for (const r of [s.guestA, s.guestB, s.ownerA, s.ownerB]) expect(r.of('message_updated')).toEqual([]);
    const row = await db.message.findUniqueOrThrow({ where: { id: message.id } });
    expect(row).toMatchObject({ content: 'sent long ago', editedAt: null, unsentAt: null, changeSeq: null });
    // Its own unread message and the barrier's.
    expect((await db.chat.findUniqueOrThrow({ where: { id: s.chat.id } })).ownerUnreadCount).toBe(2);
  });
});

describe('reactions across two nodes', () => {
  it('a reaction by the owner on node B reaches the guest on both nodes once, and the owner’s other tab', async () => {
    const s = await scene();
    const message = await s.send('nice place?');
    const react = await s.ownerOnB.emitWithAck('react', {
      chatId: s.chat.id,
      messageId: message.id,
      emoji: '❤️',
      on: true,
    });
    if (!react.ok) throw new Error(react.error.message);
    expect(react.data.message.reactions).toEqual([{ emoji: '❤️', users: [{ id: s.owner.id, name: s.owner.name }] }]);
    // A retry is answered, changes nothing and tells no one.
    const retry = await s.ownerOnA.emitWithAck('react', {
      chatId: s.chat.id,
      messageId: message.id,
      emoji: '❤️',
      on: true,
    });
    expect(retry).toMatchObject({ ok: true, data: { changed: false } });
    await s.barrier();
    for (const r of [s.guestA, s.guestB, s.ownerA]) {
      expect(updatesOf(r, message.id).map((p) => p.message.reactions)).toEqual([react.data.message.reactions]);
      // Not a message: no counts travel with it.
      expect(updatesOf(r, message.id)[0]).not.toHaveProperty('unreadCount');
    }
    expect(updatesOf(s.ownerB, message.id)).toHaveLength(0); // the reacting socket has its ack
    const unknown = await s.guestOnA.emitWithAck('react', {
      chatId: s.chat.id,
      messageId: message.id,
      emoji: '🍕' as '👍',
      on: true,
    });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });
});

describe('quoted replies across two nodes', () => {
  it('a reply sent on node A reaches the owner and the guest’s other tab on node B, and the owner on A, with its quote', async () => {
    const s = await scene();
    const original = await s.send('Is late check-out possible?\nAround 1pm');
    const ack = await s.guestOnA.emitWithAck('send_message', {
      chatId: s.chat.id,
      content: 'Or noon is fine',
      replyToId: original.id,
    });
    if (!ack.ok) throw new Error(ack.error.message);
    const quote = {
      id: original.id,
      state: 'available',
      sender: { id: s.guest.id, name: s.guest.name },
      excerpt: 'Is late check-out possible?',
      fileCount: 0,
    };
    expect(ack.data.message.replyTo).toEqual(quote);
    // On B from the commit's NOTIFY (loaded there), on A from memory: the same quote.
    expect((await s.ownerB.waitFor('new_message', (m) => m.id === ack.data.message.id)).replyTo).toEqual(quote);
    expect((await s.guestB.waitFor('new_message', (m) => m.id === ack.data.message.id)).replyTo).toEqual(quote);
    const notified = await s.ownerA.waitFor('message_notification', (n) => n.message.id === ack.data.message.id);
    expect(notified.message.replyTo).toEqual(quote);
  });

  it('a reply into another chat is refused with VALIDATION over the socket, and nothing is stored', async () => {
    const s = await scene();
    const elsewhere = await createChat(db);
    const foreign = await sendMessage(db, elsewhere.guest.id, { chatId: elsewhere.chat.id, content: 'not yours' });
    const before = await db.message.count({ where: { chatId: s.chat.id } });
    const refused = await s.guestOnA.emitWithAck('send_message', {
      chatId: s.chat.id,
      content: 'sneaky',
      replyToId: foreign.message.id,
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'VALIDATION', details: [{ path: ['replyToId'] }] } });
    expect(await db.message.count({ where: { chatId: s.chat.id } })).toBe(before);
  });
});

describe('attachments named by URL across two nodes', () => {
  it('a seed-style { url, type } send on node A reaches the owner on node B with its file, served from the app', async () => {
    const s = await scene();
    const ack = await s.guestOnA.emitWithAck('send_message', {
      chatId: s.chat.id,
      content: 'The dock',
      attachments: [{ url: 'https://example.com/photos/dock.jpg', type: 'image' }],
    });
    if (!ack.ok) throw new Error(ack.error.message);
    const [file] = ack.data.message.files;
    expect(file).toMatchObject({
      originalName: 'dock.jpg',
      sourceUrl: 'https://example.com/photos/dock.jpg',
      url: `/api/attachments/${file!.id}`,
    });
    // On B the message is loaded from the database: the same file, the same app URL.
    const onB = await s.ownerB.waitFor('new_message', (m) => m.id === ack.data.message.id);
    expect(onB.files).toEqual(ack.data.message.files);
    expect((await s.guestB.waitFor('new_message', (m) => m.id === ack.data.message.id)).files).toEqual(
      ack.data.message.files,
    );
  });
});
