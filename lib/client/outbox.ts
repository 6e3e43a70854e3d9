// The browser's outbox: every message the user sends goes here first and stays until the server
// has acknowledged storing it. It survives reloads and closed tabs (IndexedDB through
// idb-keyval), is sent strictly in the order typed, and keeps each message's clientMessageId for
// every retry, so the server stores it once however often it is retried. After MAX_ATTEMPTS
// failed tries a message is marked failed; the user can retry or delete it.
import { createStore, get, set, type UseStore } from 'idb-keyval';
import type { ErrorCode } from '../errors';

export const MAX_ATTEMPTS = 3;

export interface OutboxItem {
  clientMessageId: string;
  chatId: string;
  content: string;
  attachments: string[];
  createdAt: string;
  attempts: number;
  status: 'pending' | 'failed';
  lastError?: { code: ErrorCode | 'TIMEOUT' | 'OFFLINE'; message: string };
}

/** How one try ended: stored (done), rejected for good (bad input, no access), or not now. */
export type SendOutcome =
  | { kind: 'stored' }
  | { kind: 'rejected'; code: ErrorCode; message: string }
  | { kind: 'unavailable'; code: ErrorCode | 'TIMEOUT' | 'OFFLINE'; message: string };

export interface OutboxStorage {
  load(): Promise<OutboxItem[]>;
  save(items: OutboxItem[]): Promise<void>;
}

export function indexedDbOutboxStorage(key: string): OutboxStorage {
  let store: UseStore | undefined;
  const db = () => (store ??= createStore('stayeasy', 'outbox'));
  return {
    load: async () => (await get<OutboxItem[]>(key, db())) ?? [],
    save: (items) => set(key, items, db()),
  };
}

export function memoryOutboxStorage(initial: OutboxItem[] = []): OutboxStorage {
  let saved = structuredClone(initial);
  return {
    load: async () => structuredClone(saved),
    save: async (items) => {
      saved = structuredClone(items);
    },
  };
}

export function newClientMessageId(): string {
  return globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}

type Listener = (items: readonly OutboxItem[]) => void;

export class Outbox {
  private list: OutboxItem[] = [];
  private loaded: Promise<void> | undefined;
  private flushing: Promise<void> | undefined;
  private flushAgain = false;
  private readonly listeners = new Set<Listener>();

  constructor(
    private readonly storage: OutboxStorage,
    private readonly maxAttempts = MAX_ATTEMPTS,
  ) {}

  /** Reads what an earlier page left behind; every other method waits for it. */
  load(): Promise<void> {
    return (this.loaded ??= this.storage.load().then((items) => {
      // Keep anything added before the load finished, after what was already waiting.
      const known = new Set(items.map((i) => i.clientMessageId));
      this.list = [...items, ...this.list.filter((i) => !known.has(i.clientMessageId))];
      this.notify();
    }));
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
      attempts: 0,
      status: 'pending',
    };
    await this.update((list) => [...list, item]);
    return item;
  }

  async retry(clientMessageId: string): Promise<void> {
    await this.update((list) =>
      list.map((i) => (i.clientMessageId === clientMessageId ? { ...i, status: 'pending', attempts: 0, lastError: undefined } : i)),
    );
  }

  async remove(clientMessageId: string): Promise<void> {
    await this.update((list) => list.filter((i) => i.clientMessageId !== clientMessageId));
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
      const attempts = item.attempts + 1;
      const failed = outcome.kind === 'rejected' || attempts >= this.maxAttempts;
      await this.update((list) =>
        list.map((i) =>
          i.clientMessageId === item.clientMessageId
            ? { ...i, attempts, status: failed ? 'failed' : 'pending', lastError: { code: outcome.code, message: outcome.message } }
            : i,
        ),
      );
      if (outcome.kind === 'unavailable') return;
    }
  }

  private async update(change: (list: OutboxItem[]) => OutboxItem[]): Promise<void> {
    this.list = change(this.list);
    this.notify();
    await this.storage.save(this.list);
  }

  private notify() {
    for (const listener of this.listeners) listener(this.list);
  }
}
