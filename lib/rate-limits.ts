// Rate limits, with rate-limiter-flexible, and the one mapping of a refusal to RATE_LIMITED.
// Every event a client can send has a per-user budget (sends, typing, and one for the rest:
// joining and leaving chats, read receipts), taken before the event is even parsed, so a flood
// of any kind costs its sender and no one else. The limits are shared by the realtime server and the REST
// routes: in memory on a single process, in Redis when given one so N realtime nodes share one
// budget per user (a user with tabs on two nodes cannot double it). Redis failing must not stop
// chat: an in-memory insurance limiter takes over until it is back.
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Env } from './env';
import { CLIENT_EVENTS, type Budget, type ClientEventName } from './contract/chat-events';
import { AppError } from './errors';

export interface RateLimitOptions {
  /** send_message: `sendPoints` per `sendDurationSeconds` per user. */
  sendPoints: number;
  sendDurationSeconds: number;
  /** typing: the client should throttle itself; this stops a flood. */
  typingPoints: number;
  typingDurationSeconds: number;
  /** join_chat, leave_chat, mark_read (socket or REST): `eventPoints` per `eventDurationSeconds`, together. */
  eventPoints: number;
  eventDurationSeconds: number;
}

export const DEFAULT_RATE_LIMITS: RateLimitOptions = {
  sendPoints: 30,
  sendDurationSeconds: 10,
  typingPoints: 20,
  typingDurationSeconds: 10,
  // A client joins each chat it opens and marks what it reads: a few per second at most.
  eventPoints: 60,
  eventDurationSeconds: 10,
};

/** The limits as configured (SEND_LIMIT, TYPING_LIMIT, EVENT_LIMIT and their windows, lib/env). */
export function rateLimitOptionsFrom(
  env: Pick<
    Env,
    | 'SEND_LIMIT'
    | 'SEND_LIMIT_SECONDS'
    | 'TYPING_LIMIT'
    | 'TYPING_LIMIT_SECONDS'
    | 'EVENT_LIMIT'
    | 'EVENT_LIMIT_SECONDS'
  >,
): RateLimitOptions {
  return {
    sendPoints: env.SEND_LIMIT,
    sendDurationSeconds: env.SEND_LIMIT_SECONDS,
    typingPoints: env.TYPING_LIMIT,
    typingDurationSeconds: env.TYPING_LIMIT_SECONDS,
    eventPoints: env.EVENT_LIMIT,
    eventDurationSeconds: env.EVENT_LIMIT_SECONDS,
  };
}

export interface RateLimits {
  /** Takes one point of the budget the event's contract names, or throws RATE_LIMITED with the seconds to wait. */
  consume(event: ClientEventName, userId: string): Promise<void>;
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
  const send = make('stayeasy_rl_send', options.sendPoints, options.sendDurationSeconds);
  const typing = make('stayeasy_rl_typing', options.typingPoints, options.typingDurationSeconds);
  const events = make('stayeasy_rl_events', options.eventPoints, options.eventDurationSeconds);
  const budgets: Record<Budget, [RateLimiterAbstract, what: string]> = {
    send: [send, 'messages'],
    typing: [typing, 'typing events'],
    event: [events, 'chat events'],
  };
  return {
    consume: (event, userId) => {
      const [limiter, what] = budgets[CLIENT_EVENTS[event].budget];
      return consumePoint(limiter, userId, what);
    },
  };
}

/** RATE_LIMITED, knowing how far past its budget the caller went (never sent on the wire). */
export class RateLimitedError extends AppError {
  constructor(
    what: string,
    retryAfterSeconds: number,
    readonly consumed: number,
    readonly budget: number,
  ) {
    super('RATE_LIMITED', `Too many ${what}; try again in ${retryAfterSeconds} s`, { retryAfterSeconds });
  }

  /**
   * A client that has gone on sending at twice its budget ignores its refusals: a flood. Each
   * event still costs the server its parsing before it can be refused, so the flooder is cut off
   * rather than answered (realtime/context.ts).
   */
  get isFlood(): boolean {
    return this.consumed > 2 * this.budget;
  }
}

/** Takes one point from `limiter` for `key`, or throws RATE_LIMITED naming what was limited. */
export async function consumePoint(limiter: RateLimiterAbstract, key: string, what: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) {
      const retryAfterSeconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      throw new RateLimitedError(what, retryAfterSeconds, rejection.consumedPoints, limiter.points);
    }
    throw rejection;
  }
}
