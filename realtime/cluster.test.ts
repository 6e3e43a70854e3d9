// Two realtime nodes on a real redis-server (started here on a free port, no persistence): the
// Redis streams adapter makes them one. Sender on node A, recipient on node B: messages, read
// receipts, presence (including "last seen" written by one node and read by the other) and
// REST-sent messages each reach every socket exactly once; the per-user rate limit is one budget
// across both nodes.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendMessage } from '../lib/chat';
import { createDb, db } from '../lib/db';
import { poolOf } from '../lib/db/client';
import { seeEachOther, startTwoNodes } from '../test/two-nodes';
import { createChat } from '../test/fixtures';
import type { RealtimeServer } from './server';
import { eventually, Recorder, startServer, type Client } from './test-support';

const SEND_LIMIT = 50;

let cluster: Awaited<ReturnType<typeof startTwoNodes>>;
let nodeA: RealtimeServer;
let nodeB: RealtimeServer;
let redisUrl: string;
const open = (node: RealtimeServer, userId: string) => cluster.open(node, userId);
const sockets = (node: RealtimeServer, userId: string) =>
  node.io.of('/').adapter.rooms.get(`user:${userId}`)?.size ?? 0;

beforeAll(async () => {
  cluster = await startTwoNodes({ rateLimits: { sendPoints: SEND_LIMIT, sendDurationSeconds: 600 } });
  ({ nodeA, nodeB, redisUrl } = cluster);
});

afterAll(() => cluster?.close());

