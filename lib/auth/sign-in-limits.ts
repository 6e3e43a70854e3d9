// Sign-in attempts are limited per email and per IP (rate-limiter-flexible, in memory: the web
// app is one process here; swap in RateLimiterRedis beside REDIS_URL when it is several).
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { AppError } from '../errors';

const perEmail = new RateLimiterMemory({ keyPrefix: 'signin_email', points: 5, duration: 15 * 60 });
const perIp = new RateLimiterMemory({ keyPrefix: 'signin_ip', points: 30, duration: 15 * 60 });

export async function consumeSignInAttempt(email: string, ip: string): Promise<void> {
  try {
    await Promise.all([perEmail.consume(email.toLowerCase()), perIp.consume(ip)]);
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) {
      const retryAfterSeconds = Math.ceil(rejection.msBeforeNext / 1000);
      throw new AppError('RATE_LIMITED', `Too many sign-in attempts; try again in ${retryAfterSeconds} s`, { retryAfterSeconds });
    }
    throw rejection;
  }
}

/** A successful sign-in clears the email's failures. */
export async function resetSignInAttempts(email: string): Promise<void> {
  await perEmail.delete(email.toLowerCase());
}
