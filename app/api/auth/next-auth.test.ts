// next-auth's own routes (/api/auth/*) over real HTTP, through app/api/auth/[...nextauth]/route.ts
// as Next.js serves it, with the real database: signing in, and where it may send the browser
// after sign-in.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { hashPassword } from '@/lib/auth/password';
import { startRouteServer } from '@/test/route-server';

let server: Awaited<ReturnType<typeof startRouteServer>>;

const EVIL = 'http://localhost:3000.evil.example/';

beforeAll(async () => {
  server = await startRouteServer();
});
afterAll(() => server.close());

async function authFetch(path: string, init: RequestInit = {}) {
  return fetch(`${server.url}/api/auth${path}`, { redirect: 'manual', ...init });
}

/** A CSRF token and its cookie, as a browser gets them before posting a form to next-auth. */
async function csrf(): Promise<{ csrfToken: string; cookie: string }> {
  const response = await authFetch('/csrf');
  const { csrfToken } = (await response.json()) as { csrfToken: string };
  const cookie = response.headers
    .getSetCookie()
    .map((c) => c.split(';')[0]!)
    .join('; ');
  return { csrfToken, cookie };
}

/** Posts the credentials form as next-auth/react's signIn() does (json=true: answer with the URL). */
async function signIn(email: string, password: string, options: { ip?: string; callbackUrl?: string } = {}) {
  const { csrfToken, cookie } = await csrf();
  const form = new URLSearchParams({ email, password, csrfToken, json: 'true' });
  if (options.callbackUrl) form.set('callbackUrl', options.callbackUrl);
  const response = await authFetch('/callback/credentials', {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      cookie,
      ...(options.ip ? { 'x-forwarded-for': options.ip } : {}),
    },
    body: form,
  });
  const body = (await response.json()) as { url: string };
  const url = new URL(body.url);
  const sessionCookie = response.headers
    .getSetCookie()
    .find((c) => c.startsWith('next-auth.session-token='))
    ?.split(';')[0];
  return {
    status: response.status,
    url,
    error: url.searchParams.get('error'),
    signedIn: Boolean(sessionCookie),
    sessionCookie,
  };
}

async function createAccount(password: string) {
  const email = `next-auth-${Math.random().toString(36).slice(2)}@example.test`;
  await db.user.create({ data: { email, name: 'Nia', role: 'GUEST', passwordHash: await hashPassword(password) } });
  return email;
}

describe('the next-auth route on a plain Request', () => {
  it('signs in with the right password (a session cookie the API accepts) and not with a wrong one', async () => {
    const email = await createAccount('a sturdy passphrase');
    const wrong = await signIn(email, 'not the passphrase');
    expect(wrong.status).toBe(401);
    expect(wrong.error).toBe('CredentialsSignin');
    expect(wrong.signedIn).toBe(false);

    const right = await signIn(email, 'a sturdy passphrase', { callbackUrl: '/inbox' });
    expect(right.status).toBe(200);
    expect(right.signedIn).toBe(true);
    expect(right.url.pathname).toBe('/inbox');
    const chats = await fetch(`${server.url}/api/chats`, { headers: { cookie: right.sessionCookie! } });
    expect(chats.status).toBe(200);
    const session = await authFetch('/session', { headers: { cookie: right.sessionCookie! } });
    expect(await session.json()).toMatchObject({ user: { email } });
  });
});

