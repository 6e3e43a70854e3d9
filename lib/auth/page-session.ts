// The signed-in user of a server-rendered page, checked against the Session row like every API
// request (lib/auth/authenticate.ts), not just decoded from the cookie as getServerSession does:
// a revoked or expired session must not render the inbox. Next.js-only (reads next/headers).
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { cache } from 'react';
import { userOfSessionCookie } from './authenticate';
import type { AuthUser } from './sessions';

const sessionUser = cache(async (): Promise<AuthUser | null> => userOfSessionCookie((await headers()).get('cookie')));

/**
 * The signed-in user of a page, or a redirect to the sign-in page that comes back to `path`.
 * `cache` makes that one database lookup per request, however many layouts and pages ask.
 */
export async function requirePageUser(path: string): Promise<AuthUser> {
  const user = await sessionUser();
  if (!user) redirect(`/login?callbackUrl=${encodeURIComponent(path)}`);
  return user;
}

/**
 * The inbox's user. Called by the inbox layout and by each inbox page (a layout is not rendered
 * again on client-side navigation between its pages).
 */
export const requireInboxUser = (): Promise<AuthUser> => requirePageUser('/inbox');
