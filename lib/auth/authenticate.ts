// Who is asking: the one check every route handler makes. Accepts the next-auth session cookie
// (browsers) or `Authorization: Bearer <realtime token>` (the seed's client, mobile apps), and
// in both cases requires the named Session row to be live and (for a token) to belong to the
// token's user, as the realtime handshake does. Works on a plain Request, so it runs the same
// under Next.js and in tests.
import { decode } from 'next-auth/jwt';
import { db } from '../db';
import { env } from '../env';
import { AppError } from '../errors';
import { crossSiteRefusal } from '../http/csrf';
import { verifyRealtimeToken } from './realtime-token';
import { getActiveSessionUser, type AuthUser } from './sessions';

export const SESSION_COOKIES = ['__Secure-next-auth.session-token', 'next-auth.session-token'];

export interface AuthenticateOptions {
  /**
   * Refuse Bearer tokens (FORBIDDEN): for issuing tokens, which must need the sign-in cookie, or
   * a stolen 10-minute token could be swapped for fresh ones for as long as its session lives.
   */
  cookieOnly?: boolean;
}

export async function authenticateRequest(request: Request, options: AuthenticateOptions = {}): Promise<AuthUser> {
  const credential = await credentialOf(request);
  if (!credential) throw new AppError('UNAUTHENTICATED', 'Sign in to continue');
  if (credential.via === 'bearer' && options.cookieOnly) {
    throw new AppError('FORBIDDEN', 'A Bearer token cannot be used here; sign in to get a new token');
  }
  const refusal = credential.via === 'cookie' ? crossSiteRefusal(request, env.FRONTEND_URL) : null;
  if (refusal) {
    throw new AppError('FORBIDDEN', `Refused ${refusal}: the session cookie only works from this app's pages`);
  }
  const user = await userOf(credential);
  if (!user) throw new AppError('UNAUTHENTICATED', 'Your session has ended; sign in again');
  return user;
}

// Both credentials name a user and a session: the session must be live and that user's.
async function userOf(credential: Credential): Promise<AuthUser | null> {
  const user = await getActiveSessionUser(db, credential.sessionId);
  return user && user.id === credential.userId ? user : null;
}

interface Credential {
  via: 'cookie' | 'bearer';
  sessionId: string;
  userId: string;
}

/**
 * The user a Cookie header signs in, checked exactly as API requests are (the Session row must
 * be live and its user's); null when signed out, revoked, expired or forged. For server-rendered
 * pages, which must not trust the cookie alone: it outlives a revoked session.
 */
export async function userOfSessionCookie(cookieHeader: string | null): Promise<AuthUser | null> {
  const credential = await cookieCredential(cookieHeader);
  return credential ? userOf(credential) : null;
}

async function credentialOf(request: Request): Promise<Credential | null> {
  const authorization = request.headers.get('authorization');
  if (authorization) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (!match) throw new AppError('UNAUTHENTICATED', 'Malformed Authorization header; expected "Bearer <token>"');
    const claims = await verifyRealtimeToken(match[1]!);
    return { via: 'bearer', sessionId: claims.sessionId, userId: claims.userId };
  }
  return cookieCredential(request.headers.get('cookie'));
}

async function cookieCredential(cookieHeader: string | null): Promise<Credential | null> {
  const cookies = parseCookies(cookieHeader);
  const raw = SESSION_COOKIES.map((name) => cookies.get(name)).find(Boolean);
  if (!raw) return null;
  try {
    const token = await decode({ token: raw, secret: env.NEXTAUTH_SECRET });
    if (typeof token?.sid !== 'string' || typeof token.sub !== 'string') return null;
    return { via: 'cookie', sessionId: token.sid, userId: token.sub };
  } catch {
    return null;
  }
}

// Other apps on the same host (localhost shares cookies across ports) may set cookies that are
// not valid percent-encoding; one of them must not break our own.
export function parseCookies(header: string | null): Map<string, string> {
  const map = new Map<string, string>();
  for (const part of header?.split(';') ?? []) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const raw = part.slice(eq + 1).trim();
    let value = raw;
    try {
      value = decodeURIComponent(raw);
    } catch {}
    map.set(part.slice(0, eq).trim(), value);
  }
  return map;
}
