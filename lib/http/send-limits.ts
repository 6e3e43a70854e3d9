// The web app's per-user write limits (REST sends): a budget of the same size as a realtime
// node's on sockets (SEND_LIMIT per SEND_LIMIT_SECONDS), counted apart, so a script cannot flood
// a host through the REST API instead. In memory: one web process here (see lib/rate-limits for
// the Redis variant).
import { env } from '../env';
import { createRateLimits, rateLimitOptionsFrom, type RateLimits } from '../rate-limits';

export const webRateLimits: RateLimits = createRateLimits(rateLimitOptionsFrom(env));
