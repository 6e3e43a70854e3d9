// The one-click unsubscribe link of an unread-messages email: it names the user and is signed
// (HMAC-SHA256 with the server's secret), so it works without signing in and cannot be made for
// someone else. It does not expire: an old email's link must still stop the emails.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { AppError } from '../errors';

// The purpose is part of what is signed: a signature made for anything else never passes here.
const PURPOSE = 'unsubscribe:unread-email:v1';

function signatureOf(userId: string, secret: string): Buffer {
  return createHmac('sha256', secret).update(`${PURPOSE}:${userId}`).digest();
}

export function unsubscribeToken(userId: string, secret: string): string {
  return `${Buffer.from(userId).toString('base64url')}.${signatureOf(userId, secret).toString('base64url')}`;
}

/** The user a token names; FORBIDDEN (the same answer for any fault) when it is not one we made. */
export function userOfUnsubscribeToken(token: string, secret: string): string {
  const refused = () => new AppError('FORBIDDEN', 'This unsubscribe link is not valid');
  const [encodedUser, encodedSignature, extra] = token.split('.');
  if (!encodedUser || !encodedSignature || extra !== undefined) throw refused();
  const userId = Buffer.from(encodedUser, 'base64url').toString();
  const given = Buffer.from(encodedSignature, 'base64url');
  const expected = signatureOf(userId, secret);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw refused();
  return userId;
}
