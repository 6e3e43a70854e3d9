// Who is asking: the one check every route handler makes. Accepts the next-auth session cookie
// (browsers) or `Authorization: Bearer <realtime token>` (the seed's client, mobile apps), and
// in both cases requires the named Session row to be live. Works on a plain Request, so it runs
// the same under Next.js and in tests.
import { decode } from 'next-auth/jwt';
import { db } from '../db';
import { env } from '../env';
import { AppError } from '../errors';
import { crossSiteRefusal } from '../http/csrf';
import { verifyRealtimeToken } from './realtime-token';
import { getActiveSessionUser, type AuthUser } from './sessions';

export const SESSION_COOKIES = ['__Secure-next-auth.session-token', 'next-auth.session-token'];

export async function authenticateRequest(request: Request): Promise<AuthUser> {
  const sessionId = await sessionIdOf(request);
  if (!sessionId) throw new AppError('UNAUTHENTICATED', 'Sign in to continue');
  const user = await getActiveSessionUser(db, sessionId);
  if (!user) throw new AppError('UNAUTHENTICATED', 'Your session has ended; sign in again');
  return user;
}

async function sessionIdOf(request: Request): Promise<string | null> {
  const authorization = request.headers.get('authorization');
  if (authorization) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (!match) throw new AppError('UNAUTHENTICATED', 'Malformed Authorization header; expected "Bearer <token>"');
    return (await verifyRealtimeToken(match[1]!)).sessionId;
  }
  const cookies = parseCookies(request.headers.get('cookie'));
  const raw = SESSION_COOKIES.map((name) => cookies.get(name)).find(Boolean);
  if (!raw) return null;
  const refusal = crossSiteRefusal(request, env.FRONTEND_URL);
  if (refusal)
    throw new AppError('FORBIDDEN', `Refused ${refusal}: the session cookie only works from this app's pages`);
  try {
    const token = await decode({ token: raw, secret: env.NEXTAUTH_SECRET });
    return typeof token?.sid === 'string' ? token.sid : null;
  } catch {
    return null;
  }
}

// Other apps on the same host (localhost shares cookies across ports) may set cookies that are
// not valid percent-encoding; one of them must not break our own.
function parseCookies(header: string | null): Map<string, string> {
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
