// The production build's defences as a browser meets them: security headers and a CSP that the
// app's own pages run under without a single violation, and a page on another port of the same
// host (same site, so SameSite=Lax sends the session cookie) that tries to write with the
// user's cookie: a text/plain form, a no-cors fetch, a multipart upload. Nothing is stored.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from '@playwright/test';
import pg from 'pg';
import { E2E_BASE_URL, E2E_DATABASE_URL } from '../playwright.config';
import { InboxPage } from './inbox-page';

const GUEST = { email: 'guest@stayeasy.test', password: 'guest-password' };

test('pages carry a nonce CSP and the security headers, and run under them without a violation', async ({
  browser,
}) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });

  const response = (await page.goto('/login'))!;
  const headers = response.headers();
  expect(headers['content-security-policy']).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
  expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
  expect(headers['content-security-policy']).not.toContain('unsafe-eval');
  expect(headers['x-powered-by']).toBeUndefined();
  expect(headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['x-frame-options']).toBe('DENY');
  // Each page view gets its own nonce.
  const again = (await page.request.get('/login')).headers()['content-security-policy'];
  expect(again).not.toBe(headers['content-security-policy']);

  // Signing in and the live inbox work under the policy: scripts, styles, the socket.
  await page.getByLabel('Email', { exact: true }).fill(GUEST.email);
  await page.getByLabel('Password', { exact: true }).fill(GUEST.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/inbox$/);
  await page.getByTestId('chat-item').first().click();
  await expect(page.getByTestId('message-content').first()).toBeVisible();
  expect(violations).toEqual([]);
  await context.close();
});

test('a session ended elsewhere no longer renders the inbox: the page goes to sign-in', async ({ browser }) => {
  const tab = await InboxPage.signIn(browser, GUEST.email, GUEST.password);
  const elsewhere = await InboxPage.signIn(browser, GUEST.email, GUEST.password);
  // "Sign out everywhere" from the other device ends every session of the user, the tab's too.
  expect((await elsewhere.page.request.delete('/api/account/sessions')).status()).toBe(200);

  // A new page with the same (still present) cookie: the open page's own client notices the end
  // too and navigates itself, which is not what this checks.
  await tab.page.close();
  const page = await tab.context.newPage();
  await page.goto('/inbox');
  await expect(page).toHaveURL(/\/login/);
  await expect(page.getByText('Gina Guest')).toHaveCount(0);
  await tab.context.close();
  await elsewhere.context.close();
});

test.describe('a page on another port of the same host', () => {
  let evil: Server;
  let evilOrigin: string;

  test.beforeAll(async () => {
    evil = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(evilPage(new URL(req.url!, 'http://x').searchParams.get('chat')!));
    });
    await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
    evilOrigin = `http://localhost:${(evil.address() as AddressInfo).port}`;
  });

  test.afterAll(() => new Promise<void>((resolve) => evil.close(() => resolve())));

  test('cannot write with the signed-in user’s cookie', async ({ browser }) => {
    const guest = await InboxPage.signIn(browser, GUEST.email, GUEST.password);
    const chats = (await (await guest.page.request.get('/api/chats')).json()).data as Array<{ id: string }>;
    const chatId = chats[0]!.id;
    const messagesBefore = await messageTexts(guest, chatId);
    const filesBefore = await fileCount();

    const attempts = guest.page.waitForEvent('console', (message) => message.text() === 'evil: done');
    await guest.page.goto(`${evilOrigin}/?chat=${chatId}`);
    await attempts;
    // The form's navigation shows the app's refusal.
    await expect(guest.page.locator('body')).toContainText(/UNSUPPORTED_MEDIA_TYPE|FORBIDDEN/);

    expect(await messageTexts(guest, chatId)).toEqual(messagesBefore);
    expect(await fileCount()).toBe(filesBefore);
    await guest.context.close();
  });
});

async function messageTexts(page: InboxPage, chatId: string): Promise<string[]> {
  const response = await page.page.request.get(`${E2E_BASE_URL}/api/chats/${chatId}/messages?limit=100`);
  expect(response.status()).toBe(200);
  return ((await response.json()).data.messages as Array<{ content: string }>).map((m) => m.content);
}

/** Uploads stored, read from the run's database (the upload's answer is opaque to the page). */
async function fileCount(): Promise<number> {
  const client = new pg.Client({ connectionString: E2E_DATABASE_URL });
  await client.connect();
  try {
    return Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM files')).rows[0]!.n);
  } finally {
    await client.end();
  }
}

/** What an attacker's page does: every write a page can make without a CORS preflight. */
function evilPage(chatId: string): string {
  const app = E2E_BASE_URL;
  return `<!doctype html><html><body>
<form id="form" method="POST" enctype="text/plain" action="${app}/api/chats/${chatId}/messages">
  <input name='{"content":"forged by a form","x":"' value='"}'>
</form>
<script>
(async () => {
  const send = (path, init) => fetch('${app}' + path, { method: 'POST', mode: 'no-cors', credentials: 'include', ...init }).catch(() => {});
  await send('/api/chats/${chatId}/messages', { headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ content: 'forged by fetch' }) });
  await send('/api/chats/${chatId}/read', { headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ upToMessageId: 'x' }) });
  const upload = new FormData();
  upload.append('file', new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])], { type: 'image/png' }), 'forged.png');
  await send('/api/attachments', { body: upload });
  console.log('evil: done');
  document.getElementById('form').submit();
})();
</script></body></html>`;
}
