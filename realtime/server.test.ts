// One realtime node, in process, on a free port, over this file's real PostgreSQL, with real
// socket.io-client clients: the two-client flow, 200 concurrent sends, retry after a dropped
// connection, the seed's ack-less client, REST-sent events, typing, presence, recovery,
// graceful close and /metrics.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markMessagesRead, sendMessage } from '../lib/chat';
import { db, Prisma } from '../lib/db';
import { preparedStatementMarker } from '../lib/db/client';
import { bearerToken, createChat, createUpload, createUser } from '../test/fixtures';
import { connect, eventually, Recorder, startServer, type Client } from './test-support';
import type { RealtimeServer } from './server';
import { LISTENER_APPLICATION_NAME } from './chat-events';

let server: RealtimeServer;
const clients: Client[] = [];
const open = async (token: string, options = {}) => {
  const c = await connect(server.url, token, options);
  clients.push(c);
  return c;
};

beforeAll(async () => {
  server = await startServer({ rateLimits: { sendPoints: 10_000 }, typing: { ttlMs: 300, throttleMs: 60_000 } });
  await server.chatEventsReady();
});

afterAll(async () => {
  for (const c of clients) c.close();
  await server?.close();
});

/** The seed's client: `socket.emit('send_message', data)`, no ack callback. */
const seedEmit = (socket: Client, data: unknown) =>
  (socket.emit as (event: string, data: unknown) => void)('send_message', data);

/** Sockets of the user connected to this server now. */
const userSockets = (userId: string) => server.io.of('/').adapter.rooms.get(`user:${userId}`)?.size ?? 0;

async function metricValue(line: RegExp): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const found = text.split('\n').find((l) => line.test(l));
  return found ? Number(found.split(' ').pop()) : 0;
}

