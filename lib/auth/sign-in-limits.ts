// Sign-in attempts are limited per email and per client address, sign-ups per client address
// (each costs a password hash). rate-limiter-flexible, in memory: the web app is one process
// here; swap in RateLimiterRedis beside REDIS_URL when it is several.
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { env } from '../env';
import { consumePoint } from '../rate-limits';

const perEmail = new RateLimiterMemory({ keyPrefix: 'signin_email', points: 5, duration: 15 * 60 });
const perIp = new RateLimiterMemory({ keyPrefix: 'signin_ip', points: env.SIGN_IN_LIMIT_PER_IP, duration: 15 * 60 });
const signUpsPerIp = new RateLimiterMemory({ keyPrefix: 'signup_ip', points: 30, duration: 60 * 60 });

/**
 * The client's address: the right-most X-Forwarded-For entry is the one our own reverse proxy
 * appended; entries to its left come from the client and can be forged. (Without a proxy in
 * front, Next.js passes on a client-sent header: see README "Environment".)
 */
export function clientAddress(header: (name: string) => string | null | undefined): string {
  return header('x-forwarded-for')?.split(',').at(-1)?.trim() || header('x-real-ip') || 'unknown';
}

export async function consumeSignInAttempt(email: string, ip: string): Promise<void> {
  await consumePoint(perEmail, email.toLowerCase(), 'sign-in attempts');
  await consumePoint(perIp, ip, 'sign-in attempts');
}

export function consumeSignUpAttempt(ip: string): Promise<void> {
  return consumePoint(signUpsPerIp, ip, 'sign-ups from your network');
}

/** A successful sign-in clears the email's failures. */
export async function resetSignInAttempts(email: string): Promise<void> {
  await perEmail.delete(email.toLowerCase());
}
