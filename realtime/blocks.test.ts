// Blocking over real sockets (one server on a real database, socket.io clients): both members'
// tabs hear chat_block_changed; the blocked member's send_message, react and typing are refused
// with BLOCKED; the blocker's typing does not reach them; presence is hidden both ways (on join,
// and when a tab opens or closes); unblocking restores sending and presence.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setBlock } from '../lib/chat/blocks';
import { sendMessage } from '../lib/chat/send-messages';
import { db } from '../lib/db';
import { bearerToken, createChat } from '../test/fixtures';
import { connect, eventually, Recorder, startServer, type Client } from './test-support';
import { userRoom } from './rooms';
import type { RealtimeServer } from './server';

describe('blocking over sockets', () => {
  let server: RealtimeServer;
  const clients: Client[] = [];
  const open = async (userId: string) => {
    const client = await connect(server.url, (await bearerToken(db, userId)).token);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    clients.forEach((c) => c.close());
    await server?.close();
  });

  it('refuses the blocked member with BLOCKED, hides typing and presence, and unblocking restores', async () => {
    const { guest, owner, chat } = await createChat(db);
    const theirs = await sendMessage(db, owner.id, { chatId: chat.id, content: 'welcome' });
    const guestTab = await open(guest.id);
    const ownerTab = await open(owner.id);
    const guest$ = new Recorder(guestTab);
    const owner$ = new Recorder(ownerTab);
    expect((await guestTab.emitWithAck('join_chat', { chatId: chat.id })).ok).toBe(true);
    expect((await ownerTab.emitWithAck('join_chat', { chatId: chat.id })).ok).toBe(true);

    await setBlock(db, owner.id, chat.id, {}, true);
    // Both members' tabs learn it live (REST publishes; the node relays from LISTEN).
    const change = { chatId: chat.id, blockedUserIds: [guest.id] };
    expect(await guest$.waitFor('chat_block_changed')).toEqual(change);
    expect(await owner$.waitFor('chat_block_changed')).toEqual(change);
    // Each sees the other as hidden: offline, with no last-seen time.
    expect(await guest$.waitFor('presence', (p) => p.userId === owner.id && !p.online)).toEqual({
      userId: owner.id,
      online: false,
      lastSeen: null,
    });
    await owner$.waitFor('presence', (p) => p.userId === guest.id && !p.online);

    const send = await guestTab.emitWithAck('send_message', {
      chatId: chat.id,
      content: 'are you there?',
      clientMessageId: 'blocked-socket-1',
    });
    expect(send).toMatchObject({ ok: false, error: { code: 'BLOCKED' } });
    const react = await guestTab.emitWithAck('react', {
      chatId: chat.id,
      messageId: theirs.message.id,
      emoji: '👍',
      on: true,
    });
    expect(react).toMatchObject({ ok: false, error: { code: 'BLOCKED' } });
    const typing = await guestTab.emitWithAck('typing', { chatId: chat.id, isTyping: true });
    expect(typing).toMatchObject({ ok: false, error: { code: 'BLOCKED' } });
    // The blocker's typing is not relayed to the one they blocked.
    expect(await ownerTab.emitWithAck('typing', { chatId: chat.id, isTyping: true })).toEqual({
      ok: true,
      data: { relayed: false },
    });
    // Joining again shows the other's presence hidden.
    const rejoin = await guestTab.emitWithAck('join_chat', { chatId: chat.id });
    expect(rejoin).toMatchObject({ ok: true, data: { presence: { userId: owner.id, online: false, lastSeen: null } } });
    // The blocked guest going offline and coming back is not announced to the owner.
    const presenceBefore = owner$.of('presence').length;
    guestTab.close();
    await eventually(async () => !(await server.io.in(userRoom(guest.id)).fetchSockets()).length, 'the guest offline');
    const guestTab2 = await open(guest.id);
    const guest2$ = new Recorder(guestTab2);
    expect((await guestTab2.emitWithAck('join_chat', { chatId: chat.id })).ok).toBe(true);
    // A round trip on the owner's socket after the guest's disconnect and connect were handled.
    await ownerTab.emitWithAck('join_chat', { chatId: chat.id });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(owner$.of('presence').slice(presenceBefore)).toEqual([]);

    expect(await db.message.count({ where: { chatId: chat.id, senderId: guest.id } })).toBe(0);
    expect(await db.messageReaction.count({ where: { messageId: theirs.message.id } })).toBe(0);
    expect(guest$.of('typing')).toEqual([]);
    expect(owner$.of('typing')).toEqual([]);

    await setBlock(db, owner.id, chat.id, {}, false);
    await guest2$.waitFor('chat_block_changed', (p) => p.blockedUserIds.length === 0);
    // The real presence comes back: both are online.
    await guest2$.waitFor('presence', (p) => p.userId === owner.id && p.online);
    await owner$.waitFor('presence', (p) => p.userId === guest.id && p.online);
    const after = await guestTab2.emitWithAck('send_message', { chatId: chat.id, content: 'thanks for unblocking' });
    expect(after).toMatchObject({ ok: true });
    expect(await ownerTab.emitWithAck('typing', { chatId: chat.id, isTyping: true })).toEqual({
      ok: true,
      data: { relayed: true },
    });
    await eventually(() => guest2$.of('typing').some((t) => t.isTyping), 'the owner typing to reach the guest');
  });
});
