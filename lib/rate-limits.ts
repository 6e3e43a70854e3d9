// Rate limits, with rate-limiter-flexible, and the one mapping of a refusal to RATE_LIMITED.
// Per-user limits of the writes (sending, typing) are shared by the realtime server and the REST
// routes: in memory on a single process, in Redis when given one so N realtime nodes share one
// budget per user (a user with tabs on two nodes cannot double it). Redis failing must not stop
// chat: an in-memory insurance limiter takes over until it is back.
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Env } from './env';
import { AppError } from './errors';

export interface RateLimitOptions {
  /** send_message: `sendPoints` per `sendDurationSeconds` per user. */
  sendPoints: number;
  sendDurationSeconds: number;
  /** typing: the client should throttle itself; this stops a flood. */
  typingPoints: number;
  typingDurationSeconds: number;
}

export const DEFAULT_RATE_LIMITS: RateLimitOptions = {
  sendPoints: 30,
  sendDurationSeconds: 10,
  typingPoints: 20,
  typingDurationSeconds: 10,
};

/** The limits as configured (SEND_LIMIT, TYPING_LIMIT and their windows, lib/env). */
export function rateLimitOptionsFrom(
  env: Pick<Env, 'SEND_LIMIT' | 'SEND_LIMIT_SECONDS' | 'TYPING_LIMIT' | 'TYPING_LIMIT_SECONDS'>,
): RateLimitOptions {
  return {
    sendPoints: env.SEND_LIMIT,
    sendDurationSeconds: env.SEND_LIMIT_SECONDS,
    typingPoints: env.TYPING_LIMIT,
    typingDurationSeconds: env.TYPING_LIMIT_SECONDS,
  };
}

export type LimitedEvent = 'send_message' | 'typing';

export interface RateLimits {
  /** Takes one point for the user, or throws RATE_LIMITED with the seconds to wait. */
  consume(event: LimitedEvent, userId: string): Promise<void>;
}

export function createRateLimits(options: RateLimitOptions, redis?: unknown): RateLimits {
  const make = (keyPrefix: string, points: number, duration: number): RateLimiterAbstract => {
    const memory = new RateLimiterMemory({ keyPrefix, points, duration });
    if (!redis) return memory;
    return new RateLimiterRedis({
      storeClient: redis,
      useRedisPackage: true,
      keyPrefix,
      points,
      duration,
      insuranceLimiter: memory,
    });
  };
  const limiters: Record<LimitedEvent, RateLimiterAbstract> = {
    send_message: make('stayeasy_rl_send', options.sendPoints, options.sendDurationSeconds),
    typing: make('stayeasy_rl_typing', options.typingPoints, options.typingDurationSeconds),
  };
  return {
    consume: (event, userId) =>
      consumePoint(limiters[event], userId, event === 'typing' ? 'typing events' : 'messages'),
  };
}

/** Takes one point from `limiter` for `key`, or throws RATE_LIMITED naming what was limited. */
export async function consumePoint(limiter: RateLimiterAbstract, key: string, what: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) {
      const retryAfterSeconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      throw new AppError('RATE_LIMITED', `Too many ${what}; try again in ${retryAfterSeconds} s`, {
        retryAfterSeconds,
      });
    }
    throw rejection;
  }
}
