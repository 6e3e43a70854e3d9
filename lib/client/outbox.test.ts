import { describe, expect, it, vi } from 'vitest';
import {
  memoryOutboxStorage,
  Outbox,
  webLockTabPresence,
  type OutboxItem,
  type OutboxStorage,
  type SendOutcome,
  type TabPresence,
} from './outbox';

function recorder(outcomes: Array<SendOutcome | ((item: OutboxItem) => SendOutcome)>) {
  const tries: Array<{ clientMessageId: string; content: string }> = [];
  const send = async (item: OutboxItem): Promise<SendOutcome> => {
    tries.push({ clientMessageId: item.clientMessageId, content: item.content });
    const next = outcomes.shift() ?? { kind: 'stored' };
    return typeof next === 'function' ? next(item) : next;
  };
  return { tries, send };
}

/**
 * Pages of one browser, as the Web Locks presence sees them: open until closed, and one
 * take-over at a time.
 */
function fakeBrowser() {
  const open = new Set<string>();
  const gone = new Map<string, Array<() => void>>();
  let takeovers: Promise<unknown> = Promise.resolve();
  return {
    open(id: string): TabPresence {
      open.add(id);
      return {
        id,
        openTabs: async () => new Set(open),
        whenGone: (tabId) =>
          open.has(tabId)
            ? new Promise<void>((resolve) => gone.set(tabId, [...(gone.get(tabId) ?? []), resolve]))
            : Promise.resolve(),
        exclusively: <T>(fn: () => Promise<T>) => {
          const run = takeovers.then(fn);
          takeovers = run.catch(() => {});
          return run;
        },
      };
    },
    close(id: string) {
      open.delete(id);
      for (const resolve of gone.get(id) ?? []) resolve();
      gone.delete(id);
    },
  };
}

const offline: SendOutcome = { kind: 'unavailable', code: 'TIMEOUT', message: 'no ack' };

