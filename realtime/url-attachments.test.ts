// The seed client's attachments named by URL over a real socket: `send_message` with
// `attachments: [{ url, type }]` and no ack callback is answered `message_sent`, the other member
// gets `new_message` with the file (its sourceUrl, and the app's own url), and its row is stored
// with the message. Bad URLs and too many attachments are refused (message_error, or the ack's
// VALIDATION with the item's path), storing nothing. The URL points at a real local server, let
// through ATTACHMENT_FETCH_ALLOW (set before lib/env is read).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MAX_ATTACHMENTS } from '../lib/chat';
import { db } from '../lib/db';
import { bearerToken, createChat } from '../test/fixtures';
import { connect, Recorder, startServer, type Client } from './test-support';
import type { RealtimeServer } from './server';

const remote = await vi.hoisted(async () => {
  const { startFileServer } = await import('../test/file-server');
  const server = await startFileServer();
  process.env.ATTACHMENT_FETCH_ALLOW = server.hostPort;
  return server;
});

let server: RealtimeServer;
const clients: Client[] = [];
const open = async (token: string) => {
  const c = await connect(server.url, token);
  clients.push(c);
  return c;
};

beforeAll(async () => {
  server = await startServer({ rateLimits: { sendPoints: 10_000 } });
  await server.chatEventsReady();
});

afterAll(async () => {
  for (const c of clients) c.close();
  await server?.close();
  await remote.close();
});

/** The seed's client: `socket.emit('send_message', data)`, no ack callback. */
const seedEmit = (socket: Client, data: unknown) =>
  (socket.emit as (event: string, data: unknown) => void)('send_message', data);

const counts = async () => ({ messages: await db.message.count(), files: await db.file.count() });

describe('send_message with { url, type } attachments', () => {
  it('a seed-style client gets message_sent; the other member gets new_message with the file; its row is the message’s', async () => {
    const { guest, owner, chat } = await createChat(db);
    const guestTab = await open((await bearerToken(db, guest.id)).token);
    const ownerTab = await open((await bearerToken(db, owner.id)).token);
    const [g, o] = [new Recorder(guestTab), new Recorder(ownerTab)];
    await ownerTab.emitWithAck('join_chat', { chatId: chat.id });

    const url = `${remote.origin}/dock.png`;
    seedEmit(guestTab, { chatId: chat.id, content: 'Photo of the dock', attachments: [{ url, type: 'image' }] });
    const sent = await g.waitFor('message_sent');
    expect(sent).toMatchObject({ chatId: chat.id, clientMessageId: null });

    const delivered = await o.waitFor('new_message', (m) => m.id === sent.messageId);
    expect(delivered.content).toBe('Photo of the dock');
    expect(delivered.files).toHaveLength(1);
    const [file] = delivered.files;
    expect(file).toEqual({
      id: expect.stringMatching(/^[a-f0-9]{32}$/),
      originalName: 'dock.png',
      mimeType: 'image',
      size: 0,
      sourceUrl: url,
      url: `/api/attachments/${file.id}`,
    });
    expect(await db.file.findUniqueOrThrow({ where: { id: file.id } })).toMatchObject({
      messageId: sent.messageId,
      uploaderId: guest.id,
      sourceUrl: url,
      storageKey: null,
    });
    // Nothing is fetched at send: the first read does it.
    expect(remote.hits('/dock.png')).toBe(0);
    expect(g.of('message_error')).toEqual([]);
  });

  it('refuses bad URLs and too many attachments, seed-style and with an ack, storing nothing', async () => {
    const { guest, chat } = await createChat(db);
    const tab = await open((await bearerToken(db, guest.id)).token);
    const r = new Recorder(tab);
    const before = await counts();
    const bad = [
      'javascript:alert(1)',
      'http://127.0.0.1/x.png',
      'file:///etc/passwd',
      'https://10.0.0.1/x.png',
      'https://169.254.169.254/',
    ];
    const tooMany = Array.from({ length: MAX_ATTACHMENTS + 1 }, (_, i) => ({
      url: `https://example.com/${i}.png`,
      type: 'image',
    }));

    for (const [n, url] of bad.entries()) {
      const attachments = [
        { url: 'https://example.com/fine.png', type: 'image' },
        { url, type: 'image' },
      ];
      seedEmit(tab, { chatId: chat.id, content: 'look', clientMessageId: `bad-${n}`, attachments });
      expect(await r.waitFor('message_error', (e) => e.clientMessageId === `bad-${n}`)).toMatchObject({
        code: 'VALIDATION',
      });
      const acked = await tab.emitWithAck('send_message', { chatId: chat.id, content: 'look', attachments });
      expect(acked.ok).toBe(false);
      if (acked.ok) continue;
      expect(acked.error).toMatchObject({
        code: 'VALIDATION',
        details: [{ path: ['attachments', 1, 'url'], message: expect.any(String) }],
      });
    }
    seedEmit(tab, { chatId: chat.id, content: 'many', clientMessageId: 'too-many', attachments: tooMany });
    expect(await r.waitFor('message_error', (e) => e.clientMessageId === 'too-many')).toMatchObject({
      code: 'VALIDATION',
    });
    const acked = await tab.emitWithAck('send_message', { chatId: chat.id, content: 'many', attachments: tooMany });
    expect(acked.ok ? null : acked.error.code).toBe('VALIDATION');

    expect(r.of('message_sent')).toEqual([]);
    expect(await counts()).toEqual(before);
  });
});