describe('callbackUrl', () => {
  it(`a look-alike host (${EVIL}) on the sign-in page is replaced by this site, not a 500`, async () => {
    const response = await authFetch(`/signin?callbackUrl=${encodeURIComponent(EVIL)}`);
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location')!, server.url);
    expect(location.pathname).toBe('/login');
    const callbackUrl = new URL(location.searchParams.get('callbackUrl')!);
    expect(callbackUrl.hostname).toBe('localhost');
    expect(callbackUrl.pathname).toBe('/inbox');
  });

  it('a look-alike host in the callback-url cookie does not break the session route', async () => {
    const response = await authFetch('/session', {
      headers: { cookie: `next-auth.callback-url=${encodeURIComponent(EVIL)}` },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({});
  });

  it.each([
    ['a look-alike host', EVIL],
    ['another site', 'https://evil.example/inbox'],
    ['a protocol-relative URL', '//evil.example/inbox'],
    ['a backslash host', '/\\evil.example'],
    ['javascript:', 'javascript:alert(1)'],
  ])('sign-in with %s as callbackUrl signs in and goes to this site', async (_what, callbackUrl) => {
    const email = await createAccount('a sturdy passphrase');
    const res = await signIn(email, 'a sturdy passphrase', { callbackUrl });
    expect(res.status).toBe(200);
    expect(res.signedIn).toBe(true);
    expect(res.url.hostname).toBe('localhost');
    expect(res.url.pathname).toBe('/inbox');
  });

  it('keeps a same-site path, and only that', async () => {
    const email = await createAccount('a sturdy passphrase');
    const kept = await signIn(email, 'a sturdy passphrase', { callbackUrl: '/inbox/cchat000000000000000?x=1' });
    expect(kept.signedIn).toBe(true);
    expect(`${kept.url.pathname}${kept.url.search}`).toBe('/inbox/cchat000000000000000?x=1');
    const replaced = await signIn(email, 'a sturdy passphrase', { callbackUrl: `${EVIL}inbox` });
    expect(replaced.signedIn).toBe(true);
    expect(`${replaced.url.host}${replaced.url.pathname}`).toBe('localhost:3000/inbox');
  });
});

describe('sign-in limits (failures only; nobody can lock an owner out)', () => {
  const PASSWORD = 'the owners passphrase';

  it("lets the owner in from a new address after others' failures from many addresses", async () => {
    const email = await createAccount(PASSWORD);
    for (let i = 1; i <= 8; i++) {
      const res = await signIn(email, `guess-${i}`, { ip: `203.0.113.${i}` });
      expect(res.error).toBe('CredentialsSignin');
    }
    const owner = await signIn(email, PASSWORD, { ip: '198.51.100.200' });
    expect(owner.error).toBeNull();
    expect(owner.signedIn).toBe(true);
  });

  it('refuses one address after 5 failures for one email (RATE_LIMITED), but not the owner elsewhere', async () => {
    const email = await createAccount(PASSWORD);
    const attacker = '192.0.2.50';
    for (let i = 1; i <= 5; i++) {
      expect((await signIn(email, `guess-${i}`, { ip: attacker })).error).toBe('CredentialsSignin');
    }
    const sixth = await signIn(email, 'guess-6', { ip: attacker });
    expect(sixth.status).toBe(401);
    expect(sixth.error).toBe('RATE_LIMITED');
    expect((await signIn(email, PASSWORD, { ip: attacker })).error).toBe('RATE_LIMITED');

    const owner = await signIn(email, PASSWORD, { ip: '192.0.2.51' });
    expect(owner.signedIn).toBe(true);
  });

  it('counts only failures per address: successes never use it up, and SIGN_IN_LIMIT_PER_IP failures still close it', async () => {
    const ip = '192.0.2.77';
    const owner = await createAccount(PASSWORD);
    // 29 failures over six emails (at most 5 each: under the per-email-and-address limit).
    const victims = await Promise.all(Array.from({ length: 6 }, () => createAccount(PASSWORD)));
    for (let i = 0; i < 29; i++) {
      expect((await signIn(victims[Math.floor(i / 5)]!, `guess-${i}`, { ip })).error).toBe('CredentialsSignin');
    }
    // Correct passwords from the same address: more than the limit's 30 attempts in all.
    for (let i = 0; i < 5; i++) expect((await signIn(owner, PASSWORD, { ip })).signedIn).toBe(true);
    // The 30th failure is still allowed; after it the address is closed, right password or not.
    expect((await signIn(victims[5]!, 'guess-30', { ip })).error).toBe('CredentialsSignin');
    expect((await signIn(owner, PASSWORD, { ip })).error).toBe('RATE_LIMITED');
  });
});
