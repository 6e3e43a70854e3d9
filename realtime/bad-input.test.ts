// Hostile and broken input over real sockets: every case gets its coded refusal (connect_error
// data, ack and message_error), nothing is stored, and a well-behaved pair of clients on the same
// server keeps its connection and keeps talking throughout.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueRealtimeToken } from '../lib/auth/realtime-token';
import { createSession, revokeSession } from '../lib/auth/sessions';
import { sendMessage } from '../lib/chat';
import { db } from '../lib/db';
import { bearerToken, createChat, createUser } from '../test/fixtures';
import { connect, connectError, Recorder, startServer, type Client } from './test-support';
import type { RealtimeServer } from './server';

const SEND_LIMIT = 40;
const TYPING_LIMIT = 20;
const MAX_SOCKETS = 3;

let server: RealtimeServer;
let fixtures: Awaited<ReturnType<typeof setUp>>;
let good: { guest: Client; owner: Client; guestSocketId: string; ownerSocketId: string; owner$: Recorder };
let mallory: Client;
let mallory$: Recorder;

async function setUp() {
  const goodChat = await createChat(db); // the well-behaved pair's chat: foreign to mallory
  const malloryChat = await createChat(db); // mallory is its guest
  const ownMessage = await sendMessage(db, malloryChat.guest.id, { chatId: malloryChat.chat.id, content: 'mine' });
  const toMallory = await sendMessage(db, malloryChat.owner.id, { chatId: malloryChat.chat.id, content: 'to mallory' });
  const foreignMessage = await sendMessage(db, goodChat.guest.id, { chatId: goodChat.chat.id, content: 'not yours' });
  return { goodChat, malloryChat, ownMessage, toMallory, foreignMessage };
}

/** Every message in the database; compared before and after each case: nothing stored. */
const messageCount = () => db.message.count();

beforeAll(async () => {
  server = await startServer({
    rateLimits: {
      sendPoints: SEND_LIMIT,
      sendDurationSeconds: 600,
      typingPoints: TYPING_LIMIT,
      typingDurationSeconds: 600,
    },
    maxSocketsPerUser: MAX_SOCKETS,
  });
  fixtures = await setUp();
  const { goodChat, malloryChat } = fixtures;
  const guest = await connect(server.url, (await bearerToken(db, goodChat.guest.id)).token);
  const owner = await connect(server.url, (await bearerToken(db, goodChat.owner.id)).token);
  good = { guest, owner, guestSocketId: guest.id!, ownerSocketId: owner.id!, owner$: new Recorder(owner) };
  await owner.emitWithAck('join_chat', { chatId: goodChat.chat.id });
  mallory = await connect(server.url, (await bearerToken(db, malloryChat.guest.id)).token);
  mallory$ = new Recorder(mallory);
});

afterAll(async () => {
  good?.guest.close();
  good?.owner.close();
  mallory?.close();
  await server?.close();
});

