// The scheduled messages job of a realtime node (lib/chat/scheduled-messages.ts does the work):
// every node runs one, and SKIP LOCKED shares the due rows among them, so no node is special and
// any node down costs nothing. It sweeps at once when started (what fell due while everything was
// down goes first), then every `intervalMs` (a due check is one index probe), and again at once
// while sweeps come back full. A sweep that fails (the database) leaves its rows pending for the
// next one. The messages reach sockets like any other: by their messages_created event.
import type { Logger } from 'pino';
import { sendDueScheduledMessages } from '../lib/chat/scheduled-messages';
import type { Db } from '../lib/db';
import type { RealtimeMetrics } from './metrics';

/** How often a node looks for due messages: each is sent within this (plus a sweep) of its time. */
export const SCHEDULED_SWEEP_INTERVAL_MS = 1_000;
/** Rows one sweep claims (one send statement for all of them). */
export const SCHEDULED_SWEEP_LIMIT = 50;

export interface ScheduledSender {
  /** Stops sweeping; waits for a sweep under way. */
  close(): Promise<void>;
}

export function startScheduledSender(deps: {
  db: Db;
  intervalMs: number;
  logger: Logger;
  metrics: RealtimeMetrics;
}): ScheduledSender {
  const { db, logger, metrics } = deps;
  let timer: NodeJS.Timeout | null = null;
  let closed = false;

  async function sweep(): Promise<boolean> {
    try {
      const result = await sendDueScheduledMessages(db, { limit: SCHEDULED_SWEEP_LIMIT });
      if (result.sent) metrics.scheduledSent.inc(result.sent);
      for (const failure of result.failed) metrics.scheduledFailed.inc({ code: failure.code });
      if (result.failed.length) logger.info({ failed: result.failed }, 'scheduled messages could not be sent');
      return result.claimed === SCHEDULED_SWEEP_LIMIT;
    } catch (error) {
      metrics.dbErrors.inc({ operation: 'scheduled' });
      logger.warn({ err: error }, 'scheduled messages sweep failed; retrying at the next one');
      return false;
    }
  }

  let running: Promise<void> = (async function loop() {
    while (!closed && (await sweep()));
    if (!closed) timer = setTimeout(() => (running = loop()), deps.intervalMs);
  })();

  return {
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
