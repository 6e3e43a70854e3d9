// POST ?token=…: the one-click unsubscribe of an unread-messages email (RFC 8058: mail clients
// POST `List-Unsubscribe=One-Click` to the List-Unsubscribe URL; the /unsubscribe page's button
// posts here too). No sign-in: the signed token names the user. Never on GET, which link
// scanners follow.
import { db } from '@/lib/db';
import { env } from '@/lib/env';
import { ok, queryOf, respond } from '@/lib/http/respond';
import { unsubscribeQuerySchema } from '@/lib/notifications/schemas';
import { unsubscribeByToken } from '@/lib/notifications/unread-emails';
import { parseInput } from '@/lib/validation';

export function POST(request: Request) {
  return respond(async () => {
    const { token } = parseInput(unsubscribeQuerySchema, queryOf(request), 'unsubscribe link');
    await unsubscribeByToken(db, token, env.NEXTAUTH_SECRET);
    return ok({ unsubscribed: true });
  });
}
