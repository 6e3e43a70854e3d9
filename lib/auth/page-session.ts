// The signed-in user of a server-rendered page, checked against the Session row like every API
// request (lib/auth/authenticate.ts), not just decoded from the cookie as getServerSession does:
// a revoked or expired session must not render the inbox. Next.js-only (reads next/headers).
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { cache } from 'react';
import { userOfSessionCookie } from './authenticate';
import type { AuthUser } from './sessions';

/**
 * The inbox's user, or a redirect to the sign-in page. Called by the inbox layout and by each
 * inbox page (a layout is not rendered again on client-side navigation between its pages);
 * `cache` makes that one database lookup per request.
 */
export const requireInboxUser = cache(async (): Promise<AuthUser> => {
  const user = await userOfSessionCookie((await headers()).get('cookie'));
  if (!user) redirect('/login?callbackUrl=/inbox');
  return user;
});
