// Delivery receipts over real sockets: the recipient's client acknowledges a pushed message with
// `mark_delivered`; the node writes its batch and the sender's tabs get `messages_delivered`,
// once each, across two nodes on a real redis-server (the write's NOTIFY) and on a lone node (from
// memory); a burst of acks is one write and one receipt; a claim for someone else's message is
// acked (it is only queued) but moves nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendMessage } from '../lib/chat';
import { db } from '../lib/db';
import { listenToChatEvents } from '../test/chat-events';
import { createChat } from '../test/fixtures';
import { startTwoNodes } from '../test/two-nodes';
import { bearerToken } from '../test/fixtures';
import type { RealtimeServer } from './server';
import { connect, Recorder, startServer, type Client } from './test-support';

const INTERVAL_MS = 150;
const markerOf = async (chatId: string, userId: string) =>
  (
    await db.deliveryMarker.findUnique({ where: { chatId_userId: { chatId, userId } } })
  )?.deliveredUntil.toISOString() ?? null;

describe('delivery receipts across two nodes', () => {
  let cluster: Awaited<ReturnType<typeof startTwoNodes>>;
  beforeAll(async () => {
    cluster = await startTwoNodes({ deliveryReceiptIntervalMs: INTERVAL_MS });
  });
  afterAll(() => cluster?.close());

  it('a burst acknowledged on node B reaches the sender on A and B once, as the newest message', async () => {
    const { guest, owner, chat } = await createChat(db);
    const guestOnA = new Recorder(await cluster.open(cluster.nodeA, guest.id));
    const guestOnB = new Recorder(await cluster.open(cluster.nodeB, guest.id));
    const ownerSocket = await cluster.open(cluster.nodeB, owner.id);
    const owner_ = new Recorder(ownerSocket);

    const sent = [];
    for (const content of ['one', 'two', 'three'])
      sent.push(await sendMessage(db, guest.id, { chatId: chat.id, content }));
    for (const s of sent) await owner_.waitFor('message_notification', (n) => n.message.id === s.message.id);
    // The owner's client acknowledges each (as a browser would without its own coalescing), at once.
    const acks = await Promise.all(
      sent.map((s) =>
        ownerSocket.emitWithAck('mark_delivered', { claims: [{ chatId: chat.id, messageId: s.message.id }] }),
      ),
    );
    expect(acks).toEqual(sent.map(() => ({ ok: true, data: { queued: true } })));
    const newest = sent.at(-1)!.message.createdAt;
    const expected = { chatId: chat.id, userId: owner.id, deliveredUntil: newest };
    expect(await guestOnA.waitFor('messages_delivered')).toEqual(expected);
    expect(await guestOnB.waitFor('messages_delivered')).toEqual(expected);
    expect(await markerOf(chat.id, owner.id)).toBe(newest);

    // Barrier: a later receipt reaches both tabs after anything the first batch caused.
    const later = await sendMessage(db, guest.id, { chatId: chat.id, content: 'later' });
    await owner_.waitFor('message_notification', (n) => n.message.id === later.message.id);
    await ownerSocket.emitWithAck('mark_delivered', { claims: [{ chatId: chat.id, messageId: later.message.id }] });
    for (const r of [guestOnA, guestOnB]) {
      await r.waitFor('messages_delivered', (p) => p.deliveredUntil === later.message.createdAt);
      expect(r.of('messages_delivered').map((p) => p.deliveredUntil)).toEqual([newest, later.message.createdAt]);
    }
    // The owner is not told of their own receipts.
    expect(owner_.of('messages_delivered')).toEqual([]);
  });

  it('one event acknowledges several chats: each sender is told of their own chat', async () => {
    const first = await createChat(db);
    const second = await createChat(db);
    // Both chats' owner is made the same user: one client acknowledges both.
    await db.chat.update({ where: { id: second.chat.id }, data: { ownerId: first.owner.id } });
    const a = await sendMessage(db, first.guest.id, { chatId: first.chat.id, content: 'a' });
    const b = await sendMessage(db, second.guest.id, { chatId: second.chat.id, content: 'b' });
    const guestA = new Recorder(await cluster.open(cluster.nodeA, first.guest.id));
    const guestB = new Recorder(await cluster.open(cluster.nodeB, second.guest.id));
    const owner = await cluster.open(cluster.nodeB, first.owner.id);
    await owner.emitWithAck('mark_delivered', {
      claims: [
        { chatId: first.chat.id, messageId: a.message.id },
        { chatId: second.chat.id, messageId: b.message.id },
      ],
    });
    expect(await guestA.waitFor('messages_delivered')).toMatchObject({ chatId: first.chat.id });
    expect(await guestB.waitFor('messages_delivered')).toMatchObject({ chatId: second.chat.id });
  });

  it('a claim for a message not sent to the claimant is queued but moves nothing', async () => {
    const { guest, owner, chat } = await createChat(db);
    const ownSocket = await cluster.open(cluster.nodeA, guest.id);
    const own = await sendMessage(db, guest.id, { chatId: chat.id, content: 'mine' });
    expect(
      await ownSocket.emitWithAck('mark_delivered', { claims: [{ chatId: chat.id, messageId: own.message.id }] }),
    ).toEqual({
      ok: true,
      data: { queued: true },
    });
    const bad = await ownSocket.emitWithAck('mark_delivered', {
      claims: [{ chatId: chat.id, messageId: 'not an id!' }],
    });
    expect(bad).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    // A genuine receipt by the owner afterwards is the only marker written.
    const ownerSocket = await cluster.open(cluster.nodeA, owner.id);
    await ownerSocket.emitWithAck('mark_delivered', { claims: [{ chatId: chat.id, messageId: own.message.id }] });
    await expect.poll(() => markerOf(chat.id, owner.id)).toBe(own.message.createdAt);
    expect(await markerOf(chat.id, guest.id)).toBeNull();
  });
});