describe('two clients in a chat', () => {
  it('acks with the stored id, notifies with unread counts, reaches the other tab, and carries read receipts', async () => {
    const { guest, owner, chat } = await createChat(db);
    // The owner already has an unread message in another chat: the total must count it.
    const other = await createUser(db, 'GUEST');
    const otherChat = await db.chat.create({
      data: { guestId: other.id, ownerId: owner.id, propertyId: chat.propertyId },
    });
    await sendMessage(db, other.id, { chatId: otherChat.id, content: 'earlier, elsewhere' });

    const guestToken = (await bearerToken(db, guest.id)).token;
    const ownerToken = (await bearerToken(db, owner.id)).token;
    const guestTab1 = await open(guestToken);
    const guestTab2 = await open(guestToken);
    const ownerTab1 = await open(ownerToken);
    const ownerTab2 = await open(ownerToken);
    const [g1, g2, o1, o2] = [
      new Recorder(guestTab1),
      new Recorder(guestTab2),
      new Recorder(ownerTab1),
      new Recorder(ownerTab2),
    ];
    expect((await guestTab1.emitWithAck('join_chat', { chatId: chat.id })).ok).toBe(true);
    expect((await ownerTab1.emitWithAck('join_chat', chat.id)).ok).toBe(true); // the seed's bare id

    const ack = await guestTab1.emitWithAck('send_message', {
      chatId: chat.id,
      content: 'Is the pool heated?',
      clientMessageId: 'flow-1',
    });
    if (!ack.ok) throw new Error(ack.error.message);
    const stored = await db.message.findUniqueOrThrow({ where: { id: ack.data.message.id } });
    expect(stored).toMatchObject({
      chatId: chat.id,
      senderId: guest.id,
      recipientId: owner.id,
      content: 'Is the pool heated?',
      clientMessageId: 'flow-1',
    });
    expect(ack.data.duplicate).toBe(false);

    // The ack was the answer: no seed-style message_sent as well. Packets on one connection keep
    // their order, so one that had been emitted after the ack is in by the next ack's time.
    expect((await guestTab1.emitWithAck('join_chat', { chatId: chat.id })).ok).toBe(true);
    expect(g1.of('message_sent')).toEqual([]);
    expect((await o1.waitFor('new_message', (m) => m.id === stored.id)).content).toBe('Is the pool heated?');
    const notification = await o1.waitFor('message_notification', (n) => n.message.id === stored.id);
    expect(notification).toMatchObject({ chatId: chat.id, unreadCount: 2, chatUnreadCount: 1 });
    // The owner's second tab has not opened the chat: the notification, not the message.
    await o2.waitFor('message_notification', (n) => n.message.id === stored.id);
    // The guest's second tab shows the guest's own message.
    await g2.waitFor('new_message', (m) => m.id === stored.id);

    const receipt = await ownerTab1.emitWithAck('mark_read', { chatId: chat.id, messageIds: [stored.id] });
    if (!receipt.ok) throw new Error(receipt.error.message);
    expect(receipt.data).toMatchObject({ messageIds: [stored.id], unreadCount: 1, chatUnreadCount: 0 });
    const read = await g1.waitFor('messages_read');
    expect(read).toEqual({ chatId: chat.id, readerId: owner.id, messageIds: [stored.id], readAt: receipt.data.readAt });
    const ownReceipt = await o2.waitFor('messages_read');
    expect(ownReceipt).toMatchObject({ chatId: chat.id, messageIds: [stored.id], unreadCount: 1, chatUnreadCount: 0 });
    expect((await db.message.findUniqueOrThrow({ where: { id: stored.id } })).readAt?.toISOString()).toBe(
      receipt.data.readAt,
    );

    // Barrier: a later message reaches everyone after anything the first one caused.
    const later = await guestTab1.emitWithAck('send_message', { chatId: chat.id, content: 'barrier' });
    if (!later.ok) throw new Error(later.error.message);
    await o1.waitFor('new_message', (m) => m.id === later.data.message.id);
    await g2.waitFor('new_message', (m) => m.id === later.data.message.id);
    // Each socket got the first message once; the sending socket had its ack instead.
    expect(g1.countMessage(stored.id)).toBe(0);
    expect(g2.countMessage(stored.id)).toBe(1);
    expect(o1.countMessage(stored.id)).toBe(1);
    expect(o2.countMessage(stored.id)).toBe(0);
    // The reader's own socket has the ack, not an event; the guest did not get the owner's counts.
    expect(o1.of('messages_read')).toHaveLength(0);
    expect(g1.of('messages_read')).toHaveLength(1);
    expect(g2.of('messages_read')[0]).not.toHaveProperty('unreadCount');
  });

  it('200 sends in flight from one client: every ack answers its own clientMessageId', async () => {
    const { guest, chat } = await createChat(db);
    const tab = await open((await bearerToken(db, guest.id)).token);
    const ids = Array.from({ length: 200 }, (_, i) => `burst-${i}`);
    const acks = await Promise.all(
      ids.map((id) =>
        tab.emitWithAck('send_message', { chatId: chat.id, content: `content of ${id}`, clientMessageId: id }),
      ),
    );
    acks.forEach((ack, i) => {
      if (!ack.ok) throw new Error(ack.error.message);
      expect(ack.data.message.clientMessageId).toBe(ids[i]);
      expect(ack.data.message.content).toBe(`content of ${ids[i]}`);
    });
    const rows = await db.message.findMany({ where: { chatId: chat.id }, select: { id: true, clientMessageId: true } });
    expect(rows).toHaveLength(200);
    const byClientId = new Map(rows.map((r) => [r.clientMessageId, r.id]));
    acks.forEach((ack, i) => ack.ok && expect(byClientId.get(ids[i]!)).toBe(ack.data.message.id));
  });

  it('a retry with the same clientMessageId after a dropped connection stores one row and the recipient sees one message', async () => {
    const { guest, owner, chat } = await createChat(db);
    const guestToken = (await bearerToken(db, guest.id)).token;
    const ownerTab = await open((await bearerToken(db, owner.id)).token);
    const o = new Recorder(ownerTab);
    await ownerTab.emitWithAck('join_chat', { chatId: chat.id });

    const first = await open(guestToken);
    let firstAcked = false;
    // Hold the chat row so the send is stuck inside its transaction, drop the connection, then
    // let it commit: stored, but the ack has nowhere to go.
    const locker = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query('SELECT id FROM chats WHERE id = $1 FOR UPDATE', [chat.id]);
    first.emit(
      'send_message',
      { chatId: chat.id, content: 'lost ack', clientMessageId: 'retry-1' },
      () => (firstAcked = true),
    );
    await eventually(() => server.inFlightCount() === 1, 'the send to be in flight');
    first.disconnect();
    await eventually(() => !userSockets(guest.id), 'the server to see the disconnect');
    await locker.query('COMMIT');
    await locker.end();
    const row = await eventually(
      () => db.message.findFirst({ where: { senderId: guest.id, clientMessageId: 'retry-1' } }),
      'the first attempt to commit',
    );

    const second = await open(guestToken);
    const retry = await second.emitWithAck('send_message', {
      chatId: chat.id,
      content: 'lost ack',
      clientMessageId: 'retry-1',
    });
    if (!retry.ok) throw new Error(retry.error.message);
    expect(retry.data).toMatchObject({ duplicate: true, message: { id: row.id } });
    expect(await db.message.count({ where: { chatId: chat.id } })).toBe(1);

    const barrier = await second.emitWithAck('send_message', { chatId: chat.id, content: 'barrier' });
    if (!barrier.ok) throw new Error(barrier.error.message);
    await o.waitFor('new_message', (m) => m.id === barrier.data.message.id);
    expect(o.countMessage(row.id)).toBe(1);
    expect(o.of('message_notification').filter((n) => n.message.id === row.id)).toHaveLength(1);
    expect(firstAcked).toBe(false);
  });

  it('a retry of a message with an attachment is acked with the stored message and its files, and not delivered again', async () => {
    const { guest, owner, chat } = await createChat(db);
    const file = await createUpload(db, guest.id);
    const ownerTab = await open((await bearerToken(db, owner.id)).token);
    const o = new Recorder(ownerTab);
    await ownerTab.emitWithAck('join_chat', { chatId: chat.id });
    const guestTab = await open((await bearerToken(db, guest.id)).token);
    const payload = { chatId: chat.id, content: 'photo', attachments: [file.id], clientMessageId: 'file-retry-1' };

    const first = await guestTab.emitWithAck('send_message', payload);
    if (!first.ok) throw new Error(first.error.message);
    const retry = await guestTab.emitWithAck('send_message', payload);
    if (!retry.ok) throw new Error(`${retry.error.code}: ${retry.error.message}`);
    expect(retry.data).toEqual({ duplicate: true, message: first.data.message });
    expect(retry.data.message.files.map((f) => f.id)).toEqual([file.id]);
    expect(await db.message.count({ where: { chatId: chat.id } })).toBe(1);

    const barrier = await guestTab.emitWithAck('send_message', { chatId: chat.id, content: 'barrier' });
    if (!barrier.ok) throw new Error(barrier.error.message);
    await o.waitFor('new_message', (m) => m.id === barrier.data.message.id);
    expect(o.countMessage(first.data.message.id)).toBe(1);
  });

  it("keeps the seed's client working: no ack callback, no clientMessageId, waits for message_sent / message_error", async () => {
    const { guest, chat } = await createChat(db);
    const tab = await open((await bearerToken(db, guest.id)).token);
    const r = new Recorder(tab);
    seedEmit(tab, { chatId: chat.id, content: 'seed style' });
    const sent = await r.waitFor('message_sent');
    const row = await db.message.findUniqueOrThrow({ where: { id: sent.messageId } });
    expect(row).toMatchObject({ content: 'seed style', clientMessageId: null });
    expect(sent).toMatchObject({ chatId: chat.id, clientMessageId: null, timestamp: row.createdAt.toISOString() });

    seedEmit(tab, { chatId: chat.id, content: '   ' });
    expect(await r.waitFor('message_error')).toMatchObject({ code: 'VALIDATION', clientMessageId: null });
    expect(await db.message.count({ where: { chatId: chat.id } })).toBe(1);
  });
});