describe('the handshake refuses', () => {
  const refused = async (token: unknown, code = 'UNAUTHENTICATED') => {
    const error = await connectError(server.url, token);
    expect(error.data).toMatchObject({ code });
    expect(typeof error.data?.message).toBe('string');
    return error;
  };

  it('no token', async () => {
    const error = await connectError(server.url, undefined, { auth: {} });
    expect(error.data).toMatchObject({ code: 'UNAUTHENTICATED' });
  });
  it('an empty token', () => refused(''));
  it('a token that is not a string', () => refused(12345));
  it('garbage', () => refused('not.a.jwt'));
  it('an oversized token', () => refused('x'.repeat(10_000)));

  it('an expired token', async () => {
    const session = await createSession(db, fixtures.malloryChat.guest.id);
    const { token } = await issueRealtimeToken(
      { userId: fixtures.malloryChat.guest.id, sessionId: session.id },
      { ttlSeconds: -60 },
    );
    const error = await refused(token);
    expect(error.data?.message).toMatch(/expired/);
  });

  it('a token signed with another secret (forged)', async () => {
    const session = await createSession(db, fixtures.malloryChat.guest.id);
    const { token } = await issueRealtimeToken(
      { userId: fixtures.goodChat.owner.id, sessionId: session.id },
      { secret: randomBytes(32).toString('hex') },
    );
    await refused(token);
  });

  it('a valid token whose session was revoked (signed out)', async () => {
    const { token, sessionId } = await bearerToken(db, fixtures.malloryChat.guest.id);
    await revokeSession(db, sessionId);
    await refused(token);
  });

  it("a token naming another user than its session's", async () => {
    const session = await createSession(db, fixtures.malloryChat.guest.id);
    const { token } = await issueRealtimeToken({ userId: fixtures.goodChat.owner.id, sessionId: session.id });
    await refused(token);
  });

  it(`a user's connection beyond ${MAX_SOCKETS} sockets`, async () => {
    const user = await createUser(db);
    const token = (await bearerToken(db, user.id)).token;
    const tabs = await Promise.all(Array.from({ length: MAX_SOCKETS }, () => connect(server.url, token)));
    try {
      await refused(token, 'RATE_LIMITED');
      tabs[0]!.close(); // a closed tab frees its slot
      await expect
        .poll(
          async () =>
            await connect(server.url, token).then(
              (c) => (tabs.push(c), true),
              () => false,
            ),
        )
        .toBe(true);
    } finally {
      for (const t of tabs) t.close();
    }
  });
});

