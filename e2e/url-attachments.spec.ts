// Attachments named by URL in the browser: a seed-style client (a plain socket.io-client in the
// test process, no ack callback) sends `{ url, type: 'image' }` pointing at a small image host on
// this machine (E2E_IMAGE_PORT, let through ATTACHMENT_FETCH_ALLOW); the other member's open
// thread shows the picture loaded from the app's own origin, never from the host, and a URL the
// host cannot serve as a placeholder naming the URL as text.
import http from 'node:http';
import { expect, test } from '@playwright/test';
import { io, type Socket } from 'socket.io-client';
import { E2E_IMAGE_PORT, E2E_REALTIME_URL } from '../playwright.config';
import { DEMO_OWNER, InboxPage } from './inbox-page';

/** A real 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

let imageHost: http.Server;
const requests: Array<{ path: string; userAgent: string }> = [];

test.beforeAll(async () => {
  imageHost = http.createServer((request, response) => {
    requests.push({ path: request.url ?? '', userAgent: request.headers['user-agent'] ?? '' });
    if (request.url === '/dock.png') response.writeHead(200, { 'content-type': 'image/png' }).end(PNG);
    else response.writeHead(404, { 'content-type': 'text/plain' }).end('not here');
  });
  await new Promise<void>((resolve) => imageHost.listen(E2E_IMAGE_PORT, '127.0.0.1', resolve));
});

test.afterAll(async () => {
  imageHost.closeAllConnections();
  await new Promise((resolve) => imageHost.close(resolve));
});

/** The seed's client for this user: connected with a token for the page's session. */
async function seedClient(page: InboxPage): Promise<Socket> {
  const answer = await page.page.request.get('/api/realtime/token');
  expect(answer.status()).toBe(200);
  const { token } = (await answer.json()).data as { token: string };
  const socket = io(E2E_REALTIME_URL, { auth: { token }, transports: ['websocket'], reconnection: false });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return socket;
}

/** `send_message` as the seed emits it (no ack callback): answered by `message_sent` or `message_error`. */
function seedSend(socket: Socket, payload: Record<string, unknown>): Promise<{ messageId: string }> {
  return new Promise((resolve, reject) => {
    socket.once('message_sent', resolve);
    socket.once('message_error', (error: { error: string }) => reject(new Error(error.error)));
    socket.emit('send_message', payload);
  });
}

test('an image a seed client names by URL shows from the app’s origin; one that cannot be fetched shows its URL', async ({
  browser,
}) => {
  const owner = await InboxPage.signIn(browser, DEMO_OWNER.email, DEMO_OWNER.password);
  const { guest, chatId } = await InboxPage.newGuestWithChat(browser, owner, 'Uri Url');
  await owner.openChat(chatId);
  await owner.connected();
  const seed = await seedClient(guest);

  const url = `http://127.0.0.1:${E2E_IMAGE_PORT}/dock.png`;
  const sent = await seedSend(seed, {
    chatId,
    content: 'Photo of the dock',
    attachments: [{ url, type: 'image' }],
  });
  expect(sent.messageId).toBeTruthy();

  const image = owner.message('Photo of the dock').locator('img[data-testid="attachment-image"]');
  await expect(image).toBeVisible();
  expect(await image.getAttribute('src')).toMatch(/^\/api\/attachments\/[a-f0-9]{32}$/);
  await expect
    .poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
    .toBeGreaterThan(0);
  // The host was asked once, by the server's fetcher; the browser never went there.
  expect(requests).toEqual([{ path: '/dock.png', userAgent: 'stayeasy-messaging attachment fetcher' }]);

  const missing = `http://127.0.0.1:${E2E_IMAGE_PORT}/gone.png`;
  await seedSend(seed, { chatId, content: 'A photo that is gone', attachments: [{ url: missing, type: 'image' }] });
  const bubble = owner.message('A photo that is gone');
  const placeholder = bubble.getByTestId('attachment-unavailable');
  await expect(placeholder).toBeVisible();
  await expect(placeholder).toContainText('Attachment unavailable');
  await expect(placeholder).toContainText(missing);
  // The URL is text, not a link, and no image is left in its place.
  await expect(placeholder.getByRole('link')).toHaveCount(0);
  await expect(bubble.getByTestId('attachment-image')).toHaveCount(0);

  seed.close();
  await Promise.all([guest.context.close(), owner.context.close()]);
});