describe('two nodes behind one Redis', () => {
  it('deliver messages, receipts and REST sends across nodes, each once per socket', async () => {
    const { guest, owner, chat } = await createChat(db);
    const ownerOnB = await open(nodeB, owner.id);
    const owner$ = new Recorder(ownerOnB);
    await ownerOnB.emitWithAck('join_chat', { chatId: chat.id });
    const guestOnA = await open(nodeA, guest.id);
    const guestOnB = await open(nodeB, guest.id); // the guest's second tab, on the other node
    const [guestA$, guestB$] = [new Recorder(guestOnA), new Recorder(guestOnB)];
    await guestOnA.emitWithAck('join_chat', { chatId: chat.id });

    // Presence crossed from A to B.
    await owner$.waitFor('presence', (p) => p.userId === guest.id && p.online);

    const ack = await guestOnA.emitWithAck('send_message', {
      chatId: chat.id,
      content: 'from A',
      clientMessageId: 'cluster-1',
    });
    if (!ack.ok) throw new Error(ack.error.message);
    const messageId = ack.data.message.id;
    await owner$.waitFor('new_message', (m) => m.id === messageId);
    expect(await owner$.waitFor('message_notification', (n) => n.message.id === messageId)).toMatchObject({
      unreadCount: 1,
      chatUnreadCount: 1,
    });
    await guestB$.waitFor('new_message', (m) => m.id === messageId);

    // A retry reaching the other node is still one message.
    const retry = await guestOnB.emitWithAck('send_message', {
      chatId: chat.id,
      content: 'from A',
      clientMessageId: 'cluster-1',
    });
    expect(retry).toMatchObject({ ok: true, data: { duplicate: true, message: { id: messageId } } });

    // Receipt from B reaches the sender on A.
    const receipt = await ownerOnB.emitWithAck('mark_read', { chatId: chat.id, messageIds: [messageId] });
    expect(receipt.ok).toBe(true);
    expect(await guestA$.waitFor('messages_read')).toMatchObject({
      chatId: chat.id,
      readerId: owner.id,
      messageIds: [messageId],
    });

    // A REST send: both nodes hear the NOTIFY, each emits to its own sockets only.
    const rest = await sendMessage(db, guest.id, { chatId: chat.id, content: 'over REST' });
    await owner$.waitFor('new_message', (m) => m.id === rest.message.id);
    await guestA$.waitFor('new_message', (m) => m.id === rest.message.id);
    await guestB$.waitFor('new_message', (m) => m.id === rest.message.id);

    // Barrier through the same stream, then count.
    const barrier = await guestOnA.emitWithAck('send_message', { chatId: chat.id, content: 'barrier' });
    if (!barrier.ok) throw new Error(barrier.error.message);
    await owner$.waitFor('new_message', (m) => m.id === barrier.data.message.id);
    await guestB$.waitFor('new_message', (m) => m.id === barrier.data.message.id);
    const restBarrier = await sendMessage(db, guest.id, { chatId: chat.id, content: 'rest barrier' });
    for (const r of [owner$, guestA$, guestB$]) await r.waitFor('new_message', (m) => m.id === restBarrier.message.id);

    expect(owner$.countMessage(messageId)).toBe(1);
    expect(guestB$.countMessage(messageId)).toBe(1);
    expect(guestA$.countMessage(messageId)).toBe(0); // the sending socket has its ack
    for (const r of [owner$, guestA$, guestB$]) expect(r.countMessage(rest.message.id)).toBe(1);
    expect(owner$.of('message_notification').filter((n) => n.message.id === messageId)).toHaveLength(1);
    expect(owner$.of('message_notification').filter((n) => n.message.id === rest.message.id)).toHaveLength(1);
    expect(guestA$.of('messages_read')).toHaveLength(1);
    expect(await db.message.count({ where: { chatId: chat.id } })).toBe(4);
  });

  it('keep presence right across nodes: online until the last tab on any node closes', async () => {
    const { guest, owner, chat } = await createChat(db);
    const ownerOnB = await open(nodeB, owner.id);
    const owner$ = new Recorder(ownerOnB);
    const guestOnA = await open(nodeA, guest.id);
    const guestOnB = await open(nodeB, guest.id);
    await owner$.waitFor('presence', (p) => p.userId === guest.id && p.online);

    // The tab on B (the owner's node) closes; the one on A keeps the guest online, seen from B.
    guestOnB.close();
    await eventually(() => sockets(nodeB, guest.id) === 0, 'node B to drop the tab');
    const snapshot = await ownerOnB.emitWithAck('join_chat', { chatId: chat.id });
    expect(snapshot).toMatchObject({ ok: true, data: { presence: { userId: guest.id, online: true } } });

    // The last tab, on A, closes: offline, with a last-seen time node A wrote and node B reads.
    guestOnA.close();
    const offline = await owner$.waitFor('presence', (p) => p.userId === guest.id && !p.online);
    expect(Number.isNaN(Date.parse(offline.lastSeen))).toBe(false);
    const after = await ownerOnB.emitWithAck('join_chat', { chatId: chat.id });
    expect(after).toMatchObject({
      ok: true,
      data: { presence: { userId: guest.id, online: false, lastSeen: offline.lastSeen } },
    });
    expect(owner$.of('presence').filter((p) => p.userId === guest.id && !p.online)).toHaveLength(1);
  });

  it('share one rate-limit budget per user across nodes (Redis-backed)', async () => {
    const { guest, chat } = await createChat(db);
    const [onA, onB] = [await open(nodeA, guest.id), await open(nodeB, guest.id)];
    const send = (c: Client, i: number) =>
      c.emitWithAck('send_message', { chatId: chat.id, content: `n${i}`, clientMessageId: `budget-${i}` });
    const acks = await Promise.all(Array.from({ length: SEND_LIMIT + 10 }, (_, i) => send(i % 2 ? onA : onB, i)));
    expect(acks.filter((a) => a.ok)).toHaveLength(SEND_LIMIT);
    expect(acks.filter((a) => !a.ok && a.error.code === 'RATE_LIMITED')).toHaveLength(10);
    expect(await db.message.count({ where: { chatId: chat.id } })).toBe(SEND_LIMIT);
  });
});