describe('messages and receipts sent over REST', () => {
  it('are delivered live once to every socket of both members', async () => {
    const { guest, owner, chat } = await createChat(db);
    const guestTab = await open((await bearerToken(db, guest.id)).token);
    const ownerTab = await open((await bearerToken(db, owner.id)).token);
    const [g, o] = [new Recorder(guestTab), new Recorder(ownerTab)];
    await ownerTab.emitWithAck('join_chat', { chatId: chat.id });

    // Exactly what POST /api/chats/:chatId/messages does.
    const sent = await sendMessage(db, guest.id, { chatId: chat.id, content: 'via REST' });
    await o.waitFor('new_message', (m) => m.id === sent.message.id);
    expect(await o.waitFor('message_notification', (n) => n.message.id === sent.message.id)).toMatchObject({
      unreadCount: 1,
      chatUnreadCount: 1,
    });
    await g.waitFor('new_message', (m) => m.id === sent.message.id); // the sender's open tab

    const receipt = await markMessagesRead(db, owner.id, { chatId: chat.id, messageIds: [sent.message.id] });
    expect(await g.waitFor('messages_read')).toEqual({
      chatId: chat.id,
      readerId: owner.id,
      messageIds: [sent.message.id],
      readAt: receipt.readAt,
    });
    expect(await o.waitFor('messages_read')).toMatchObject({ unreadCount: 0, chatUnreadCount: 0 });

    const barrier = await sendMessage(db, guest.id, { chatId: chat.id, content: 'barrier' });
    await o.waitFor('new_message', (m) => m.id === barrier.message.id);
    await g.waitFor('new_message', (m) => m.id === barrier.message.id);
    expect(o.countMessage(sent.message.id)).toBe(1);
    expect(g.countMessage(sent.message.id)).toBe(1);
  });

  it('are still delivered after the LISTEN connection is killed (it reconnects and tells sockets to resync)', async () => {
    const { guest, owner, chat } = await createChat(db);
    const ownerTab = await open((await bearerToken(db, owner.id)).token);
    const o = new Recorder(ownerTab);
    const listeners = () =>
      db.$queryRaw<
        Array<{ pid: number }>
      >`SELECT pid FROM pg_stat_activity WHERE application_name = ${LISTENER_APPLICATION_NAME} AND datname = current_database()`;
    let resyncs = 0;
    ownerTab.on('resync', () => resyncs++);
    const [before] = await listeners();
    expect(before).toBeDefined();
    await db.$queryRaw`SELECT pg_terminate_backend(${before!.pid}::int)`;
    await eventually(async () => {
      const now = await listeners();
      return (
        now.length === 1 &&
        now[0]!.pid !== before!.pid &&
        (await metricValue(/^stayeasy_realtime_chat_events_listening /)) === 1
      );
    }, 'the listener to reconnect');
    const sent = await sendMessage(db, guest.id, { chatId: chat.id, content: 'after the reconnect' });
    await o.waitFor('message_notification', (n) => n.message.id === sent.message.id);
    expect(await metricValue(/^stayeasy_realtime_db_errors_total\{operation="listen"\} /)).toBeGreaterThan(0);
    // Whatever was published during the outage was missed live: the socket was told to catch up.
    expect(resyncs).toBe(1);
  });

  it('tell the sockets to catch up when the node cannot deliver an event (loading its messages failed)', async () => {
    // A node whose reads of messages fail: it hears the event but cannot load what it names.
    const failingDb = new Proxy(db, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver) as unknown;
        if (property !== '$queryRaw') return value;
        const queryRaw = value as (...args: unknown[]) => Promise<unknown>;
        return (...args: unknown[]) => {
          // A tagged template's whole text (its raw and nested parts included), or a Prisma.Sql's.
          const first = args[0] as TemplateStringsArray | Prisma.Sql;
          const statement = Array.isArray(first) ? Prisma.sql(first, ...args.slice(1)).sql : (first as Prisma.Sql).sql;
          // loadMessages' statement, by the marker of the name it is prepared under.
          if (statement.includes(preparedStatementMarker('load_messages')))
            return Promise.reject(new Error('the database is failing'));
          return queryRaw(...args);
        };
      },
    });
    const own = await startServer({ db: failingDb });
    try {
      const { guest, owner, chat } = await createChat(db);
      const ownerTab = await connect(own.url, (await bearerToken(db, owner.id)).token);
      const o = new Recorder(ownerTab);
      let resyncs = 0;
      ownerTab.on('resync', () => resyncs++);
      await sendMessage(db, guest.id, { chatId: chat.id, content: 'cannot be loaded there' });
      await eventually(() => resyncs === 1, 'the socket to be told to catch up');
      expect(o.of('message_notification')).toHaveLength(0);
      ownerTab.close();
    } finally {
      await own.close();
    }
  });
});

