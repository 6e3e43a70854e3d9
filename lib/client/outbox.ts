// The browser's outbox: every message the user sends goes here first and stays until the server
// has acknowledged storing it. It survives reloads and closed tabs (IndexedDB through
// idb-keyval; a tab sends its own messages, and takes over those of a tab since closed), is
// sent strictly in the order typed (within a tab: two tabs' messages may interleave), and keeps each message's clientMessageId for
// every retry, so the server stores it once however often it is retried. After MAX_ATTEMPTS
// tries that reached no answer or an error a message is marked failed (the user can retry or
// delete it); time spent offline is not a try, so offline messages simply wait.
import { createStore, del, entries, set, type UseStore } from 'idb-keyval';
import type { Quote } from '../chat/message-dto';
import type { Reaction, SendMessageInput } from '../chat/schemas';
import type { ErrorCode } from '../errors';

export const MAX_ATTEMPTS = 3;

/** The id under which a message still in the outbox is shown: `local:<clientMessageId>`. */
export const LOCAL_ID_PREFIX = 'local:';

/**
 * A change to a message already stored, queued like a send (in order after the send it refers
 * to: that send left the outbox when stored, and a change to one still waiting edits or removes
 * it in place instead, see ChatClient).
 */
export interface OutboxChange {
  kind: 'edit' | 'unsend' | 'react';
  /** A reaction's kind and state (put on, or taken off). */
  reaction?: { emoji: Reaction; on: boolean };
  /** The stored message's id; or, for a message whose send was on its way when it was changed, */
  messageId?: string;
  /** …the clientMessageId it was sent with (the server finds it by that). */
  clientMessageId?: string;
}

export interface OutboxItem {
  /** A send's idempotency key; for a change, only this record's key. */
  clientMessageId: string;
  chatId: string;
  /** A send's text, or an edit's new text ('' for an unsend). */
  content: string;
  /** Absent for a send (records written before changes existed are sends). */
  change?: OutboxChange;
  /** Upload ids, and files named by URL (the seed's `{ url, type }`). */
  attachments: NonNullable<SendMessageInput['attachments']>;
  /** A send that answers an earlier message: that message, quoted as it was when the reply was written. */
  replyTo?: Quote;
  createdAt: string;
  /** Tie-breaker for messages typed in the same millisecond. */
  seq: number;
  attempts: number;
  status: 'pending' | 'failed';
  lastError?: { code: ErrorCode | 'TIMEOUT' | 'OFFLINE'; message: string };
  /** The page (TabPresence id) that sends it; absent in records written before there was one. */
  ownerTabId?: string;
}

/** How one try ended: stored (done), rejected for good (bad input, no access), or not now. */
export type SendOutcome =
  | { kind: 'stored' }
  | { kind: 'rejected'; code: ErrorCode; message: string }
  | { kind: 'unavailable'; code: ErrorCode | 'TIMEOUT' | 'OFFLINE'; message: string };

/**
 * Where the outbox lives. One record per message, so tabs of the same user never overwrite
 * each other's messages (each tab writes only the records it changes).
 */
export interface OutboxStorage {
  load(): Promise<OutboxItem[]>;
  put(item: OutboxItem): Promise<void>;
  remove(clientMessageId: string): Promise<void>;
}

export function indexedDbOutboxStorage(userKey: string): OutboxStorage {
  let store: UseStore | undefined;
  const db = () => (store ??= createStore('stayeasy-outbox', 'messages'));
  const prefix = `${userKey}:`;
  return {
    load: async () =>
      (await entries<string, OutboxItem>(db()))
        .filter(([key]) => String(key).startsWith(prefix))
        .map(([, item]) => item),
    // async, so a browser without IndexedDB rejects (which the Outbox survives) instead of throwing.
    put: async (item) => set(prefix + item.clientMessageId, item, db()),
    remove: async (clientMessageId) => del(prefix + clientMessageId, db()),
  };
}

