// Limits on guessing passwords, and on sign-ups per client address (each costs a password hash).
// Only failed sign-ins count, and none of the limits can be used to lock an owner out:
//   - per email AND address: 5 failures, then that address is refused for that email;
//   - per address: SIGN_IN_LIMIT_PER_IP failures over all emails;
//   - per email, from anywhere: after 10 failures each further attempt for the email waits a
//     little longer (up to 5 s) before its password is checked. It slows guessing spread over
//     many addresses but never refuses: refusing the email would let anyone lock its owner out
//     with a few wrong passwords, which is what the former per-email limit did.
// rate-limiter-flexible, in memory: the web app is one process here; swap in RateLimiterRedis
// beside REDIS_URL when it is several.
import { setTimeout as sleep } from 'node:timers/promises';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { env } from '../env';
import { consumePoint } from '../rate-limits';

export interface SignInLimitOptions {
  /** Failures per client address, all emails together. */
  failuresPerAddress: number;
  /** Failures per email from one client address. */
  failuresPerEmailAndAddress: number;
  /** Failures per email (any address) before its attempts are slowed down. */
  freeFailuresPerEmail: number;
  /** Added wait per failure beyond the free ones, and its cap. */
  delayStepMs: number;
  maxDelayMs: number;
  windowSeconds: number;
}

export const DEFAULT_SIGN_IN_LIMITS: SignInLimitOptions = {
  failuresPerAddress: 30,
  failuresPerEmailAndAddress: 5,
  freeFailuresPerEmail: 10,
  delayStepMs: 500,
  maxDelayMs: 5000,
  windowSeconds: 15 * 60,
};

export interface SignInLimits {
  /**
   * Before the password is checked: throws RATE_LIMITED when the address is over a limit, waits
   * while the email is under attack, and books the attempt as a failure until `succeeded`.
   */
  begin(email: string, ip: string): Promise<void>;
  /** The password was right: the attempt is not a failure, and this address's failures for the email are forgiven. */
  succeeded(email: string, ip: string): Promise<void>;
  /** The password was wrong (or the email unknown). */
  failed(email: string, ip: string): Promise<void>;
  /** The check itself failed (the database, say): the attempt booked by `begin` is given back. */
  abandoned(email: string, ip: string): Promise<void>;
}

export function createSignInLimits(
  options: SignInLimitOptions,
  wait: (ms: number) => Promise<unknown> = sleep,
): SignInLimits {
  const duration = options.windowSeconds;
  const perAddress = new RateLimiterMemory({
    keyPrefix: 'signin_ip',
    points: options.failuresPerAddress,
    duration,
  });
  const perEmailAndAddress = new RateLimiterMemory({
    keyPrefix: 'signin_email_ip',
    points: options.failuresPerEmailAndAddress,
    duration,
  });
  // Only counted, never refused on (see the header).
  const perEmail = new RateLimiterMemory({ keyPrefix: 'signin_email', points: Number.MAX_SAFE_INTEGER, duration });
  const pair = (email: string, ip: string) => `${email.toLowerCase()}|${ip}`;

  return {
    async begin(email, ip) {
      // Booked up front rather than after a failure, so concurrent attempts cannot all pass the
      // check before any of them is counted.
      await consumePoint(perAddress, ip, 'failed sign-ins from your network');
      try {
        await consumePoint(perEmailAndAddress, pair(email, ip), 'failed sign-ins for this account');
      } catch (error) {
        await perAddress.reward(ip, 1);
        throw error;
      }
      const failures = (await perEmail.get(email.toLowerCase()))?.consumedPoints ?? 0;
      const beyond = failures - options.freeFailuresPerEmail;
      if (beyond > 0) await wait(Math.min(beyond * options.delayStepMs, options.maxDelayMs));
    },
    async succeeded(email, ip) {
      await perAddress.reward(ip, 1);
      await perEmailAndAddress.delete(pair(email, ip));
    },
    async failed(email) {
      await perEmail.penalty(email.toLowerCase(), 1);
    },
    async abandoned(email, ip) {
      await perAddress.reward(ip, 1);
      await perEmailAndAddress.reward(pair(email, ip), 1);
    },
  };
}

export const signInLimits = createSignInLimits({
  ...DEFAULT_SIGN_IN_LIMITS,
  failuresPerAddress: env.SIGN_IN_LIMIT_PER_IP,
});

const signUpsPerIp = new RateLimiterMemory({ keyPrefix: 'signup_ip', points: 30, duration: 60 * 60 });

/**
 * The client's address: the right-most X-Forwarded-For entry is the one our own reverse proxy
 * appended; entries to its left come from the client and can be forged. (Without a proxy in
 * front, Next.js passes on a client-sent header: see README "Environment".)
 */
export function clientAddress(header: (name: string) => string | null | undefined): string {
  return header('x-forwarded-for')?.split(',').at(-1)?.trim() || header('x-real-ip') || 'unknown';
}

export function consumeSignUpAttempt(ip: string): Promise<void> {
  return consumePoint(signUpsPerIp, ip, 'sign-ups from your network');
}