describe('typing', () => {
  it('reaches the other member only, is throttled, and expires by itself', async () => {
    const { guest, owner, chat } = await createChat(db);
    const guestToken = (await bearerToken(db, guest.id)).token;
    const guestTab = await open(guestToken);
    const guestTab2 = await open(guestToken);
    const ownerTab = await open((await bearerToken(db, owner.id)).token);
    const [g2, o] = [new Recorder(guestTab2), new Recorder(ownerTab)];

    expect(await guestTab.emitWithAck('typing', { chatId: chat.id, isTyping: true })).toEqual({
      ok: true,
      data: { relayed: true },
    });
    expect(await o.waitFor('typing')).toEqual({ chatId: chat.id, userId: guest.id, isTyping: true });
    // Within the throttle window a repeat is not relayed (this server's window is a minute).
    expect(await guestTab.emitWithAck('typing', { chatId: chat.id, isTyping: true })).toEqual({
      ok: true,
      data: { relayed: false },
    });
    // Nobody says "stopped": the server does, once the typing has expired.
    expect(await o.waitFor('typing', (t) => t.isTyping === false)).toEqual({
      chatId: chat.id,
      userId: guest.id,
      isTyping: false,
    });
    expect(o.of('typing').map((t) => t.isTyping)).toEqual([true, false]);
    expect(g2.of('typing')).toHaveLength(0);
  });
});

