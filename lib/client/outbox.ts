// The browser's outbox: every message the user sends goes here first and stays until the server
// has acknowledged storing it. It survives reloads and closed tabs (IndexedDB through
// idb-keyval; any open tab of the user sends what a closed one left), is sent strictly in the
// order typed, and keeps each message's clientMessageId for
// every retry, so the server stores it once however often it is retried. After MAX_ATTEMPTS
// tries that reached no answer or an error a message is marked failed (the user can retry or
// delete it); time spent offline is not a try, so offline messages simply wait.
import { createStore, del, entries, set, type UseStore } from 'idb-keyval';
import type { ErrorCode } from '../errors';

export const MAX_ATTEMPTS = 3;

export interface OutboxItem {
  clientMessageId: string;
  chatId: string;
  content: string;
  attachments: string[];
  createdAt: string;
  /** Tie-breaker for messages typed in the same millisecond. */
  seq: number;
  attempts: number;
  status: 'pending' | 'failed';
  lastError?: { code: ErrorCode | 'TIMEOUT' | 'OFFLINE'; message: string };
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
    put: (item) => set(prefix + item.clientMessageId, item, db()),
    remove: (clientMessageId) => del(prefix + clientMessageId, db()),
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
  private readonly finished = new Set<string>();
  private readonly listeners = new Set<Listener>();

  constructor(
    private readonly storage: OutboxStorage,
    private readonly maxAttempts = MAX_ATTEMPTS,
  ) {}

  /** Reads what an earlier page left behind; every other method waits for it. */
  load(): Promise<void> {
    return (this.loaded ??= this.adopt(true));
  }

  /**
   * Takes in the stored messages this page does not know yet: left by an earlier page, or by
   * another tab of the same user (typed offline there, and that tab closed before it was back
   * online). Messages this page has finished with (stored, or deleted by the user) stay gone.
   */
  private async adopt(first = false): Promise<void> {
    const items = await this.storage.load();
    const known = new Set(this.list.map((i) => i.clientMessageId));
    const found = items.filter((i) => !known.has(i.clientMessageId) && !this.finished.has(i.clientMessageId));
    if (!found.length && !first) return;
    this.list = [...this.list, ...found].sort(byTypingOrder);
    this.notify();
  }

  items(): readonly OutboxItem[] {
    return this.list;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async add(input: { chatId: string; content: string; attachments?: string[] }): Promise<OutboxItem> {
    await this.load();
    const item: OutboxItem = {
      clientMessageId: newClientMessageId(),
      chatId: input.chatId,
      content: input.content,
      attachments: input.attachments ?? [],
      createdAt: new Date().toISOString(),
      seq: ++lastSeq,
      attempts: 0,
      status: 'pending',
    };
    this.list = [...this.list, item];
    // Stored before anyone hears of it: what the page shows as waiting must survive the tab
    // closing the next instant. A browser that cannot store it (no IndexedDB, quota) still sends
    // it from memory; it just would not outlive this page.
    await this.storage.put(item).catch((error: unknown) => console.warn('Outbox: could not store the message durably', error));
    this.notify();
    return item;
  }

  async retry(clientMessageId: string): Promise<void> {
    await this.change(clientMessageId, { status: 'pending', attempts: 0, lastError: undefined });
  }

  async remove(clientMessageId: string): Promise<void> {
    this.finished.add(clientMessageId);
    this.list = this.list.filter((i) => i.clientMessageId !== clientMessageId);
    this.notify();
    await this.storage.remove(clientMessageId);
  }

  /**
   * Sends pending items one at a time, oldest first. A try that cannot reach the server stops
   * the run (later messages must not overtake it); a rejected one is marked failed and the run
   * goes on. Concurrent calls share one run.
   */
  flush(send: (item: OutboxItem) => Promise<SendOutcome>): Promise<void> {
    if (this.flushing) {
      this.flushAgain = true;
      return this.flushing;
    }
    this.flushing = (async () => {
      await this.load();
      do {
        this.flushAgain = false;
        await this.adopt();
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
      try {
        outcome = await send(item);
      } catch (error) {
        outcome = { kind: 'unavailable', code: 'OFFLINE', message: (error as Error).message };
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
    await this.storage.put(item);
  }

  private notify() {
    for (const listener of this.listeners) listener(this.list);
  }
}
