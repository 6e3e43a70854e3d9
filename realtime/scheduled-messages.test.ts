// Scheduled messages over real sockets: a message scheduled a few seconds ahead reaches the
// recipient's open client live within 5 s of its time, as an ordinary message with its
// notification and unread counts, and the sender's other tab sees it as their own and hears that
// their scheduled list changed; one that fell due while no node ran is sent as soon as a node
// starts, marked late. Then two nodes on a real redis-server racing for many due rows: each
// message is stored once and reaches each socket once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scheduleMessage, listScheduledMessages } from '../lib/chat/scheduled-messages';
import { sendMessage } from '../lib/chat/send-messages';
import { scheduleMessageSchema } from '../lib/chat/schemas';
import { db } from '../lib/db';
import { parseInput } from '../lib/validation';
import { bearerToken, createChat } from '../test/fixtures';
import { startTwoNodes } from '../test/two-nodes';
import { connect, eventually, Recorder, startServer, type Client } from './test-support';
import type { RealtimeServer } from './server';

const schedule = (userId: string, chatId: string, content: string, sendAt: Date) =>
  scheduleMessage(db, userId, chatId, parseInput(scheduleMessageSchema, { content, sendAt: sendAt.toISOString() }));

describe('one node', () => {
  let server: RealtimeServer;
  const clients: Client[] = [];
  const open = async (userId: string) => {
    const client = await connect(server.url, (await bearerToken(db, userId)).token);
    clients.push(client);
    return client;
  };
  let overdue: Awaited<ReturnType<typeof schedule>> & { guestId: string; ownerId: string };

  beforeAll(async () => {
    // Due ten minutes ago, while no node ran.
    const { guest, owner, chat } = await createChat(db);
    const row = await schedule(guest.id, chat.id, 'written before the outage', new Date(Date.now() + 60_000));
    await db.scheduledMessage.update({ where: { id: row.id }, data: { sendAt: new Date(Date.now() - 10 * 60_000) } });
    overdue = { ...row, guestId: guest.id, ownerId: owner.id };
    server = await startServer();
  });
  afterAll(async () => {
    clients.forEach((c) => c.close());
    await server?.close();
  });

  it('sends what fell due while nothing ran as soon as a node starts, marked late for its sender', async () => {
    await eventually(
      async () => (await db.scheduledMessage.findUnique({ where: { id: overdue.id } }))?.status === 'sent',
      'the overdue message to be sent',
    );
    const [listed] = await listScheduledMessages(db, overdue.guestId, overdue.chatId!);
    expect(listed).toMatchObject({ id: overdue.id, status: 'sent' });
    expect(listed!.lateMinutes).toBeGreaterThanOrEqual(10);
    expect(await db.message.count({ where: { chatId: overdue.chatId!, content: 'written before the outage' } })).toBe(
      1,
    );
  });

  it('delivers a scheduled message live at its time, as an ordinary message, to both members', async () => {
    const { guest, owner, chat } = await createChat(db);
    const owner$ = new Recorder(await open(owner.id));
    const guestTab = await open(guest.id);
    const guest$ = new Recorder(guestTab);
    const sendAt = new Date(Date.now() + 3_000);
    const row = await schedule(guest.id, chat.id, 'scheduled hello', sendAt);
    await guest$.waitFor('scheduled_messages_changed', (p) => p.chatId === chat.id);

    const notification = await owner$.waitFor('message_notification', (n) => n.message.content === 'scheduled hello');
    const arrived = Date.now();
    expect(arrived - sendAt.getTime()).toBeLessThan(5_000);
    expect(arrived).toBeGreaterThanOrEqual(sendAt.getTime());
    expect(notification).toMatchObject({ chatId: chat.id, unreadCount: 1, chatUnreadCount: 1 });
    expect(notification.message).toMatchObject({ senderId: guest.id, clientMessageId: `scheduled-${row.id}` });
    // The sender's tab shows it as their own message, and learns that their scheduled list changed.
    await guest$.waitFor('new_message', (m) => m.id === notification.message.id);
    await eventually(() => guest$.of('scheduled_messages_changed').length === 2, 'the sent mark to be told');
    // The recipient never hears about the sender's scheduled messages.
    expect(owner$.of('scheduled_messages_changed')).toHaveLength(0);
    expect(await db.scheduledMessage.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({
      status: 'sent',
      sentMessageId: notification.message.id,
    });
  });
});

describe('two nodes behind one Redis', () => {
  let cluster: Awaited<ReturnType<typeof startTwoNodes>>;
  beforeAll(async () => {
    cluster = await startTwoNodes({ scheduledSweepIntervalMs: 100 });
  });
  afterAll(() => cluster?.close());

  it('send each of many due messages exactly once, whichever node sends it', async () => {
    const { nodeA, nodeB } = cluster;
    const { guest, owner, chat } = await createChat(db);
    const sockets = [
      await cluster.open(nodeA, owner.id),
      await cluster.open(nodeB, owner.id),
      await cluster.open(nodeB, guest.id),
    ];
    for (const socket of sockets) await socket.emitWithAck('join_chat', { chatId: chat.id });
    const [ownerOnA, ownerOnB, guestOnB] = sockets.map((socket) => new Recorder(socket)) as [
      Recorder,
      Recorder,
      Recorder,
    ];
    const N = 120; // more than one sweep takes, so the nodes share the work; from both members
    const rows = [];
    for (let i = 0; i < N; i++) {
      const sender = i % 2 ? owner : guest;
      rows.push(await schedule(sender.id, chat.id, `due ${i}`, new Date(Date.now() + 3_600_000)));
    }
    // All due at once: both nodes' sweeps race for them.
    await db.scheduledMessage.updateMany({ where: { chatId: chat.id }, data: { sendAt: new Date() } });

    await eventually(
      async () => (await db.scheduledMessage.count({ where: { chatId: chat.id, status: 'sent' } })) === N,
      'every scheduled message to be sent',
    );
    const ids = (await db.message.findMany({ where: { chatId: chat.id }, select: { id: true } })).map((m) => m.id);
    for (const r of [ownerOnA, ownerOnB, guestOnB])
      await eventually(() => ids.every((id) => r.countMessage(id) >= 1), 'every message to reach every socket');

    // A barrier through the same LISTEN stream: anything sent twice would have arrived before it.
    const barrier = await sendMessage(db, owner.id, { chatId: chat.id, content: 'barrier' });
    for (const r of [ownerOnA, ownerOnB, guestOnB]) await r.waitFor('new_message', (m) => m.id === barrier.message.id);

    const stored = await db.message.groupBy({
      by: ['clientMessageId'],
      where: { chatId: chat.id, content: { not: 'barrier' } },
      _count: true,
    });
    expect(stored).toHaveLength(N);
    expect(stored.every((s) => s._count === 1)).toBe(true);
    expect(new Set(stored.map((s) => s.clientMessageId))).toEqual(new Set(rows.map((r) => `scheduled-${r.id}`)));
    for (const r of [ownerOnA, ownerOnB, guestOnB]) {
      expect(r.of('new_message')).toHaveLength(N + 1);
      expect(ids.every((id) => r.countMessage(id) === 1)).toBe(true);
    }
    // The owner's notifications: one per message the guest scheduled (the barrier was the owner's).
    expect(ownerOnA.of('message_notification')).toHaveLength(N / 2);
    const sentBy = async (node: RealtimeServer) =>
      (await node.metrics.scheduledSent.get()).values.reduce((n, v) => n + v.value, 0);
    expect((await sentBy(nodeA)) + (await sentBy(nodeB))).toBe(N);
  });
});