describe('presence', () => {
  it('shows a user online until the last tab closes, then offline with last seen', async () => {
    const { guest, owner, chat } = await createChat(db);
    const ownerTab = await open((await bearerToken(db, owner.id)).token);
    const o = new Recorder(ownerTab);
    const offlineBefore = await ownerTab.emitWithAck('join_chat', { chatId: chat.id });
    expect(offlineBefore).toMatchObject({
      ok: true,
      data: { presence: { userId: guest.id, online: false, lastSeen: null } },
    });

    const guestToken = (await bearerToken(db, guest.id)).token;
    const tab1 = await open(guestToken);
    expect(await o.waitFor('presence')).toEqual({ userId: guest.id, online: true, lastSeen: null });
    const tab2 = await open(guestToken);
    tab1.close();
    await eventually(() => userSockets(guest.id) === 1, 'the first tab to be gone');
    expect(await ownerTab.emitWithAck('join_chat', { chatId: chat.id })).toMatchObject({
      ok: true,
      data: { presence: { online: true } },
    });

    tab2.close();
    const offline = await o.waitFor('presence', (p) => p.online === false);
    expect(offline.userId).toBe(guest.id);
    expect(Number.isNaN(Date.parse(offline.lastSeen))).toBe(false);
    const snapshot = await ownerTab.emitWithAck('join_chat', { chatId: chat.id });
    expect(snapshot).toMatchObject({
      ok: true,
      data: { presence: { userId: guest.id, online: false, lastSeen: offline.lastSeen } },
    });
    expect(o.of('presence').filter((p) => p.online === false)).toHaveLength(1);
  });
});

