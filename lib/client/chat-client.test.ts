// ChatClient against a real realtime server and database: the seed's usage example as written,
// the outbox keeping one clientMessageId across a dropped connection, and catching up over REST.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../db';
import { bearerToken, createChat } from '../../test/fixtures';
import { startRouteServer } from '../../test/route-server';
import { startServer } from '../../realtime/test-support';
import type { MessageDto } from '../chat/message-dto';
import { ChatClient } from './chat-client';

let realtime: Awaited<ReturnType<typeof startServer>>;
let rest: Awaited<ReturnType<typeof startRouteServer>>;

beforeAll(async () => {
  realtime = await startServer();
  rest = await startRouteServer();
});
afterAll(async () => {
  await realtime.close();
  await rest.close();
});

function until<T>(check: () => T | undefined, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = () => {
      const value = check();
      if (value !== undefined) return resolve(value);
      if (Date.now() - started > 15_000) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(poll, 20);
    };
    poll();
  });
}

describe('ChatClient', () => {
  it("runs the seed's usage example unchanged: connect, joinChat, sendMessage, on('message')", async () => {
    const { guest, owner, chat } = await createChat(db);
    const authToken = (await bearerToken(db, guest.id)).token;
    const ownerClient = new ChatClient(realtime.url, (await bearerToken(db, owner.id)).token);
    await ownerClient.connect();
    await ownerClient.joinChat(chat.id);
    const ownerSaw: MessageDto[] = [];
    ownerClient.on('message', (m) => ownerSaw.push(m));

    // --- the seed document's "Client Usage" block, with its chat id replaced by a real one ---
    const chatClient = new ChatClient(realtime.url, authToken);

    await chatClient.connect();
    chatClient.joinChat(chat.id);

    // Send message
    const result = await chatClient.sendMessage({
      chatId: chat.id,
      content: 'Hello!',
    });

    // Listen for messages
    const received: MessageDto[] = [];
    chatClient.on('message', (message) => {
      received.push(message);
    });
    // --- end of the seed's example ---

    expect(result).toMatchObject({ chatId: chat.id, content: 'Hello!', senderId: guest.id });
    expect(await db.message.count({ where: { chatId: chat.id, content: 'Hello!' } })).toBe(1);
    await until(() => ownerSaw.find((m) => m.id === result.id), "the owner's new_message");
    ownerClient.disconnect();
    chatClient.disconnect();
  });

  it('resolves many concurrent sends each with its own stored message, stored once each', async () => {
    const { guest, chat } = await createChat(db);
    const client = new ChatClient(realtime.url, (await bearerToken(db, guest.id)).token);
    await client.connect();
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => client.sendMessage({ chatId: chat.id, content: `n${i}` })),
    );
    expect(results.map((m) => m.content)).toEqual(Array.from({ length: 30 }, (_, i) => `n${i}`));
    const stored = await db.message.findMany({
      where: { chatId: chat.id },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
    expect(stored.map((m) => m.content)).toEqual(results.map((m) => m.content));
    client.disconnect();
  });

  it('a send made while disconnected waits in the outbox and goes out once after reconnecting', async () => {
    const { guest, chat } = await createChat(db);
    const client = new ChatClient(realtime.url, (await bearerToken(db, guest.id)).token, {
      socketOptions: { forceNew: true, reconnectionDelay: 50, reconnectionDelayMax: 200 },
    });
    await client.connect();
    // The engine drops (as on a network loss); Socket.IO reconnects by itself.
    const stored = client.sendMessage({ chatId: chat.id, content: 'across the drop' });
    (client as unknown as { socket: { io: { engine: { close(): void } } } }).socket.io.engine.close();
    const message = await stored;
    expect(message.content).toBe('across the drop');
    expect(await db.message.count({ where: { chatId: chat.id } })).toBe(1);
    expect(client.outbox.items()).toEqual([]);
    client.disconnect();
  });

  it('fetchMissedMessages returns everything after a message, over REST with the bearer token', async () => {
    const { guest, owner, chat } = await createChat(db);
    const client = new ChatClient(realtime.url, (await bearerToken(db, guest.id)).token, { apiBaseUrl: rest.url });
    const { sendMessage } = await import('../chat/send-messages');
    const first = await sendMessage(db, owner.id, { chatId: chat.id, content: 'seen' });
    const later = [];
    for (let i = 0; i < 130; i++)
      later.push((await sendMessage(db, owner.id, { chatId: chat.id, content: `missed ${i}` })).message.id);
    const missed = await client.fetchMissedMessages(chat.id, first.message.id);
    expect(missed.map((m) => m.id)).toEqual(later);
  });
});

describe('ChatClient.fetchMissedMessages failures', () => {
  it('rejects with "Failed to fetch messages: <status> …" and the server\'s code', async () => {
    const { chat } = await createChat(db);
    const client = new ChatClient(realtime.url, 'not-a-token', { apiBaseUrl: rest.url });
    const failure = client.fetchMissedMessages(chat.id, new Date(0).toISOString());
    await expect(failure).rejects.toThrow(/^Failed to fetch messages: 401 /);
    await expect(failure).rejects.toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });
  });
});