describe('delivery that survives the node that stored the change', () => {
  it('a message committed by a node that dies before answering reaches the recipient on another node, live and once', async () => {
    // Node C stores sends like any node, but "dies" right after its first send's commit: the
    // statement has returned (the message and its event are committed), then nothing more
    // happens on that node: no ack, no emit, its sockets drop.
    let armed = false;
    let died!: () => void;
    const dying = new Promise<void>((resolve) => (died = resolve));
    let release = () => {};
    // Node C has a client of its own whose pool is hooked: the send group's statement goes to
    // the pool whether through Prisma (in a transaction) or straight through pg (autocommit).
    const dyingDb = createDb(process.env.DATABASE_URL!, 4);
    const pool = poolOf(dyingDb);
    const query = pool.query.bind(pool) as (config: pg.QueryConfig) => Promise<pg.QueryResult>;
    pool.query = (async (config: pg.QueryConfig) => {
      const result = await query(config);
      if (armed && config.name?.startsWith('store_group')) {
        armed = false;
        died();
        return new Promise((_, reject) => (release = () => reject(new Error('the node died'))));
      }
      return result;
    }) as typeof pool.query;
    const nodeC = await startServer({ db: dyingDb, redisUrl });
    try {
      await seeEachOther([nodeA, nodeB, nodeC]);
      const { guest, owner, chat } = await createChat(db);
      const ownerOnB = await open(nodeB, owner.id);
      const owner$ = new Recorder(ownerOnB);
      await ownerOnB.emitWithAck('join_chat', { chatId: chat.id });
      const guestOnC = await open(nodeC, guest.id);
      const payload = { chatId: chat.id, content: 'stored, then the node died', clientMessageId: 'dies-1' };

      armed = true;
      guestOnC.emit('send_message', payload, () => {
        throw new Error('a dead node cannot answer');
      });
      await dying;
      nodeC.io.local.disconnectSockets(true);

      // Live: before the guest retries anything.
      const delivered = await owner$.waitFor('new_message', (m) => m.clientMessageId === 'dies-1');
      // The guest's client retries on a node that is alive: answered from the stored row.
      const guestOnB = await open(nodeB, guest.id);
      const retry = await guestOnB.emitWithAck('send_message', payload);
      expect(retry).toMatchObject({ ok: true, data: { duplicate: true, message: { id: delivered.id } } });
      const barrier = await guestOnB.emitWithAck('send_message', { chatId: chat.id, content: 'barrier' });
      if (!barrier.ok) throw new Error(barrier.error.message);
      await owner$.waitFor('new_message', (m) => m.id === barrier.data.message.id);
      expect(owner$.countMessage(delivered.id)).toBe(1);
      expect(owner$.of('message_notification').filter((n) => n.message.id === delivered.id)).toHaveLength(1);
      expect(await db.message.count({ where: { chatId: chat.id } })).toBe(2);
    } finally {
      release();
      await nodeC.close();
      await dyingDb.$disconnect();
    }
  });

  it("a read in one tab reaches the reader's other tab on another node, with the new counts", async () => {
    const { guest, owner, chat } = await createChat(db);
    const guestOnA = await open(nodeA, guest.id);
    const sent = await guestOnA.emitWithAck('send_message', { chatId: chat.id, content: 'read me' });
    if (!sent.ok) throw new Error(sent.error.message);
    const ownerTabOnA = await open(nodeA, owner.id);
    const ownerTabOnB = await open(nodeB, owner.id);
    const [tabA$, tabB$, guest$] = [new Recorder(ownerTabOnA), new Recorder(ownerTabOnB), new Recorder(guestOnA)];

    const receipt = await ownerTabOnA.emitWithAck('mark_read', { chatId: chat.id, messageIds: [sent.data.message.id] });
    expect(receipt).toMatchObject({ ok: true, data: { unreadCount: 0, chatUnreadCount: 0 } });
    expect(await tabB$.waitFor('messages_read')).toMatchObject({
      chatId: chat.id,
      readerId: owner.id,
      messageIds: [sent.data.message.id],
      unreadCount: 0,
      chatUnreadCount: 0,
    });
    // The sender learns it too, without the reader's counts.
    const told = await guest$.waitFor('messages_read');
    expect(told).toMatchObject({ readerId: owner.id, messageIds: [sent.data.message.id] });
    expect(told).not.toHaveProperty('unreadCount');
    // The tab that read has its ack and is not told again.
    const barrier = await guestOnA.emitWithAck('send_message', { chatId: chat.id, content: 'barrier' });
    if (!barrier.ok) throw new Error(barrier.error.message);
    await tabA$.waitFor('message_notification', (n) => n.message.id === barrier.data.message.id);
    expect(tabA$.of('messages_read')).toHaveLength(0);
  });
});
