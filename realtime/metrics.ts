// Prometheus metrics of one realtime node, on its own Registry (never prom-client's global one,
// so several servers in one process — tests, two nodes — do not collide). docs/alerts.yml is
// written against these names.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Seconds; from 0.1 ms to 1 s. */
export const SEND_STAGE_BUCKETS = [
  0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.025, 0.035, 0.05, 0.075, 0.1, 0.25,
  0.5, 1,
];

export function createRealtimeMetrics(options: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'stayeasy_realtime_' });

  return {
    registry,
    connectedSockets: new Gauge({
      name: 'stayeasy_realtime_connected_sockets',
      help: 'Sockets connected to this node',
      registers: [registry],
    }),
    connectionsRejected: new Counter({
      name: 'stayeasy_realtime_connections_rejected_total',
      help: 'Handshakes refused, by error code',
      labelNames: ['code'] as const,
      registers: [registry],
    }),
    messagesReceived: new Counter({
      name: 'stayeasy_realtime_messages_received_total',
      help: 'send_message events received',
      registers: [registry],
    }),
    messagesDelivered: new Counter({
      name: 'stayeasy_realtime_messages_delivered_total',
      help: 'Messages stored and broadcast (source=socket: acked to the sender; source=rest: relayed from a REST send)',
      labelNames: ['source'] as const,
      registers: [registry],
    }),
    messagesDuplicate: new Counter({
      name: 'stayeasy_realtime_messages_duplicate_total',
      help: 'Sends whose clientMessageId was already stored (acked again, not re-broadcast)',
      registers: [registry],
    }),
    messagesFailed: new Counter({
      name: 'stayeasy_realtime_messages_failed_total',
      help: 'send_message events answered with an error, by error code',
      labelNames: ['code'] as const,
      registers: [registry],
    }),
    eventErrors: new Counter({
      name: 'stayeasy_realtime_event_errors_total',
      help: 'Client events (any) answered with an error, by event and code',
      labelNames: ['event', 'code'] as const,
      registers: [registry],
    }),
    ackLatency: new Histogram({
      name: 'stayeasy_realtime_ack_latency_seconds',
      help: 'Time from receiving a client event to acknowledging it, by event',
      labelNames: ['event'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    // Where a socket send's time goes (bench scenario 2 reads it; alerts may too): fine buckets,
    // because the whole path is meant to take a few milliseconds.
    sendStage: new Histogram({
      name: 'stayeasy_realtime_send_stage_seconds',
      help: "Time of each stage of a socket send: admit (budget and parsing), queue (waiting for its group), store (its group's statement and commit), ack (stored → ack written), deliver (ack → delivery written to the recipients' sockets)",
      labelNames: ['stage'] as const,
      buckets: SEND_STAGE_BUCKETS,
      registers: [registry],
    }),
    sendGroupSize: new Histogram({
      name: 'stayeasy_realtime_send_group_size',
      help: 'Sends stored together by one statement (group commit)',
      buckets: [1, 2, 3, 5, 8, 13, 21, 34, 55, 100],
      registers: [registry],
    }),
    rateLimited: new Counter({
      name: 'stayeasy_realtime_rate_limited_total',
      help: 'Client events refused by a rate limit, by event',
      labelNames: ['event'] as const,
      registers: [registry],
    }),
    dbErrors: new Counter({
      name: 'stayeasy_realtime_db_errors_total',
      help: 'Database failures seen by the realtime node, by operation',
      labelNames: ['operation'] as const,
      registers: [registry],
    }),
    scheduledSent: new Counter({
      name: 'stayeasy_realtime_scheduled_sent_total',
      help: 'Scheduled messages this node sent at their time',
      registers: [registry],
    }),
    scheduledFailed: new Counter({
      name: 'stayeasy_realtime_scheduled_failed_total',
      help: 'Scheduled messages this node marked failed, by failure code',
      labelNames: ['code'] as const,
      registers: [registry],
    }),
    unreadEmails: new Counter({
      name: 'stayeasy_realtime_unread_emails_total',
      help: 'Unread-message emails by outcome: sent, cancelled (read, unsent, off, inbox open), retried, failed (given up)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    chatEventsReceived: new Counter({
      name: 'stayeasy_realtime_chat_events_total',
      help: 'Chat events received from PostgreSQL NOTIFY (REST sends and reads), by type',
      labelNames: ['type'] as const,
      registers: [registry],
    }),
  };
}

export type RealtimeMetrics = ReturnType<typeof createRealtimeMetrics>;