/**
 * Which pages of this browser are open, so a page takes over only the messages of pages that are
 * gone: one still open sends its own (two pages sending one message would double the traffic,
 * and could bring back one the other page had just deleted).
 */
export interface TabPresence {
  /** This page's id; the page counts as open for as long as it lives. */
  readonly id: string;
  openTabs(): Promise<ReadonlySet<string>>;
  /** Resolves once the page with that id has gone. */
  whenGone(tabId: string): Promise<void>;
  /** Runs `fn` while no other page runs it: a take-over is read, check, write. */
  exclusively<T>(fn: () => Promise<T>): Promise<T>;
}

const TAB_LOCK_PREFIX = 'stayeasy-outbox-tab:';
let documentPresence: TabPresence | undefined;

/**
 * The page's presence, one per document (every ChatClient of the page shares it, so a client
 * created after another, e.g. when the inbox layout mounts again, takes over the first one's
 * messages). Through the Web Locks API: the page holds a lock named after its id until it goes
 * away (the browser releases a closed page's locks). Without the API (or on the server), other
 * pages count as gone, as before there was presence.
 */
export function webLockTabPresence(): TabPresence {
  return (documentPresence ??= createWebLockPresence());
}

function createWebLockPresence(): TabPresence {
  const locks = typeof window === 'undefined' ? undefined : (navigator as Navigator | undefined)?.locks;
  if (!locks) return soleTabPresence();
  const id = newClientMessageId();
  locks.request(TAB_LOCK_PREFIX + id, () => new Promise<never>(() => {})).catch(() => {});
  return {
    id,
    openTabs: async () => {
      try {
        const held = (await locks.query()).held ?? [];
        return new Set(
          held.flatMap((lock) =>
            lock.name?.startsWith(TAB_LOCK_PREFIX) ? [lock.name.slice(TAB_LOCK_PREFIX.length)] : [],
          ),
        );
      } catch {
        return new Set();
      }
    },
    // Granted (and given back at once) when the page holding it has gone.
    whenGone: (tabId) =>
      locks
        .request(TAB_LOCK_PREFIX + tabId, async () => {})
        .then(
          () => undefined,
          () => undefined,
        ),
    exclusively: async (fn) => {
      let ran = false;
      try {
        return await locks.request('stayeasy-outbox-takeover', () => ((ran = true), fn()));
      } catch (error) {
        if (ran) throw error;
        return fn(); // no lock to be had (e.g. a sandboxed page): go on without it
      }
    },
  };
}

/** For a page alone with its storage (scripts, tests, browsers without Web Locks): any other owner is gone. */
export function soleTabPresence(): TabPresence {
  return {
    id: newClientMessageId(),
    openTabs: async () => new Set(),
    whenGone: () => new Promise(() => {}),
    exclusively: (fn) => fn(),
  };
}

export function memoryOutboxStorage(initial: OutboxItem[] = []): OutboxStorage {
  const saved = new Map(initial.map((i) => [i.clientMessageId, structuredClone(i)]));
  return {
    load: async () => [...saved.values()].map((i) => structuredClone(i)),
    put: async (item) => {
      saved.set(item.clientMessageId, structuredClone(item));
    },
    remove: async (clientMessageId) => {
      saved.delete(clientMessageId);
    },
  };
}

/** Oldest first; `seq` orders messages typed within the same millisecond. */
function byTypingOrder(a: OutboxItem, b: OutboxItem): number {
  return a.createdAt === b.createdAt ? a.seq - b.seq : a.createdAt < b.createdAt ? -1 : 1;
}

let lastSeq = 0;

export function newClientMessageId(): string {
  return globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}

type Listener = (items: readonly OutboxItem[]) => void;