describe('delivery receipts on a lone node', () => {
  let server: RealtimeServer;
  const clients: Client[] = [];
  beforeAll(async () => {
    server = await startServer({ deliveryReceiptIntervalMs: INTERVAL_MS });
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await server?.close();
  });

  it('tells the sender from memory (nothing is published), and writes what is left when it closes', async () => {
    const { guest, owner, chat } = await createChat(db);
    const open = async (userId: string) => {
      const c = await connect(server.url, (await bearerToken(db, userId)).token);
      clients.push(c);
      return c;
    };
    const guestTab = new Recorder(await open(guest.id));
    const ownerSocket = await open(owner.id);
    const sent = await sendMessage(db, guest.id, { chatId: chat.id, content: 'hello' });
    const published = await listenToChatEvents();
    await ownerSocket.emitWithAck('mark_delivered', { claims: [{ chatId: chat.id, messageId: sent.message.id }] });
    expect(await guestTab.waitFor('messages_delivered')).toEqual({
      chatId: chat.id,
      userId: owner.id,
      deliveredUntil: sent.message.createdAt,
    });
    expect((await published.stop()).filter((e) => e.type === 'messages_delivered')).toEqual([]);

    // A receipt still waiting for its batch when the node shuts down is written, not lost.
    const lonely = await startServer({ deliveryReceiptIntervalMs: 60_000 });
    const late = await connect(lonely.url, (await bearerToken(db, owner.id)).token);
    const last = await sendMessage(db, guest.id, { chatId: chat.id, content: 'last' });
    await late.emitWithAck('mark_delivered', { claims: [{ chatId: chat.id, messageId: last.message.id }] });
    expect(await markerOf(chat.id, owner.id)).toBe(sent.message.createdAt);
    late.close();
    await lonely.close();
    expect(await markerOf(chat.id, owner.id)).toBe(last.message.createdAt);
  });
});
