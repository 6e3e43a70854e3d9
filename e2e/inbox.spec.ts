// The inbox as guests and owners use it: two browser contexts against the real dev stack.
import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { DEMO_OWNER, InboxPage } from './inbox-page';

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

test('guest sends, the owner sees it live with an unread badge, opens it, and the guest sees the read tick', async ({
  browser,
}) => {
  const owner = await InboxPage.signIn(browser, DEMO_OWNER.email, DEMO_OWNER.password);
  const { guest, chatId } = await InboxPage.newGuestWithChat(browser, owner, 'Lina Live');
  await guest.openChat(chatId);
  await guest.connected();

  await guest.send('Hi, is early check-in possible?');
  await expect(guest.message('Hi, is early check-in possible?')).toHaveAttribute('data-state', /^(sent|delivered)$/);

  // The owner is on the inbox list: the new chat appears, live, with its badge.
  await expect(owner.unreadBadge(chatId)).toHaveText('1');
  await expect(owner.chatItem(chatId)).toContainText('Hi, is early check-in possible?');
  await expect(owner.page).toHaveTitle(/^\(\d+\) Inbox/);

  await owner.chatItem(chatId).click();
  await expect(owner.message('Hi, is early check-in possible?')).toBeVisible();
  await expect(owner.unreadBadge(chatId)).toHaveCount(0);
  await expect(guest.message('Hi, is early check-in possible?')).toHaveAttribute('data-state', 'read');

  await owner.send('Yes, from 1 pm.');
  await expect(guest.message('Yes, from 1 pm.')).toBeVisible();
  await expect(guest.message('Yes, from 1 pm.')).toHaveCount(1);

  // Markup is shown as the characters typed, never run or rendered.
  const markup = '<script>window.__xss = 1</script><b>bold?</b><img src=x onerror="window.__xss = 2">';
  await guest.send(markup);
  const shown = owner.message(markup);
  await expect(shown).toBeVisible();
  await expect(shown.locator('b, script, img')).toHaveCount(0);
  expect(await owner.page.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined();
  await guest.context.close();
  await owner.context.close();
});

test('typing indicator and presence cross between the two contexts', async ({ browser }) => {
  const owner = await InboxPage.signIn(browser, DEMO_OWNER.email, DEMO_OWNER.password);
  const { guest, chatId } = await InboxPage.newGuestWithChat(browser, owner, 'Tara Typing');
  await guest.sendOverRest(chatId, 'Hello!');
  await guest.openChat(chatId);
  await owner.openChat(chatId);

  await expect(guest.presence).toHaveText('Online');
  await expect(owner.presence).toHaveText('Online');

  await owner.composer.pressSequentially('We look forw', { delay: 30 });
  await expect(guest.typingIndicator).toHaveText('Oscar Owner is typing…');
  // It clears by itself when the typing stops (no message sent).
  await expect(guest.typingIndicator).toHaveText('', { timeout: 15_000 });

  await owner.context.close();
  await expect(guest.presence).toHaveText(/^Last seen/);
  await guest.context.close();
});

test('messages typed offline survive closing the tab and are sent once, in order, when back online', async ({
  browser,
}) => {
  const owner = await InboxPage.signIn(browser, DEMO_OWNER.email, DEMO_OWNER.password);
  const { guest, chatId } = await InboxPage.newGuestWithChat(browser, owner, 'Otto Offline');
  await guest.openChat(chatId);
  await guest.connected();

  await guest.context.setOffline(true);
  await expect(guest.banner).toContainText('You are offline');
  await guest.send('offline one');
  await guest.send('offline two');
  await expect(guest.message('offline one')).toHaveAttribute('data-state', 'sending');
  await expect(guest.message('offline two')).toHaveAttribute('data-state', 'sending');
  await expect(guest.banner).toContainText('2 waiting to send');

  // Nothing reached the server while offline.
  expect(await owner.historyOverRest(chatId)).toEqual([]);

  // The tab is closed while still offline; later the user comes back online in a new tab.
  await guest.page.close();
  await guest.context.setOffline(false);
  const again = new InboxPage(await guest.context.newPage(), guest.context);
  // A busy server, staged so that the race is certain: the socket token comes only once the
  // thread's first page is on screen, so connecting refetches the (empty) thread while the outbox
  // sends; the sends reach the server only after it has answered that refetch, and the answer
  // reaches the page only after both sends were acknowledged. That late answer, computed before
  // the sends were stored, must not wipe them off the screen.
  const scroller = again.page.getByTestId('message-scroller');
  await again.holdAnswers(/\/api\/realtime\/token$/, {
    until: () => expect(scroller).toHaveAttribute('aria-busy', 'false'),
  });
  let sends!: Awaited<ReturnType<InboxPage['watchSocket']>>;
  const refetch = await again.holdAnswers(/\/api\/chats\/[^/]+\/messages\?limit=\d+$/, {
    skip: 1,
    until: () => sends.acked(2),
  });
  sends = await again.watchSocket({ holdSendsUntil: refetch.answered });
  await again.openChat(chatId);
  await expect(again.message('offline two')).toHaveAttribute('data-state', /^(sent|delivered|read)$/);
  await refetch.delivered();
  await expect(scroller).toHaveAttribute('aria-busy', 'false');
  for (const text of ['offline one', 'offline two']) {
    await expect(again.message(text)).toHaveCount(1);
    await expect(again.message(text)).toHaveAttribute('data-state', /^(sent|delivered|read)$/);
  }

  const stored = await owner.historyOverRest(chatId);
  expect(stored.map((m) => m.content)).toEqual(['offline one', 'offline two']);

  await owner.openChat(chatId);
  await expect(owner.message('offline two')).toBeVisible();
  expect(await owner.messageTexts()).toEqual(['offline one', 'offline two']);
  await again.page.unrouteAll({ behavior: 'ignoreErrors' });
  await guest.context.close();
  await owner.context.close();
});

test("a message typed offline in a tab since closed is sent once by the user's open tab; an open tab's messages stay its own", async ({
  browser,
}) => {
  const owner = await InboxPage.signIn(browser, DEMO_OWNER.email, DEMO_OWNER.password);
  const { guest: tabA, chatId } = await InboxPage.newGuestWithChat(browser, owner, 'Tom Tabs');
  const context = tabA.context;
  await tabA.openChat(chatId);
  await tabA.connected();
  let refuseB = false;
  const tabB = new InboxPage(await context.newPage(), context);
  const socketB = await tabB.watchSocket({ refuse: () => refuseB });
  await tabB.openChat(chatId);
  await tabB.connected();

  // Tab A is offline with a message when it is closed; tab B, open all along, sends it.
  await context.setOffline(true);
  await tabA.send('typed in tab A');
  await expect(tabA.banner).toContainText('1 waiting to send');
  await tabA.page.close();
  await context.setOffline(false);
  await expect(tabB.message('typed in tab A')).toHaveAttribute('data-state', /^(sent|delivered|read)$/);
  expect(socketB.sent()).toBe(1);

  // Tab B has a message waiting and cannot reach the server while tab C is connected: C leaves
  // B's message to B, which sends it once it gets through.
  const tabC = new InboxPage(await context.newPage(), context);
  const socketC = await tabC.watchSocket();
  await tabC.openChat(chatId);
  await tabC.connected();
  await context.setOffline(true);
  await tabB.send('typed in tab B');
  await expect(tabB.banner).toContainText('1 waiting to send');
  refuseB = true;
  await context.setOffline(false);
  await tabC.connected();
  refuseB = false;
  await expect(tabB.message('typed in tab B')).toHaveAttribute('data-state', /^(sent|delivered|read)$/, {
    timeout: 30_000,
  });
  await expect(tabC.message('typed in tab B')).toHaveCount(1);
  expect(socketC.sent()).toBe(0);
  expect(socketB.sent()).toBe(2);
  expect((await owner.historyOverRest(chatId)).map((m) => m.content)).toEqual(['typed in tab A', 'typed in tab B']);
  await context.close();
  await owner.context.close();
});

test('when the realtime server restarts, the UI shows reconnecting and catches up without duplicates', async ({
  browser,
}) => {
  const owner = await InboxPage.signIn(browser, DEMO_OWNER.email, DEMO_OWNER.password);
  const { guest, chatId } = await InboxPage.newGuestWithChat(browser, owner, 'Rita Restart');
  await guest.sendOverRest(chatId, 'before the restart');
  await guest.openChat(chatId);
  await expect(guest.message('before the restart')).toBeVisible();
  await guest.connected();

  const pid = Number(await readFile('.data/e2e/realtime.pid', 'utf8'));
  // A crash, not a graceful stop: the whole process group (tsx runs the server in a child), so
  // nothing is replayed from it.
  process.kill(-pid, 'SIGKILL');
  await expect(guest.banner).toContainText('Reconnecting');

  // Meanwhile the owner answers over REST; the realtime server is not there to deliver it.
  await owner.sendOverRest(chatId, 'sent while you were away 1');
  await owner.sendOverRest(chatId, 'sent while you were away 2');

  // The supervisor restarts the server after a few seconds; the page reconnects by itself and,
  // its state not recoverable from a dead node, fetches what it missed over REST.
  await expect(guest.message('sent while you were away 2')).toBeVisible({ timeout: 30_000 });
  await expect(guest.banner).toHaveAttribute('data-state', /hidden|connected/);
  expect(await guest.messageTexts()).toEqual([
    'before the restart',
    'sent while you were away 1',
    'sent while you were away 2',
  ]);

  // And live delivery works again on the new server.
  await owner.sendOverRest(chatId, 'after the restart');
  await expect(guest.message('after the restart')).toHaveCount(1);
  expect(await guest.messageTexts()).toEqual([
    'before the restart',
    'sent while you were away 1',
    'sent while you were away 2',
    'after the restart',
  ]);
  await guest.context.close();
  await owner.context.close();
});

test('an attachment is seen by the other party, and its URL is 404 for anyone outside the chat', async ({
  browser,
}) => {
  const owner = await InboxPage.signIn(browser, DEMO_OWNER.email, DEMO_OWNER.password);
  const { guest, chatId } = await InboxPage.newGuestWithChat(browser, owner, 'Ada Attach');
  await guest.openChat(chatId);
  await owner.openChat(chatId);

  await guest.page.getByTestId('file-input').setInputFiles({ name: 'view.png', mimeType: 'image/png', buffer: PNG });
  await expect(guest.page.getByTestId('upload-done')).toBeVisible();
  await guest.send('The view from our last trip');

  const image = owner.message('The view from our last trip').getByTestId('attachment-image');
  await expect(image).toBeVisible();
  const url = await image.getAttribute('src');
  expect(url).toMatch(/^\/api\/attachments\/[a-z0-9]+$/);
  const asOwner = await owner.page.request.get(url!);
  expect(asOwner.status()).toBe(200);
  expect(Buffer.from(await asOwner.body())).toEqual(PNG);

  const stranger = await InboxPage.newGuestWithChat(browser, owner, 'Sam Stranger');
  const asStranger = await stranger.guest.page.request.get(url!);
  expect(asStranger.status()).toBe(404);
  expect((await asStranger.json()).error.code).toBe('NOT_FOUND');
  await Promise.all([guest.context.close(), owner.context.close(), stranger.guest.context.close()]);
});

test('a thread of 500 messages scrolls back to the first without duplicates or gaps', async ({ browser }) => {
  test.setTimeout(180_000);
  const owner = await InboxPage.signIn(browser, DEMO_OWNER.email, DEMO_OWNER.password);
  const { guest, chatId } = await InboxPage.newGuestWithChat(browser, owner, 'Hana History');
  for (let start = 0; start < 500; start += 25) {
    await Promise.all(
      Array.from({ length: 25 }, (_, i) => start + i).map(async (n) => {
        // Sequential numbering survives concurrent sends because each carries its number.
        const response = await guest.page.request.post(`/api/chats/${chatId}/messages`, {
          data: { content: `history ${String(n).padStart(3, '0')}`, clientMessageId: `history-${n}` },
        });
        expect(response.status()).toBe(201);
      }),
    );
  }
  await owner.openChat(chatId);
  const scroller = owner.page.getByTestId('message-scroller');
  const start = owner.page.getByTestId('history-start');
  for (let guard = 0; guard < 40 && !(await start.isVisible()); guard++) {
    await scroller.evaluate((el) => el.scrollTo({ top: 0 }));
    await owner.page.waitForTimeout(300);
  }
  await expect(start).toBeVisible();
  const texts = await owner.messageTexts();
  expect(texts).toHaveLength(500);
  expect(new Set(texts).size).toBe(500);
  const stored = await owner.page.request.get(`/api/chats/${chatId}/messages?limit=100&page=1`);
  expect((await stored.json()).data.pagination.total).toBe(500);
  // Display order is the stored order: walk the API back to the first message and compare.
  const apiOrder: string[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = (
      await (
        await owner.page.request.get(`/api/chats/${chatId}/messages?limit=100${cursor ? `&before=${cursor}` : ''}`)
      ).json()
    ).data;
    apiOrder.unshift(...page.messages.map((m: { content: string }) => m.content));
    if (!page.pagination.hasMore) break;
    cursor = page.pagination.nextCursor;
  }
  expect(texts).toEqual(apiOrder);
  await guest.context.close();
  await owner.context.close();
});

test('screenshots of the inbox and a thread at phone and desktop widths, light and dark', async ({ browser }) => {
  const sizes = { phone: { width: 390, height: 844 }, desktop: { width: 1280, height: 800 } } as const;
  for (const colorScheme of ['light', 'dark'] as const) {
    for (const [name, viewport] of Object.entries(sizes)) {
      const owner = await InboxPage.signIn(browser, DEMO_OWNER.email, DEMO_OWNER.password, { viewport, colorScheme });
      await expect(owner.page.getByTestId('chat-item').first()).toBeVisible();
      await owner.page.screenshot({ path: `test-results/screenshots/inbox-${name}-${colorScheme}.png` });
      const chatId = await owner.page.getByTestId('chat-item').first().getAttribute('data-chat-id');
      await owner.openChat(chatId!);
      await expect(owner.messages().first()).toBeVisible();
      await owner.page.screenshot({ path: `test-results/screenshots/thread-${name}-${colorScheme}.png` });
      await owner.context.close();
    }
  }
});

test('a message arriving in a hidden tab raises a browser notification (when the user allowed them)', async ({
  browser,
}) => {
  const owner = await InboxPage.signIn(browser, DEMO_OWNER.email, DEMO_OWNER.password);
  // The tab is in the background and notifications are allowed; the page's Notification records
  // what it is asked to show (headless Chromium has no notification centre to look at).
  await owner.page.addInitScript(() => {
    Object.defineProperty(document, 'visibilityState', { get: () => 'hidden' });
    const shown: Array<{ title: string; body?: string }> = [];
    (window as unknown as { __notifications: typeof shown }).__notifications = shown;
    class RecordingNotification {
      static permission = 'granted';
      onclick: (() => void) | null = null;
      constructor(title: string, options?: { body?: string }) {
        shown.push({ title, body: options?.body });
      }
    }
    (window as unknown as { Notification: unknown }).Notification = RecordingNotification;
  });
  await owner.page.goto('/inbox');
  const { guest, chatId } = await InboxPage.newGuestWithChat(browser, owner, 'Nora Notify');
  await guest.sendOverRest(chatId, 'Are towels provided?');
  await expect
    .poll(() => owner.page.evaluate(() => (window as unknown as { __notifications: unknown[] }).__notifications))
    .toEqual([{ title: 'Nora Notify', body: 'Are towels provided?' }]);
  await guest.context.close();
  await owner.context.close();
});
