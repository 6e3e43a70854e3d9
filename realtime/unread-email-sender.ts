// The unread-messages email job of a realtime node (lib/notifications/unread-emails.ts does the
// work). Every node runs one; SKIP LOCKED shares the due bursts among them. A burst is cancelled
// when its recipient has an inbox open and visible on ANY node: asked through the adapter
// (fetchSockets reaches every node's sockets of the user's room with their `visible` flag).
import type { Logger } from 'pino';
import type { Db } from '../lib/db';
import { sendDueUnreadEmails, type UnreadEmailOptions } from '../lib/notifications/unread-emails';
import type { RealtimeIo } from './context';
import type { RealtimeMetrics } from './metrics';
import { userRoom } from './rooms';

/** How often a node looks for due emails. */
export const UNREAD_EMAIL_SWEEP_INTERVAL_MS = 5_000;
/** Bursts one sweep claims. */
export const UNREAD_EMAIL_SWEEP_LIMIT = 20;

export type UnreadEmailSettings = Pick<
  UnreadEmailOptions,
  'sendEmail' | 'delayMs' | 'minIntervalMs' | 'appUrl' | 'secret' | 'retryBaseMs'
> & { intervalMs?: number };

export interface UnreadEmailSender {
  /** Stops sweeping; waits for a sweep under way. */
  close(): Promise<void>;
}

export function startUnreadEmailSender(deps: {
  db: Db;
  io: RealtimeIo;
  settings: UnreadEmailSettings;
  logger: Logger;
  metrics: RealtimeMetrics;
}): UnreadEmailSender {
  const { db, io, settings, logger, metrics } = deps;
  let timer: NodeJS.Timeout | null = null;
  let closed = false;
  const hasVisibleInbox = async (userId: string) =>
    (await io.in(userRoom(userId)).fetchSockets()).some((socket) => socket.data.visible === true);

  async function sweep(): Promise<boolean> {
    try {
      const result = await sendDueUnreadEmails(db, {
        ...settings,
        hasVisibleInbox,
        limit: UNREAD_EMAIL_SWEEP_LIMIT,
      });
      if (result.sent) metrics.unreadEmails.inc({ outcome: 'sent' }, result.sent);
      if (result.cancelled) metrics.unreadEmails.inc({ outcome: 'cancelled' }, result.cancelled);
      if (result.retried) {
        metrics.unreadEmails.inc({ outcome: 'retried' }, result.retried);
        logger.warn({ retried: result.retried }, 'unread-message emails could not be sent; retrying later');
      }
      if (result.failed.length) {
        metrics.unreadEmails.inc({ outcome: 'failed' }, result.failed.length);
        logger.error({ failed: result.failed }, 'unread-message emails given up after repeated SMTP failures');
      }
      return result.claimed === UNREAD_EMAIL_SWEEP_LIMIT && result.retried === 0;
    } catch (error) {
      metrics.dbErrors.inc({ operation: 'unread_email' });
      logger.warn({ err: error }, 'unread-message email sweep failed; retrying at the next one');
      return false;
    }
  }

  let running: Promise<void> = (async function loop() {
    while (!closed && (await sweep()));
    if (!closed) timer = setTimeout(() => (running = loop()), settings.intervalMs ?? UNREAD_EMAIL_SWEEP_INTERVAL_MS);
  })();

  return {
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
