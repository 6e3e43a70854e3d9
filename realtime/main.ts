// The realtime process: environment → its infrastructure (metrics with the process's own,
// Redis when REDIS_URL is set, the chat events listener on the database) → createRealtimeServer
// → listen on REALTIME_PORT. SIGTERM (and Ctrl-C) closes it gracefully: no new connections or
// sends, the sends in flight commit and are acked, then Redis and the database close and the
// process exits. A second signal exits at once.
import type { Logger } from 'pino';

import { loadServerConfiguration } from '../lib/server-start';

// First, before anything that reads the environment: a bad one is one line and exit code 1.
const { env, databaseUrl } = await loadServerConfiguration('realtime');
const { db } = await import('../lib/db');
const { rateLimitOptionsFrom } = await import('../lib/rate-limits');
const { createRealtimeServer } = await import('./server');
const { createRealtimeMetrics } = await import('./metrics');
const { connectRedis } = await import('./connections');
const { listenForChatEvents } = await import('./chat-events');
const { smtpSender } = await import('../lib/notifications/mailer');
const logger: Logger = (await import('../lib/logger')).logger.child({ component: 'realtime' });

async function main() {
  const metrics = createRealtimeMetrics({ defaultMetrics: true });
  const redis = env.REDIS_URL ? await connectRedis(env.REDIS_URL, { logger, metrics }) : undefined;
  // Emails for unread messages need an SMTP server (npm run dev starts a local one).
  const sendEmail = env.SMTP_URL ? smtpSender(env.SMTP_URL, env.MAIL_FROM) : undefined;
  if (!sendEmail) logger.info('SMTP_URL is not set: no emails for unread messages');
  const server = await createRealtimeServer({
    db,
    metrics,
    redis,
    listenForChatEvents: (handlers) =>
      listenForChatEvents({ connectionString: databaseUrl, logger, metrics, ...handlers }),
    port: env.REALTIME_PORT,
    corsOrigin: env.FRONTEND_URL,
    logger,
    rateLimits: rateLimitOptionsFrom(env),
    maxSocketsPerUser: env.MAX_SOCKETS_PER_USER,
    metricsToken: env.METRICS_TOKEN,
    unreadEmails: sendEmail && {
      sendEmail,
      delayMs: env.UNREAD_EMAIL_DELAY,
      minIntervalMs: env.UNREAD_EMAIL_MIN_INTERVAL,
      appUrl: env.FRONTEND_URL,
      secret: env.NEXTAUTH_SECRET,
    },
  });
  logger.info(
    { port: server.port, redis: Boolean(env.REDIS_URL), cors: env.FRONTEND_URL },
    `realtime listening on :${server.port}`,
  );

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal, inFlight: server.inFlightCount() }, 'shutting down: finishing in-flight sends');
    server
      .close()
      .then(() => sendEmail?.close())
      .then(() => redis?.close().catch(() => {}))
      .then(() => db.$disconnect())
      .then(() => {
        logger.info('realtime stopped');
        process.exit(0);
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, 'unclean shutdown');
        process.exit(1);
      });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  logger.fatal({ err: error }, 'realtime failed to start');
  process.exit(1);
});
