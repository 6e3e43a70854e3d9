// Signing in with email + password through next-auth without a page redirect, for the login
// and sign-up forms. Returns null on success or next-auth's error code.
//
// next-auth v4 answers a failed CSRF check with 200 and `{ url: '/api/auth/signin?csrf=true' }`
// and no error, which `signIn()` reports as success although no session was created. It happens
// when a cookie-less request that was still in flight when the form was sent (typically
// SessionProvider's first /api/auth/session) lands late and replaces the CSRF cookie. By then
// the cookie has settled, so one retry with a freshly fetched token succeeds.
import { signIn } from 'next-auth/react';

const MAX_ATTEMPTS = 3;

export async function signInWithCredentials(
  email: string,
  password: string,
  callbackUrl: string,
): Promise<string | null> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const result = await signIn('credentials', { redirect: false, email, password, callbackUrl });
    if (!result) return 'Unknown';
    if (result.error) return result.error;
    if (!result.ok) return 'Unknown';
    if (!isCsrfFailure(result.url)) return null;
  }
  return 'CsrfFailed';
}

function isCsrfFailure(url: string | null): boolean {
  if (!url) return false;
  try {
    return new URL(url, window.location.origin).searchParams.get('csrf') === 'true';
  } catch {
    return false;
  }
}