describe('Outbox', () => {
  it('sends in the order typed and empties itself', async () => {
    const outbox = new Outbox(memoryOutboxStorage());
    for (const content of ['one', 'two', 'three']) await outbox.add({ chatId: 'c', content });
    const { tries, send } = recorder([]);
    await outbox.flush(send);
    expect(tries.map((t) => t.content)).toEqual(['one', 'two', 'three']);
    expect(outbox.items()).toEqual([]);
  });

  it('keeps the clientMessageId through every retry, and later messages never overtake', async () => {
    const outbox = new Outbox(memoryOutboxStorage());
    const first = await outbox.add({ chatId: 'c', content: 'first' });
    await outbox.add({ chatId: 'c', content: 'second' });
    const { tries, send } = recorder([offline, offline]);
    await outbox.flush(send); // times out, stops
    await outbox.flush(send); // times out again
    await outbox.flush(send); // goes through, then the second one
    expect(tries.map((t) => t.content)).toEqual(['first', 'first', 'first', 'second']);
    expect(new Set(tries.slice(0, 3).map((t) => t.clientMessageId))).toEqual(new Set([first.clientMessageId]));
    expect(outbox.items()).toEqual([]);
  });

  it('announces a new message only once it is stored, so what the page shows survives a closed tab', async () => {
    const storage = memoryOutboxStorage();
    const outbox = new Outbox(storage);
    // At every announcement: what the page is told is waiting, and what storage holds then.
    const seen: Array<{ announced: string[]; stored: string[] }> = [];
    outbox.subscribe((items) => {
      const announced = items.map((i) => i.content);
      void storage.load().then((held) => seen.push({ announced, stored: held.map((i) => i.content) }));
    });
    await outbox.add({ chatId: 'c', content: 'one' });
    await outbox.add({ chatId: 'c', content: 'two' });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(seen.at(-1)).toEqual({ announced: ['one', 'two'], stored: ['one', 'two'] });
    for (const { announced, stored } of seen) expect(stored).toEqual(expect.arrayContaining(announced));
  });

  it('still sends a message the browser could not store (it only would not outlive the page)', async () => {
    const broken: OutboxStorage = {
      load: () => Promise.reject(new Error('Connection to Indexed Database server lost')),
      put: () => Promise.reject(new Error('QuotaExceededError')),
      remove: () => Promise.reject(new Error('Connection to Indexed Database server lost')),
    };
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const outbox = new Outbox(broken);
    const item = await outbox.add({ chatId: 'c', content: 'kept in memory' });
    expect(outbox.items()).toEqual([item]);
    const { tries, send } = recorder([offline]);
    await outbox.flush(send); // a timed-out try is recorded (in memory) despite the storage
    expect(outbox.items()[0]).toMatchObject({ attempts: 1, lastError: { code: 'TIMEOUT' } });
    await outbox.flush(send);
    expect(tries.map((t) => t.content)).toEqual(['kept in memory', 'kept in memory']);
    expect(outbox.items()).toEqual([]);
    expect(warn).toHaveBeenCalledWith('Outbox: could not update the stored messages', expect.any(Error));
    warn.mockRestore();
  });

  it('shows a new message only once its record is written, even when something else changes meanwhile', async () => {
    const storage = memoryOutboxStorage();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow: OutboxStorage = {
      ...storage,
      put: async (item) => (item.content === 'new' && (await gate), storage.put(item)),
    };
    const outbox = new Outbox(slow, 1);
    const failed = await outbox.add({ chatId: 'c', content: 'failed before' });
    await outbox.flush(recorder([offline]).send);
    const announced: string[][] = [];
    outbox.subscribe((items) => announced.push(items.map((i) => i.content)));
    const adding = outbox.add({ chatId: 'c', content: 'new' });
    await new Promise((resolve) => setTimeout(resolve, 0));
    await outbox.retry(failed.clientMessageId); // announces the list while 'new' is being written
    expect(announced.flat()).not.toContain('new');
    release();
    await adding;
    expect(announced.at(-1)).toEqual(['failed before', 'new']);
    expect((await storage.load()).map((i) => i.content).sort()).toEqual(['failed before', 'new']);
  });

  it('leaves the messages of a tab still open to it, and sends them by itself once that tab is gone', async () => {
    const storage = memoryOutboxStorage();
    const browser = fakeBrowser();
    const tabA = new Outbox(storage, 3, browser.open('A'));
    const tabB = new Outbox(storage, 3, browser.open('B'));
    await tabB.load();
    const fromA = await tabA.add({ chatId: 'c', content: 'typed in tab A' });
    await tabA.flush(recorder([{ kind: 'unavailable', code: 'OFFLINE', message: 'offline' }]).send);

    const b = recorder([]);
    await tabB.flush(b.send); // tab A is open: it sends its own
    const tabC = new Outbox(storage, 3, browser.open('C')); // nor does a page opened now take them
    await tabC.load();
    expect(b.tries).toEqual([]);
    expect(tabB.items()).toEqual([]);
    expect(tabC.items()).toEqual([]);

    browser.close('A'); // tab B, idle, notices and sends it (tab C never flushed: it waits)
    await vi.waitFor(() =>
      expect(b.tries).toEqual([{ clientMessageId: fromA.clientMessageId, content: 'typed in tab A' }]),
    );
    await vi.waitFor(async () => expect(await storage.load()).toEqual([]));
  });

  it("two open tabs flushing at once take over a closed tab's message once between them", async () => {
    const storage = memoryOutboxStorage();
    const browser = fakeBrowser();
    const closed = new Outbox(storage, 3, browser.open('A'));
    await closed.add({ chatId: 'c', content: 'left behind' });
    browser.close('A');
    const tabB = new Outbox(storage, 3, browser.open('B'));
    const tabC = new Outbox(storage, 3, browser.open('C'));
    const b = recorder([]);
    const c = recorder([]);
    await Promise.all([tabB.flush(b.send), tabC.flush(c.send)]); // both back online together
    expect([...b.tries, ...c.tries].map((t) => t.content)).toEqual(['left behind']);
  });

  it('one presence per page: a second client of the page takes over what the first left', async () => {
    const storage = memoryOutboxStorage();
    const presence = webLockTabPresence();
    expect(webLockTabPresence()).toBe(presence);
    const first = new Outbox(storage, 3, presence);
    await first.add({ chatId: 'c', content: 'typed before the inbox mounted again' });
    const second = new Outbox(storage, 3, webLockTabPresence());
    const { tries, send } = recorder([]);
    await second.flush(send);
    expect(tries.map((t) => t.content)).toEqual(['typed before the inbox mounted again']);
  });

  it('survives a reload: a new Outbox on the same storage sends what was left', async () => {
    const storage = memoryOutboxStorage();
    const before = new Outbox(storage);
    const a = await before.add({ chatId: 'c', content: 'typed offline 1' });
    const b = await before.add({ chatId: 'c', content: 'typed offline 2' });
    await before.flush(recorder([offline]).send);

    const after = new Outbox(storage); // the page was reloaded
    await after.load();
    expect(after.items().map((i) => i.clientMessageId)).toEqual([a.clientMessageId, b.clientMessageId]);
    const { tries, send } = recorder([]);
    await after.flush(send);
    expect(tries.map((t) => t.clientMessageId)).toEqual([a.clientMessageId, b.clientMessageId]);
    expect(await storage.load()).toEqual([]);
  });

  it('sends what another tab of the user left behind (typed offline there, that tab closed)', async () => {
    const storage = memoryOutboxStorage();
    const open = new Outbox(storage); // a tab that stays open
    await open.load();
    const closed = new Outbox(storage); // a second tab, offline
    const left = await closed.add({ chatId: 'c', content: 'typed in the closed tab' });
    await closed.flush(recorder([{ kind: 'unavailable', code: 'OFFLINE', message: 'offline' }]).send);

    const { tries, send } = recorder([]);
    await open.flush(send); // back online
    expect(tries).toEqual([{ clientMessageId: left.clientMessageId, content: 'typed in the closed tab' }]);
    expect(await storage.load()).toEqual([]);
    await open.flush(send);
    expect(tries).toHaveLength(1);
  });

  it('marks a message failed after the last attempt, and lets the user retry or delete it', async () => {
    const outbox = new Outbox(memoryOutboxStorage(), 3);
    const item = await outbox.add({ chatId: 'c', content: 'doomed' });
    const { send } = recorder([offline, offline, offline]);
    for (let i = 0; i < 3; i++) await outbox.flush(send);
    expect(outbox.items()[0]).toMatchObject({ status: 'failed', attempts: 3, lastError: { code: 'TIMEOUT' } });
    await outbox.flush(send); // a failed message is not retried by itself
    expect(outbox.items()[0]!.attempts).toBe(3);

    await outbox.retry(item.clientMessageId);
    expect(outbox.items()[0]).toMatchObject({ status: 'pending', attempts: 0 });
    const { tries, send: ok } = recorder([]);
    await outbox.flush(ok);
    expect(tries[0]!.clientMessageId).toBe(item.clientMessageId);
    expect(outbox.items()).toEqual([]);

    const other = await outbox.add({ chatId: 'c', content: 'never mind' });
    await outbox.remove(other.clientMessageId);
    expect(outbox.items()).toEqual([]);
  });

  it('marks a rejected message failed at once and goes on with the next', async () => {
    const outbox = new Outbox(memoryOutboxStorage());
    await outbox.add({ chatId: 'gone', content: 'to a chat I left' });
    await outbox.add({ chatId: 'c', content: 'fine' });
    const { tries, send } = recorder([{ kind: 'rejected', code: 'NOT_FOUND', message: 'Chat not found' }]);
    await outbox.flush(send);
    expect(tries.map((t) => t.content)).toEqual(['to a chat I left', 'fine']);
    expect(outbox.items()).toEqual([
      expect.objectContaining({ content: 'to a chat I left', status: 'failed', attempts: 1 }),
    ]);
  });

  it('shares one run between concurrent flushes, so nothing is sent twice at once', async () => {
    const outbox = new Outbox(memoryOutboxStorage());
    await outbox.add({ chatId: 'c', content: 'a' });
    await outbox.add({ chatId: 'c', content: 'b' });
    const { tries, send } = recorder([]);
    await Promise.all([outbox.flush(send), outbox.flush(send), outbox.flush(send)]);
    expect(tries.map((t) => t.content)).toEqual(['a', 'b']);
  });

  it('never fails a message for being offline: it waits, in order, however often it is flushed', async () => {
    const outbox = new Outbox(memoryOutboxStorage(), 3);
    for (const content of ['a', 'b', 'c', 'd']) await outbox.add({ chatId: 'c', content });
    const notConnected: SendOutcome = { kind: 'unavailable', code: 'OFFLINE', message: 'Not connected' };
    const { tries, send } = recorder(Array.from({ length: 10 }, () => notConnected));
    for (let i = 0; i < 10; i++) await outbox.flush(send);
    expect(outbox.items().map((i) => [i.content, i.status, i.attempts])).toEqual([
      ['a', 'pending', 0],
      ['b', 'pending', 0],
      ['c', 'pending', 0],
      ['d', 'pending', 0],
    ]);
    expect(new Set(tries.map((t) => t.content))).toEqual(new Set(['a'])); // later ones never overtake
    const online = recorder([]);
    await outbox.flush(online.send);
    expect(online.tries.map((t) => t.content)).toEqual(['a', 'b', 'c', 'd']);
  });

  it("two tabs on the same storage keep each other's messages, and each goes out once", async () => {
    const storage = memoryOutboxStorage();
    const tabA = new Outbox(storage);
    const tabB = new Outbox(storage);
    await tabA.load();
    await tabB.load();
    const fromA = await tabA.add({ chatId: 'c', content: 'typed in tab A' });
    const fromB = await tabB.add({ chatId: 'c', content: 'typed in tab B' });
    // One record per message: neither tab's write replaced the other's.
    expect((await storage.load()).map((i) => i.content).sort()).toEqual(['typed in tab A', 'typed in tab B']);
    // Tab A is closed before it could send; tab B sends its own and what tab A left.
    const { tries, send } = recorder([]);
    await tabB.flush(send);
    expect(tries.map((t) => t.clientMessageId)).toEqual([fromA.clientMessageId, fromB.clientMessageId]);
    expect(await storage.load()).toEqual([]);
  });
});