export class Outbox {
  private list: OutboxItem[] = [];
  private loaded: Promise<void> | undefined;
  private flushing: Promise<void> | undefined;
  private flushAgain = false;
  /** Messages this page has finished with (stored, or deleted by the user): never taken back. */
  private readonly finished = new Set<string>();
  /** New messages whose record is being written: not yet shown, not to be taken over. */
  private readonly adding = new Set<string>();
  private readonly listeners = new Set<Listener>();
  private readonly watched = new Set<string>();
  private lastSend: ((item: OutboxItem) => Promise<SendOutcome>) | undefined;
  /** The item a try is under way for (it cannot be revised any more). */
  private sending: string | undefined;

  constructor(
    private readonly storage: OutboxStorage,
    private readonly maxAttempts = MAX_ATTEMPTS,
    private readonly presence: TabPresence = soleTabPresence(),
  ) {}

  /** Reads what earlier pages left behind; every other method waits for it. */
  load(): Promise<void> {
    return (this.loaded ??= this.adopt(true));
  }

  /**
   * Takes over the stored messages of pages that are gone: an earlier page, or another tab of
   * the user closed before it could send (typed offline there). Each is marked as this page's,
   * under a lock shared by the browser's pages, so two pages never take over the same message.
   * A message whose page is still open is left to it, and taken over (and sent, if a flush has
   * run) when that page goes. Storage failing is not fatal: the page goes on from memory.
   */
  private async adopt(first = false): Promise<void> {
    const taken = await this.presence.exclusively(() => this.takeOver());
    // Checked against the list as it is now: an add may have finished while this ran.
    const found = taken.filter((item) => !this.list.some((i) => i.clientMessageId === item.clientMessageId));
    if (!found.length && !first) return;
    this.list = [...this.list, ...found].sort(byTypingOrder);
    this.notify();
  }

  private async takeOver(): Promise<OutboxItem[]> {
    let stored: OutboxItem[];
    try {
      stored = await this.storage.load();
    } catch (error) {
      console.warn('Outbox: could not read the stored messages', error);
      return [];
    }
    const open = await this.presence.openTabs();
    const found: OutboxItem[] = [];
    for (const item of stored) {
      const id = item.clientMessageId;
      if (this.list.some((i) => i.clientMessageId === id) || this.finished.has(id) || this.adding.has(id)) continue;
      const owner = item.ownerTabId;
      if (owner && owner !== this.presence.id && open.has(owner)) {
        this.watch(owner);
        continue;
      }
      found.push({ ...item, ownerTabId: this.presence.id });
    }
    await Promise.all(found.map((item) => this.persist(this.storage.put(item))));
    return found;
  }

  /** When a page whose messages were left to it goes, flush again (taking them over). */
  private watch(tabId: string) {
    if (this.watched.has(tabId)) return;
    this.watched.add(tabId);
    void this.presence.whenGone(tabId).then(() => {
      this.watched.delete(tabId);
      if (this.lastSend) void this.flush(this.lastSend);
    });
  }