describe('connection state recovery', () => {
  it('replays what a briefly disconnected client missed, and the socket keeps its rooms', async () => {
    const { guest, owner, chat } = await createChat(db);
    const ownerTab = await open((await bearerToken(db, owner.id)).token, {
      reconnection: true,
      reconnectionDelay: 50,
      reconnectionDelayMax: 100,
    });
    const o = new Recorder(ownerTab);
    await ownerTab.emitWithAck('join_chat', { chatId: chat.id });
    const guestTab = await open((await bearerToken(db, guest.id)).token);
    // A first broadcast gives the client an offset to recover from.
    const first = await guestTab.emitWithAck('send_message', { chatId: chat.id, content: 'before the drop' });
    if (!first.ok) throw new Error(first.error.message);
    await o.waitFor('new_message', (m) => m.id === first.data.message.id);

    // The network drops, and the client comes back only once the message was sent meanwhile: a
    // client reconnecting while it is being sent may miss it between Socket.IO's replay and its
    // joining the rooms (the browser catches up over REST after every reconnect for that).
    ownerTab.io.reconnection(false);
    ownerTab.io.engine.close();
    await eventually(() => !userSockets(owner.id), 'the server to see the drop');
    const missed = await guestTab.emitWithAck('send_message', { chatId: chat.id, content: 'while away' });
    if (!missed.ok) throw new Error(missed.error.message);

    ownerTab.io.reconnection(true);
    ownerTab.connect();
    await eventually(() => ownerTab.connected, 'the owner to reconnect');
    expect(ownerTab.recovered).toBe(true);
    await o.waitFor('new_message', (m) => m.id === missed.data.message.id);
    expect(o.countMessage(missed.data.message.id)).toBe(1);
  });
});

describe('graceful close', () => {
  it('stops accepting, lets sends in flight commit and ack, then closes', async () => {
    const own = await startServer({ rateLimits: { sendPoints: 1000 } });
    const { guest, chat } = await createChat(db);
    const token = (await bearerToken(db, guest.id)).token;
    const tab = await connect(own.url, token);
    // Hold the chat row: every send blocks inside its transaction until we let go.
    const locker = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query('SELECT id FROM chats WHERE id = $1 FOR UPDATE', [chat.id]);
    try {
      const acks = Array.from({ length: 10 }, (_, i) =>
        tab.emitWithAck('send_message', { chatId: chat.id, content: `in flight ${i}`, clientMessageId: `drain-${i}` }),
      );
      await eventually(() => own.inFlightCount() === 10, 'ten sends in flight');
      const closed = own.close();
      await eventually(
        async () =>
          await fetch(`${own.url}/health`).then(
            () => false,
            () => true,
          ),
        'the port to stop accepting',
      );
      await locker.query('COMMIT');
      const answers = await Promise.all(acks);
      expect(answers.every((a) => a.ok)).toBe(true);
      await closed;
      expect(await db.message.count({ where: { chatId: chat.id } })).toBe(10);
      await eventually(() => !tab.connected, 'the client to be disconnected');
    } finally {
      await locker.end();
      tab.close();
    }
  });
});

describe('operations', () => {
  it('answers /health and /ready', async () => {
    expect(await (await fetch(`${server.url}/health`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${server.url}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', listening: true });
  });

  it('/metrics counters move with traffic', async () => {
    const { guest, chat } = await createChat(db);
    const tab = await open((await bearerToken(db, guest.id)).token);
    const before = {
      received: await metricValue(/^stayeasy_realtime_messages_received_total /),
      delivered: await metricValue(/^stayeasy_realtime_messages_delivered_total\{source="socket"\} /),
      failed: await metricValue(/^stayeasy_realtime_messages_failed_total\{code="VALIDATION"\} /),
      acks: await metricValue(/^stayeasy_realtime_ack_latency_seconds_count\{event="send_message"\} /),
    };
    await tab.emitWithAck('send_message', { chatId: chat.id, content: 'counted' });
    await tab.emitWithAck('send_message', { chatId: chat.id, content: '' });
    expect(await metricValue(/^stayeasy_realtime_messages_received_total /)).toBe(before.received + 2);
    expect(await metricValue(/^stayeasy_realtime_messages_delivered_total\{source="socket"\} /)).toBe(
      before.delivered + 1,
    );
    expect(await metricValue(/^stayeasy_realtime_messages_failed_total\{code="VALIDATION"\} /)).toBe(before.failed + 1);
    expect(await metricValue(/^stayeasy_realtime_ack_latency_seconds_count\{event="send_message"\} /)).toBe(
      before.acks + 2,
    );
    expect(await metricValue(/^stayeasy_realtime_connected_sockets /)).toBe(server.io.of('/').sockets.size);
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).toMatch(/^stayeasy_archive_last_run_success 0$/m); // the retention job never ran here
    expect(text).toMatch(/^stayeasy_realtime_chat_events_listening 1$/m);
  });
});