describe('Outbox: edits and unsends', () => {
  it('queues a change after the sends before it, and sends it with its own record', async () => {
    const outbox = new Outbox(memoryOutboxStorage());
    await outbox.add({ chatId: 'c', content: 'one' });
    await outbox.add({ chatId: 'c', content: 'one!', change: { kind: 'edit', messageId: 'm1' } });
    await outbox.add({ chatId: 'c', content: '', change: { kind: 'unsend', messageId: 'm1' } });
    const kinds: string[] = [];
    await outbox.flush(async (item) => {
      kinds.push(item.change?.kind ?? 'send');
      return { kind: 'stored' };
    });
    expect(kinds).toEqual(['send', 'edit', 'unsend']);
    expect(outbox.items()).toEqual([]);
  });

  it('revises or drops a send still waiting, and refuses once its try is under way', async () => {
    const outbox = new Outbox(memoryOutboxStorage());
    const waiting = await outbox.add({ chatId: 'c', content: 'typo' });
    const dropped = await outbox.add({ chatId: 'c', content: 'oops' });
    expect(await outbox.reviseSend(waiting.clientMessageId, 'fixed')).toBe(true);
    expect(await outbox.dropSend(dropped.clientMessageId)).toBe(true);
    const seen: string[] = [];
    let duringTry: boolean | undefined;
    await outbox.flush(async (item) => {
      seen.push(item.content);
      duringTry = await outbox.reviseSend(item.clientMessageId, 'too late');
      return { kind: 'stored' };
    });
    expect(seen).toEqual(['fixed']);
    expect(duringTry).toBe(false);
    expect(await outbox.reviseSend(waiting.clientMessageId, 'gone')).toBe(false);
  });

  it('keeps a queued change across a reload, like a send', async () => {
    const storage = memoryOutboxStorage();
    const first = new Outbox(storage);
    await first.add({ chatId: 'c', content: 'new text', change: { kind: 'edit', messageId: 'm7' } });
    const reloaded = new Outbox(storage);
    const { tries, send } = recorder([]);
    await reloaded.flush(send);
    expect(tries).toEqual([expect.objectContaining({ content: 'new text' })]);
  });
});
