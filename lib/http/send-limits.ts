// The web app's per-user write limits (REST sends): the same budget a realtime node enforces on
// sockets (SEND_LIMIT per SEND_LIMIT_SECONDS), so a script cannot flood a host through the REST
// API instead. In memory: one web process here (see lib/rate-limits for the Redis variant).
import { env } from '../env';
import { createRateLimits, DEFAULT_RATE_LIMITS, type RateLimits } from '../rate-limits';

export const webRateLimits: RateLimits = createRateLimits({
  ...DEFAULT_RATE_LIMITS,
  sendPoints: env.SEND_LIMIT,
  sendDurationSeconds: env.SEND_LIMIT_SECONDS,
});
