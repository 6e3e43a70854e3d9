// Search on the real database: fragments of words, URLs and door codes, case and accents, any
// script, live and archived messages, edits and unsends reflected at once, names of the other
// party and the property, only the user's own conversations, paging, and bad input.
import { describe, expect, it } from 'vitest';
import { storage } from '../attachments/storage';
import { db } from '../db';
import { parseInput } from '../validation';
import { archiveAsOld, createChat, createUser } from '../../test/fixtures';
import { editMessage, unsendMessage } from './message-changes';
import { searchQuerySchema } from './schemas';
import { RECENT_WINDOW, searchInbox } from './search';
import { sendMessage } from './send-messages';

const search = (userId: string, q: string, extra: Record<string, string> = {}) =>
  searchInbox(db, userId, parseInput(searchQuerySchema, { q, ...extra }));
const foundIds = async (userId: string, q: string) => (await search(userId, q)).messages.map((m) => m.id);

describe('search', () => {
  it('finds parts of words, URLs and door codes, whatever the case and accents, in any script', async () => {
    const { guest, owner, chat } = await createChat(db);
    const send = async (content: string) => (await sendMessage(db, guest.id, { chatId: chat.id, content })).message.id;
    const kayaks = await send('Can we borrow the KAYAKS tomorrow?');
    const url = await send('The route: https://maps.example.com/place/lighthouse-point?ref=42');
    const code = await send('Door code is 4821#, the lockbox is left of the door');
    const accents = await send('Le château est magnifique, merci Zoë');
    const greek = await send('Ευχαριστώ πολύ για τη φιλοξενία');
    const japanese = await send('チェックインは午後三時からです');

    expect(await foundIds(owner.id, 'kay')).toEqual([kayaks]);
    expect(await foundIds(owner.id, 'Kayak')).toEqual([kayaks]);
    expect(await foundIds(owner.id, 'lighthouse')).toEqual([url]);
    expect(await foundIds(owner.id, 'house-po')).toEqual([url]);
    expect(await foundIds(owner.id, '821')).toEqual([code]);
    expect(await foundIds(owner.id, 'CHATEAU')).toEqual([accents]);
    expect(await foundIds(owner.id, 'zoe')).toEqual([accents]);
    expect(await foundIds(owner.id, 'Château')).toEqual([accents]);
    expect(await foundIds(owner.id, 'ευχαριστω')).toEqual([greek]);
    expect(await foundIds(owner.id, '午後三時')).toEqual([japanese]);
    // Both members find it; the newest first.
    expect(await foundIds(guest.id, 'door')).toEqual([code]);
    expect(await foundIds(guest.id, 'the')).toEqual([code, url, kayaks]);

    const [hit] = (await search(owner.id, 'kay')).messages;
    expect(hit).toMatchObject({
      id: kayaks,
      chatId: chat.id,
      senderId: guest.id,
      otherParty: { id: guest.id, name: guest.name },
      snippet: { text: 'Can we borrow the KAYAKS tomorrow?', highlights: [[18, 21]] },
    });
  });

  it('finds only the user’s own conversations', async () => {
    const mine = await createChat(db);
    const theirs = await createChat(db);
    const word = `zebra${Date.now().toString(36)}`;
    const own = await sendMessage(db, mine.guest.id, { chatId: mine.chat.id, content: `a ${word} here` });
    await sendMessage(db, theirs.guest.id, { chatId: theirs.chat.id, content: `another ${word} there` });
    expect(await foundIds(mine.owner.id, word)).toEqual([own.message.id]);
    const stranger = await createUser(db);
    expect(await search(stranger.id, word)).toEqual({ query: word, chats: [], messages: [], nextCursor: null });
  });

  it('reflects edits and unsends at once, and finds archived messages', async () => {
    const { guest, owner, chat } = await createChat(db);
    const edited = await sendMessage(db, guest.id, { chatId: chat.id, content: 'Arriving by ferry' });
    const unsent = await sendMessage(db, guest.id, { chatId: chat.id, content: 'Gate code 7093' });
    const old = await sendMessage(db, guest.id, { chatId: chat.id, content: 'Is the sauna heated in winter?' });
    await editMessage(db, guest.id, { chatId: chat.id, messageId: edited.message.id, content: 'Arriving by train' });
    await unsendMessage(db, storage, guest.id, { chatId: chat.id, messageId: unsent.message.id });
    expect(await foundIds(owner.id, 'ferry')).toEqual([]);
    expect(await foundIds(owner.id, 'train')).toEqual([edited.message.id]);
    expect(await foundIds(owner.id, '7093')).toEqual([]);

    await archiveAsOld(db, [old.message.id]);
    expect(await db.archivedMessage.count({ where: { id: old.message.id } })).toBe(1);
    expect(await foundIds(owner.id, 'sauna')).toEqual([old.message.id]);
  });

  it('finds chats by the other party’s name and the property’s name', async () => {
    const owner = await createUser(db, 'OWNER', 'Bea Quintero');
    const guest = await createUser(db, 'GUEST', 'Ólafur Jónsson');
    const property = await db.property.create({ data: { ownerId: owner.id, name: 'Fjord Cabin' } });
    const chat = await db.chat.create({ data: { guestId: guest.id, ownerId: owner.id, propertyId: property.id } });
    const match = { chatId: chat.id, property: { id: property.id, name: 'Fjord Cabin' } };

    expect((await search(owner.id, 'olaf')).chats).toEqual([
      { ...match, otherParty: { id: guest.id, name: 'Ólafur Jónsson' } },
    ]);
    expect((await search(guest.id, 'quinter')).chats).toEqual([
      { ...match, otherParty: { id: owner.id, name: 'Bea Quintero' } },
    ]);
    expect((await search(guest.id, 'fjord')).chats.map((c) => c.chatId)).toEqual([chat.id]);
    // Searching one's own name finds nothing: it is the other party that is matched.
    expect((await search(guest.id, 'olafur')).chats).toEqual([]);
  });

  it('pages through many results newest first, without gaps or repeats', async () => {
    const { guest, owner, chat } = await createChat(db);
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      ids.push((await sendMessage(db, guest.id, { chatId: chat.id, content: `towel request ${i}` })).message.id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await search(owner.id, 'towel', { limit: '3', ...(cursor ? { cursor } : {}) });
      seen.push(...page.messages.map((m) => m.id));
      if (pages > 0) expect(page.chats).toEqual([]);
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual(ids.reverse());
  });

  it('finds matches older than the newest RECENT_WINDOW messages, rare or common, and pages across that edge', async () => {
    const { guest, owner, chat } = await createChat(db);
    const total = RECENT_WINDOW + 100;
    // Message i (1 = oldest): 'walrus' in the oldest only, 'common' in every one.
    await db.$executeRaw`
      INSERT INTO messages (id, chat_id, sender_id, recipient_id, property_id, content, created_at)
      SELECT 'srw' || lpad(i::text, 6, '0') || ${chat.id}, ${chat.id}, ${guest.id}, ${owner.id}, ${chat.propertyId},
             CASE WHEN i = 1 THEN 'a walrus and a common word' ELSE 'a common word ' || i END,
             now() - (${total}::int - i) * interval '1 second'
      FROM generate_series(1, ${total}::int) i`;
    const idOf = (i: number) => `srw${String(i).padStart(6, '0')}${chat.id}`;
    expect(await foundIds(owner.id, 'walrus')).toEqual([idOf(1)]);

    // Common: pages of 50 straight through the window's edge (messages 100 and 101 from the oldest).
    let cursor: string | undefined;
    const seen: string[] = [];
    for (let page = 0; page < RECENT_WINDOW / 50 + 1; page++) {
      const result = await search(owner.id, 'common', { limit: '50', ...(cursor ? { cursor } : {}) });
      seen.push(...result.messages.map((m) => m.id));
      cursor = result.nextCursor ?? undefined;
    }
    expect(seen).toHaveLength(RECENT_WINDOW + 50);
    expect(seen.slice(-3)).toEqual([idOf(53), idOf(52), idOf(51)]);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('across several chats, one far busier, gives exactly the newest matches, page after page', async () => {
    const busy = await createChat(db);
    const owner = busy.owner;
    const others = await Promise.all(
      [0, 1].map(async () => {
        const guest = await createUser(db);
        return db.chat.create({ data: { guestId: guest.id, ownerId: owner.id, propertyId: busy.property.id } });
      }),
    );
    // The busy chat: RECENT_WINDOW + 200 messages, one a second, every tenth holding 'lantern'.
    const total = RECENT_WINDOW + 200;
    await db.$executeRaw`
      INSERT INTO messages (id, chat_id, sender_id, recipient_id, property_id, content, created_at)
      SELECT 'scb' || lpad(i::text, 6, '0') || ${busy.chat.id}, ${busy.chat.id}, ${busy.guest.id}, ${owner.id},
             ${busy.property.id}, CASE WHEN i % 10 = 0 THEN 'a lantern ' || i ELSE 'filler ' || i END,
             now() - (${total}::int - i) * interval '1 second'
      FROM generate_series(1, ${total}::int) i`;
    // The quiet chats: a few old lanterns, older than most of the busy chat.
    for (const [n, chat] of others.entries()) {
      await db.$executeRaw`
        INSERT INTO messages (id, chat_id, sender_id, recipient_id, property_id, content, created_at)
        SELECT 'scq' || ${n} || lpad(i::text, 3, '0') || ${chat.id}, ${chat.id}, ${chat.guestId}, ${owner.id},
               ${chat.propertyId}, 'quiet lantern ' || i, now() - (${total}::int - i * 700 + ${n}) * interval '1 second'
        FROM generate_series(1, 7) i`;
    }
    const expected = (
      await db.$queryRaw<Array<{ id: string }>>`
        SELECT id FROM messages WHERE recipient_id = ${owner.id} AND content LIKE '%lantern%'
        ORDER BY created_at DESC, id DESC`
    ).map((r) => r.id);
    expect(expected.length).toBe(total / 10 + 14);

    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 100; page++) {
      const result = await search(owner.id, 'LANTERN', { limit: '50', ...(cursor ? { cursor } : {}) });
      seen.push(...result.messages.map((m) => m.id));
      if (!result.nextCursor) break;
      cursor = result.nextCursor;
    }
    expect(seen).toEqual(expected);
    // A quiet chat's oldest lantern is found by its own words.
    expect(await foundIds(owner.id, 'quiet lantern 1')).toHaveLength(2);
  });

  it('matches LIKE characters and SQL as plain text, and refuses bad queries with VALIDATION', async () => {
    const { guest, owner, chat } = await createChat(db);
    const percent = await sendMessage(db, guest.id, { chatId: chat.id, content: 'We got 100% of the deposit' });
    await sendMessage(db, guest.id, { chatId: chat.id, content: 'Under_score and back\\slash here' });
    await sendMessage(db, guest.id, { chatId: chat.id, content: 'nothing special' });
    expect(await foundIds(owner.id, '0% o')).toEqual([percent.message.id]);
    expect(await foundIds(owner.id, '%%%')).toEqual([]);
    expect(await foundIds(owner.id, '___')).toEqual([]);
    expect(await foundIds(owner.id, 'r_s')).toHaveLength(1);
    // As a LIKE wildcard, "_" would match the "d" of "Under".
    expect(await foundIds(owner.id, 'n_e')).toEqual([]);
    expect(await foundIds(owner.id, 'k\\s')).toHaveLength(1);
    expect(await foundIds(owner.id, "'; DROP TABLE messages; --")).toEqual([]);
    expect(await foundIds(owner.id, "' OR '1'='1")).toEqual([]);
    expect(await db.message.count({ where: { chatId: chat.id } })).toBe(3);

    const refused = (input: Record<string, unknown>, path = 'q') =>
      expect(() => parseInput(searchQuerySchema, input, 'search')).toThrow(
        expect.objectContaining({
          code: 'VALIDATION',
          extra: { details: [expect.objectContaining({ path: [path] })] },
        }),
      );
    refused({ q: '' });
    refused({ q: '   ' });
    refused({ q: 'ab' });
    refused({ q: 'x'.repeat(2_000) });
    refused({ q: 'tab\there' });
    refused({});
    refused({ q: 'valid', limit: '0' }, 'limit');
    await expect(search(owner.id, 'towel', { cursor: 'not a cursor' })).rejects.toMatchObject({
      code: 'VALIDATION',
      extra: { details: [{ path: ['cursor'] }] },
    });
  });
});