  items(): readonly OutboxItem[] {
    return this.list;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async add(input: {
    chatId: string;
    content: string;
    attachments?: SendMessageInput['attachments'];
    replyTo?: Quote;
    change?: OutboxChange;
  }): Promise<OutboxItem> {
    await this.load();
    const item: OutboxItem = {
      clientMessageId: newClientMessageId(),
      chatId: input.chatId,
      content: input.content,
      attachments: input.attachments ?? [],
      ...(input.replyTo ? { replyTo: input.replyTo } : {}),
      ...(input.change ? { change: input.change } : {}),
      createdAt: new Date().toISOString(),
      seq: ++lastSeq,
      attempts: 0,
      status: 'pending',
      ownerTabId: this.presence.id,
    };
    // Stored before it is shown or sent: what the page shows as waiting must survive the tab
    // closing the next instant. A browser that cannot store it (IndexedDB unavailable, quota)
    // still sends it from memory; it just would not outlive this page.
    this.adding.add(item.clientMessageId);
    await this.persist(this.storage.put(item));
    this.adding.delete(item.clientMessageId);
    this.list = [...this.list, item];
    this.notify();
    return item;
  }

  /**
   * Replaces the text of a send still waiting (an edit made before it went out). False when it is
   * no longer waiting, or already on its way (then the edit must go as a change of the stored message).
   */
  async reviseSend(clientMessageId: string, content: string): Promise<boolean> {
    if (!this.isWaitingSend(clientMessageId)) return false;
    await this.change(clientMessageId, { content });
    return true;
  }

  /** Drops a send still waiting (an unsend made before it went out); false as for reviseSend. */
  async dropSend(clientMessageId: string): Promise<boolean> {
    if (!this.isWaitingSend(clientMessageId)) return false;
    await this.remove(clientMessageId);
    return true;
  }

  private isWaitingSend(clientMessageId: string): boolean {
    return (
      this.sending !== clientMessageId && this.list.some((i) => i.clientMessageId === clientMessageId && !i.change)
    );
  }

  async retry(clientMessageId: string): Promise<void> {
    await this.change(clientMessageId, { status: 'pending', attempts: 0, lastError: undefined });
  }

  async remove(clientMessageId: string): Promise<void> {
    this.finished.add(clientMessageId);
    this.list = this.list.filter((i) => i.clientMessageId !== clientMessageId);
    this.notify();
    // Left behind, a record is only sent again by a later page, and stored once by its id.
    await this.persist(this.storage.remove(clientMessageId));
  }

  /**
   * Sends pending items one at a time, oldest first. A try that cannot reach the server stops
   * the run (later messages must not overtake it); a rejected one is marked failed and the run
   * goes on. Concurrent calls share one run.
   */
  flush(send: (item: OutboxItem) => Promise<SendOutcome>): Promise<void> {
    this.lastSend = send;
    if (this.flushing) {
      this.flushAgain = true;
      return this.flushing;
    }
    this.flushing = (async () => {
      // The first load reads the storage itself; later runs look again for what other pages left.
      let justLoaded = !this.loaded;
      await this.load();
      do {
        this.flushAgain = false;
        if (!justLoaded) await this.adopt();
        justLoaded = false;
        await this.runOnce(send);
      } while (this.flushAgain);
    })().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  private async runOnce(send: (item: OutboxItem) => Promise<SendOutcome>): Promise<void> {
    for (;;) {
      const item = this.list.find((i) => i.status === 'pending');
      if (!item) return;
      let outcome: SendOutcome;
      this.sending = item.clientMessageId;
      try {
        outcome = await send(item);
      } catch (error) {
        outcome = { kind: 'unavailable', code: 'OFFLINE', message: (error as Error).message };
      } finally {
        this.sending = undefined;
      }
      if (outcome.kind === 'stored') {
        await this.remove(item.clientMessageId);
        continue;
      }
      if (outcome.kind === 'unavailable' && outcome.code === 'OFFLINE') {
        // Never tried: not an attempt. It waits, in order, for the connection.
        await this.change(item.clientMessageId, { lastError: { code: outcome.code, message: outcome.message } });
        return;
      }
      const attempts = item.attempts + 1;
      const failed = outcome.kind === 'rejected' || attempts >= this.maxAttempts;
      await this.change(item.clientMessageId, {
        attempts,
        status: failed ? 'failed' : 'pending',
        lastError: { code: outcome.code, message: outcome.message },
      });
      if (outcome.kind === 'unavailable') return;
    }
  }

  private async change(clientMessageId: string, patch: Partial<OutboxItem>): Promise<void> {
    const current = this.list.find((i) => i.clientMessageId === clientMessageId);
    if (!current) return;
    const next = { ...current, ...patch };
    this.list = this.list.map((i) => (i === current ? next : i));
    await this.commit(next);
  }

  private async commit(item: OutboxItem): Promise<void> {
    this.notify();
    await this.persist(this.storage.put(item));
  }

  private persist(write: Promise<void>): Promise<void> {
    return write.catch((error: unknown) => console.warn('Outbox: could not update the stored messages', error));
  }

  private notify() {
    for (const listener of this.listeners) listener(this.list);
  }
}