describe('events refuse with a coded ack', () => {
  const expectRefused = async (
    event: 'send_message' | 'join_chat' | 'leave_chat' | 'mark_read' | 'typing',
    payload: unknown,
    code: string,
  ) => {
    const before = await messageCount();
    const ack = await mallory.emitWithAck(event, payload as never);
    expect(ack).toMatchObject({ ok: false, error: { code } });
    if (!ack.ok) expect(typeof ack.error.message).toBe('string');
    expect(await messageCount()).toBe(before);
    return ack;
  };
  const mine = () => fixtures.malloryChat.chat.id;

  it('send_message: a payload that is not an object', () => expectRefused('send_message', 'hello', 'VALIDATION'));
  it('send_message: content of the wrong type', () =>
    expectRefused('send_message', { chatId: mine(), content: 42 }, 'VALIDATION'));
  it('send_message: no chatId', () => expectRefused('send_message', { content: 'hi' }, 'VALIDATION'));
  it('send_message: a chatId that is not an id', () =>
    expectRefused('send_message', { chatId: "x' OR 1=1 --", content: 'hi' }, 'VALIDATION'));
  it('send_message: blank content', () =>
    expectRefused('send_message', { chatId: mine(), content: '   \n' }, 'VALIDATION'));
  it('send_message: content over the limit', () =>
    expectRefused('send_message', { chatId: mine(), content: 'x'.repeat(4001) }, 'VALIDATION'));
  it('send_message: a malformed clientMessageId', () =>
    expectRefused(
      'send_message',
      { chatId: mine(), content: 'hi', clientMessageId: 'has spaces/and slashes' },
      'VALIDATION',
    ));
  it('send_message: an attachment that does not exist', () =>
    expectRefused('send_message', { chatId: mine(), content: 'hi', attachments: ['cmnosuchfile0000'] }, 'VALIDATION'));
  it("send_message: a propertyId that is not the chat's", () =>
    expectRefused(
      'send_message',
      { chatId: mine(), content: 'hi', propertyId: fixtures.goodChat.property.id },
      'VALIDATION',
    ));
  it('send_message: a foreign chat', () =>
    expectRefused('send_message', { chatId: fixtures.goodChat.chat.id, content: 'hi' }, 'NOT_FOUND'));
  it('send_message: a chat that does not exist', () =>
    expectRefused('send_message', { chatId: 'cmnosuchchat0000', content: 'hi' }, 'NOT_FOUND'));
  it('send_message: a clientMessageId already used in another chat', async () => {
    const other = await db.chat.create({
      data: {
        guestId: fixtures.malloryChat.guest.id,
        ownerId: fixtures.goodChat.owner.id,
        propertyId: fixtures.goodChat.property.id,
      },
    });
    const first = await mallory.emitWithAck('send_message', {
      chatId: other.id,
      content: 'first',
      clientMessageId: 'reused-id',
    });
    expect(first.ok).toBe(true);
    await expectRefused(
      'send_message',
      { chatId: mine(), content: 'second', clientMessageId: 'reused-id' },
      'CONFLICT',
    );
  });
  it('send_message: no payload at all, only the callback', async () => {
    const ack = await new Promise((resolve) =>
      (mallory.emit as (ev: string, cb: (r: unknown) => void) => void)('send_message', resolve),
    );
    expect(ack).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });
  it("send_message from the seed's ack-less client: message_error carries the code and the clientMessageId", async () => {
    (mallory.emit as (event: string, data: unknown) => void)('send_message', {
      chatId: fixtures.goodChat.chat.id,
      content: 'hi',
      clientMessageId: 'seed-bad-1',
    });
    expect(await mallory$.waitFor('message_error', (e) => e.clientMessageId === 'seed-bad-1')).toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('join_chat: a chat the user is not in', () =>
    expectRefused('join_chat', { chatId: fixtures.goodChat.chat.id }, 'NOT_FOUND'));
  it('join_chat: a chatId of the wrong type', () => expectRefused('join_chat', { chatId: 42 }, 'VALIDATION'));
  it('leave_chat: no chatId', () => expectRefused('leave_chat', {}, 'VALIDATION'));

  it("mark_read: one's own messages (someone else's to read)", async () => {
    await expectRefused('mark_read', { chatId: mine(), messageIds: [fixtures.ownMessage.message.id] }, 'FORBIDDEN');
    expect((await db.message.findUniqueOrThrow({ where: { id: fixtures.ownMessage.message.id } })).readAt).toBeNull();
  });
  it("mark_read: another chat's message named under one's own chat", async () => {
    await expectRefused('mark_read', { chatId: mine(), messageIds: [fixtures.foreignMessage.message.id] }, 'FORBIDDEN');
    expect(
      (await db.message.findUniqueOrThrow({ where: { id: fixtures.foreignMessage.message.id } })).readAt,
    ).toBeNull();
  });
  it('mark_read: a foreign chat', () =>
    expectRefused(
      'mark_read',
      { chatId: fixtures.goodChat.chat.id, messageIds: [fixtures.foreignMessage.message.id] },
      'NOT_FOUND',
    ));
  it('mark_read: both messageIds and upToMessageId', () =>
    expectRefused(
      'mark_read',
      { chatId: mine(), messageIds: [fixtures.toMallory.message.id], upToMessageId: fixtures.toMallory.message.id },
      'VALIDATION',
    ));
  it('mark_read: messageIds that is not a list', () =>
    expectRefused('mark_read', { chatId: mine(), messageIds: 'all' }, 'VALIDATION'));

  it('typing: isTyping that is not a boolean', () =>
    expectRefused('typing', { chatId: mine(), isTyping: 'yes' }, 'VALIDATION'));
  it('typing: a foreign chat', async () => {
    await expectRefused('typing', { chatId: fixtures.goodChat.chat.id, isTyping: true }, 'NOT_FOUND');
  });
});

describe('floods and oversized packets', () => {
  it(`a send flood past ${SEND_LIMIT} per window: RATE_LIMITED with a retry time, nothing beyond the limit stored`, async () => {
    const { guest, chat } = await createChat(db);
    const flooder = await connect(server.url, (await bearerToken(db, guest.id)).token);
    const seen = new Recorder(flooder);
    try {
      const acks = await Promise.all(
        Array.from({ length: SEND_LIMIT + 15 }, (_, i) =>
          flooder.emitWithAck('send_message', {
            chatId: chat.id,
            content: `flood ${i}`,
            clientMessageId: `flood-${i}`,
          }),
        ),
      );
      const ok = acks.filter((a) => a.ok);
      const limited = acks.filter((a) => !a.ok);
      expect(ok).toHaveLength(SEND_LIMIT);
      expect(limited).toHaveLength(15);
      for (const a of limited) {
        expect(a).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
        if (!a.ok) expect(a.error.retryAfterSeconds).toBeGreaterThan(0);
      }
      expect(await db.message.count({ where: { chatId: chat.id } })).toBe(SEND_LIMIT);
      // Each refusal was answered in its ack only, not also by a seed-style message_error.
      expect((await flooder.emitWithAck('join_chat', { chatId: chat.id })).ok).toBe(true);
      expect(seen.of('message_error')).toEqual([]);
      const text = await (await fetch(`${server.url}/metrics`)).text();
      expect(text).toMatch(/^stayeasy_realtime_rate_limited_total\{event="send_message"\} 15$/m);
      expect(text).toMatch(/^stayeasy_realtime_messages_failed_total\{code="RATE_LIMITED"\} 15$/m);
    } finally {
      flooder.close();
    }
  });

  it(`a typing flood past ${TYPING_LIMIT} per window: RATE_LIMITED`, async () => {
    const { guest, chat } = await createChat(db);
    const flooder = await connect(server.url, (await bearerToken(db, guest.id)).token);
    try {
      const acks = await Promise.all(
        Array.from({ length: TYPING_LIMIT + 5 }, (_, i) =>
          flooder.emitWithAck('typing', { chatId: chat.id, isTyping: i % 2 === 0 }),
        ),
      );
      expect(acks.filter((a) => a.ok)).toHaveLength(TYPING_LIMIT);
      expect(acks.filter((a) => !a.ok && a.error.code === 'RATE_LIMITED')).toHaveLength(5);
    } finally {
      flooder.close();
    }
  });

  it('a 1 MB payload closes only the sender, and stores nothing', async () => {
    const { guest, chat } = await createChat(db);
    const big = await connect(server.url, (await bearerToken(db, guest.id)).token);
    const closed = new Promise<string>((resolve) => big.once('disconnect', (reason) => resolve(reason)));
    let acked = false;
    big.emit('send_message', { chatId: chat.id, content: 'x'.repeat(1024 * 1024) }, () => (acked = true));
    expect(await closed).toMatch(/transport (close|error)/);
    expect(acked).toBe(false);
    expect(await db.message.count({ where: { chatId: chat.id } })).toBe(0);
  });

  it("a 100 KB payload (under Socket.IO's 1 MB default, over our 64 KB bound) is refused the same way", async () => {
    const { guest, chat } = await createChat(db);
    const big = await connect(server.url, (await bearerToken(db, guest.id)).token);
    const closed = new Promise<string>((resolve) => big.once('disconnect', (reason) => resolve(reason)));
    big.emit('send_message', { chatId: chat.id, content: 'x'.repeat(100 * 1024) }, () => {});
    expect(await closed).toMatch(/transport (close|error)/);
    expect(await db.message.count({ where: { chatId: chat.id } })).toBe(0);
  });
});

describe('the well-behaved clients', () => {
  it('kept their connections and still talk', async () => {
    expect(good.guest.connected && good.owner.connected).toBe(true);
    expect([good.guest.id, good.owner.id]).toEqual([good.guestSocketId, good.ownerSocketId]);
    expect(good.owner$.events.filter((e) => e.event === 'new_message')).toHaveLength(0); // nothing leaked in
    const ack = await good.guest.emitWithAck('send_message', {
      chatId: fixtures.goodChat.chat.id,
      content: 'still here',
      clientMessageId: 'good-1',
    });
    if (!ack.ok) throw new Error(ack.error.message);
    await good.owner$.waitFor('new_message', (m) => m.id === ack.data.message.id);
    expect(mallory.connected).toBe(true); // refusals are answers, not disconnects
  });
});
