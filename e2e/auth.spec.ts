// Browser flows of signing in and up through the real /login and /signup pages, against the
// real next-auth handler and REST API: the session cookie the browser ends up with is what
// /api/chats accepts.
import { expect, test, type Page } from '@playwright/test';

const GUEST = { email: 'guest@stayeasy.test', password: 'guest-password', name: 'Gina Guest' };

function uniqueEmail(prefix: string): string {
  return `${prefix}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@stayeasy.test`;
}

async function submitLogin(page: Page, email: string, password: string) {
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  const answered = page.waitForResponse((r) => r.url().includes('/api/auth/callback/credentials'));
  await page.getByRole('button', { name: 'Sign in' }).click();
  await answered;
}

test('the demo guest signs in on /login, lands on /inbox and can read /api/chats', async ({ page }) => {
  await page.goto('/login');
  await expect(page).toHaveTitle('Sign in · StayEasy');
  await expect(page.getByLabel('Email', { exact: true })).toBeFocused();

  await submitLogin(page, GUEST.email, GUEST.password);
  await expect(page).toHaveURL(/\/inbox$/);

  const response = await page.request.get('/api/chats');
  expect(response.status()).toBe(200);
  const { data } = (await response.json()) as { data: Array<{ otherParty: { name: string } }> };
  expect(data).toHaveLength(1);
  expect(data[0]!.otherParty.name).toBe('Oscar Owner');
});

test('a wrong password shows an error and stays on /login without a session', async ({ page }) => {
  await page.goto('/login');
  await submitLogin(page, GUEST.email, 'not-the-password');

  await expect(page.getByRole('main').getByRole('alert')).toHaveText('The email or password is incorrect.');
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeEnabled();
  expect((await page.request.get('/api/chats')).status()).toBe(401);
});

test('an off-site callbackUrl is ignored and a same-site one is followed', async ({ page }) => {
  await page.goto(`/login?callbackUrl=${encodeURIComponent('https://evil.example/steal')}`);
  await submitLogin(page, GUEST.email, GUEST.password);
  await expect(page).toHaveURL(/^http:\/\/localhost:\d+\/inbox$/);

  // Leave the inbox first: with its cookies gone, its realtime client would send the page to
  // /login on its own and abort the navigation below.
  await page.goto('about:blank');
  await page.context().clearCookies();
  await page.goto(`/login?callbackUrl=${encodeURIComponent('/?from=login')}`);
  await submitLogin(page, GUEST.email, GUEST.password);
  await expect(page).toHaveURL(/\/\?from=login$/);
});

test.describe('rate limiting', () => {
  // Its own client address, so these failures do not eat into the per-IP budget that the other
  // flows of this run share (lib/auth/sign-in-limits.ts keys on X-Forwarded-For).
  test.use({ extraHTTPHeaders: { 'x-forwarded-for': '203.0.113.77' } });

  test('the sixth attempt on one email within the window is refused with a clear message', async ({ page }) => {
    const email = uniqueEmail('limited');
    await page.goto('/login');
    for (let attempt = 1; attempt <= 5; attempt++) {
      await submitLogin(page, email, `wrong-${attempt}`);
      await expect(page.getByRole('main').getByRole('alert')).toHaveText('The email or password is incorrect.');
    }
    await submitLogin(page, email, 'wrong-6');
    await expect(page.getByRole('main').getByRole('alert')).toHaveText('Too many attempts, try again later');
    await expect(page).toHaveURL(/\/login$/);
  });
});

test('a new guest signs up on /signup, lands on /inbox signed in, and has no chats yet', async ({ page }) => {
  await page.goto('/login');
  await page.getByRole('link', { name: 'Create an account' }).click();
  await expect(page).toHaveURL(/\/signup$/);
  await expect(page.getByLabel('Name')).toBeFocused();

  await page.getByLabel('Name').fill('Nora New');
  await page.getByLabel('Email', { exact: true }).fill(uniqueEmail('nora'));
  await page.getByLabel('Password', { exact: true }).fill('nora-password-1');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(/\/inbox$/);

  const response = await page.request.get('/api/chats');
  expect(response.status()).toBe(200);
  expect(await response.json()).toEqual({ data: [] });
});

test('sign-up flags a short password on its field and shows the CONFLICT message for a taken email', async ({
  page,
}) => {
  await page.goto('/signup');
  await page.getByLabel('Name').fill('Short Pass');
  await page.getByLabel('Email', { exact: true }).fill(uniqueEmail('short'));
  await page.getByLabel('Password', { exact: true }).fill('1234567');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByText('Password must be at least 8 characters')).toBeVisible();
  await expect(page.getByLabel('Password', { exact: true })).toHaveAttribute('aria-invalid', 'true');

  await page.getByLabel('Email', { exact: true }).fill(GUEST.email);
  await page.getByLabel('Password', { exact: true }).fill('long-enough-password');
  const answered = page.waitForResponse((r) => r.url().endsWith('/api/auth/signup'));
  await page.getByRole('button', { name: 'Create account' }).click();
  expect((await answered).status()).toBe(409);
  await expect(page.getByRole('main').getByRole('alert')).toContainText('An account with this email already exists');
  await expect(page).toHaveURL(/\/signup$/);
  expect((await page.request.get('/api/chats')).status()).toBe(401);
});

test('/api/chats without a session answers 401 UNAUTHENTICATED', async ({ request }) => {
  const response = await request.get('/api/chats');
  expect(response.status()).toBe(401);
  const body = (await response.json()) as { error: { code: string } };
  expect(body.error.code).toBe('UNAUTHENTICATED');
});
