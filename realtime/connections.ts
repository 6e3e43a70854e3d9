// The realtime process's connections to other services, opened by its entry point (main.ts, or
// a test) and handed to createRealtimeServer, which uses them and does not own them.
import type { Logger } from 'pino';
import { createClient } from 'redis';
import type { RealtimeMetrics } from './metrics';

const newRedisClient = (url: string) => createClient({ url });
export type RedisClient = ReturnType<typeof newRedisClient>;

/** A connected Redis client whose errors are logged and counted (it reconnects by itself). */
export async function connectRedis(
  url: string,
  deps: { logger: Logger; metrics: RealtimeMetrics },
): Promise<RedisClient> {
  const redis = newRedisClient(url);
  redis.on('error', (error) => {
    deps.metrics.dbErrors.inc({ operation: 'redis' });
    deps.logger.warn({ err: error }, 'redis error');
  });
  await redis.connect();
  return redis;
}
