// The short-lived token the web app issues for the realtime server (and for Bearer calls to the
// REST API, as the seed's client makes them). HS256 with JWT_SECRET, verified offline; it names
// the user and the session so the verifier can still check that the session is not revoked.
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { env } from '../env';
import { AppError } from '../errors';

export const REALTIME_TOKEN_TTL_SECONDS = 10 * 60;
const ISSUER = 'stayeasy-web';
const AUDIENCE = 'stayeasy-realtime';

export interface RealtimeTokenClaims {
  userId: string;
  sessionId: string;
}

function key(secret = env.JWT_SECRET): Uint8Array {
  return new TextEncoder().encode(secret);
}

export async function issueRealtimeToken(
  claims: RealtimeTokenClaims,
  options: { ttlSeconds?: number; secret?: string } = {},
): Promise<{ token: string; expiresAt: string }> {
  const ttl = options.ttlSeconds ?? REALTIME_TOKEN_TTL_SECONDS;
  const exp = Math.floor(Date.now() / 1000) + ttl;
  const token = await new SignJWT({ sid: claims.sessionId })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.userId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(exp)
    .sign(key(options.secret));
  return { token, expiresAt: new Date(exp * 1000).toISOString() };
}

export async function verifyRealtimeToken(token: string): Promise<RealtimeTokenClaims> {
  try {
    const { payload } = await jwtVerify(token, key(), { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] });
    if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string') throw new Error('claims missing');
    return { userId: payload.sub, sessionId: payload.sid };
  } catch (error) {
    const expired = error instanceof joseErrors.JWTExpired;
    throw new AppError('UNAUTHENTICATED', expired ? 'Your token has expired; fetch a new one' : 'Invalid token');
  }
}
