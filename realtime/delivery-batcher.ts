// Delivery receipts from this node's sockets, written in batches so that a busy chat costs one
// small write per interval, not one per message, and never touches the send path: a client's
// `mark_delivered` is noted in memory, and every DELIVERY_BATCH_INTERVAL_MS the node writes all
// it noted in one statement (lib/chat recordDeliveries, which checks each claim and publishes the
// markers that moved). A lone node publishes nothing and tells its own sockets itself.
// A batch that fails to write is dropped and logged: the receipts it held are only late, as the
// next history page, catch-up or chat list the recipient loads records them again.
import type { Logger } from 'pino';
import { recordDeliveries, type DeliveryClaim, type DeliveryReceipt } from '../lib/chat';
import type { Db } from '../lib/db';
import type { RealtimeMetrics } from './metrics';

/** How often a node writes the receipts it noted (clients send theirs every DELIVERY_RECEIPT_INTERVAL_MS). */
export const DELIVERY_BATCH_INTERVAL_MS = 500;

// A chat and member keeps at most this many distinct claims per batch (their tabs' newest).
const CLAIMS_PER_KEY = 8;

export interface DeliveryBatcher {
  note(claim: DeliveryClaim): void;
  /** Writes what was noted now (and waits for a write under way). */
  flush(): Promise<void>;
  /** Writes what is left and stops. */
  close(): Promise<void>;
}

export function createDeliveryBatcher(deps: {
  db: Db;
  announce: boolean;
  intervalMs: number;
  /** Tells this node's sockets (only when not announcing: otherwise every node hears the NOTIFY). */
  deliver: (receipt: DeliveryReceipt) => void;
  /** Runs the write (the node's write semaphore). */
  runWrite: <T>(write: () => Promise<T>) => Promise<T>;
  logger: Logger;
  metrics: RealtimeMetrics;
}): DeliveryBatcher {
  let pending = new Map<string, DeliveryClaim[]>();
  let timer: NodeJS.Timeout | null = null;
  let writing: Promise<void> = Promise.resolve();
  let closed = false;

  async function write(claims: DeliveryClaim[]): Promise<void> {
    try {
      const receipts = await deps.runWrite(() => recordDeliveries(deps.db, claims, { announce: deps.announce }));
      if (!deps.announce) receipts.forEach(deps.deliver);
    } catch (error) {
      deps.metrics.dbErrors.inc({ operation: 'deliveries' });
      deps.logger.warn({ err: error, claims: claims.length }, 'could not record delivery receipts');
    }
  }

  function flush(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = null;
    const claims = [...pending.values()].flat();
    pending = new Map();
    // One write at a time: a marker's moves reach the database (and the sender) in order.
    if (claims.length) writing = writing.then(() => write(claims));
    return writing;
  }

  return {
    note(claim) {
      if (closed) return;
      const key = `${claim.chatId}\u0000${claim.userId}`;
      const claims = pending.get(key) ?? [];
      if (!claims.some((c) => c.messageId === claim.messageId)) claims.push(claim);
      pending.set(key, claims.slice(-CLAIMS_PER_KEY));
      timer ??= setTimeout(() => void flush(), deps.intervalMs);
    },
    flush,
    async close() {
      closed = true;
      await flush();
    },
  };
}
