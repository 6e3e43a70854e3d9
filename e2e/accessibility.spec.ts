// WCAG 2.2 AA checks with axe-core on every page a user meets (signed out, the inbox, a thread
// with replies, reactions, an edited and an unsent message, search results, the quick replies and
// email settings, the unsubscribe page, the stays), in light and dark and at phone and desktop
// widths: any serious or critical violation fails, listed with its rule, elements and summary.
// Screenshots of the thread in the four looks go to test-results/screens/ for a person to review.
import { expect, test, type Browser, type Page } from '@playwright/test';
import { LOOKS, seriousViolations } from './axe';
import { DEMO_OWNER, InboxPage } from './inbox-page';

interface Fixture {
  chatId: string;
  propertyId: string;
  guestEmail: string;
  guestPassword: string;
}

let fixture: Fixture;

/** A thread, seen by the owner, with everything a message can show. */
async function makeThread(browser: Browser): Promise<Fixture> {
  const owner = await InboxPage.signIn(browser, DEMO_OWNER.email, DEMO_OWNER.password);
  const { guest, chatId, email, password } = await InboxPage.newGuestWithChat(browser, owner, 'Ada Access');
  const api = (page: Page, method: 'PATCH' | 'DELETE' | 'PUT', path: string, data?: object) =>
    page.request.fetch(`/api/chats/${chatId}/messages/${path}`, { method, data });
  const question = await guest.sendOverRest(chatId, 'Hello! Is the cabin free in May?');
  const answer = await owner.page.request.post(`/api/chats/${chatId}/messages`, {
    data: { content: 'Yes, from the 3rd to the 20th.', replyToId: question.id },
  });
  expect(answer.status()).toBe(201);
  const answerId = (await answer.json()).data.id as string;
  const checkIn = await owner.sendOverRest(chatId, 'Check-in is at 3pm');
  expect((await api(owner.page, 'PATCH', checkIn.id, { content: 'Check-in is at 4pm' })).status()).toBe(200);
  const oops = await guest.sendOverRest(chatId, 'Oops, wrong chat');
  expect((await api(guest.page, 'DELETE', oops.id)).status()).toBe(200);
  expect((await api(owner.page, 'PUT', `${question.id}/reactions`, { emoji: '👍', on: true })).status()).toBe(200);
  expect((await api(guest.page, 'PUT', `${answerId}/reactions`, { emoji: '❤️', on: true })).status()).toBe(200);
  await guest.sendOverRest(chatId, 'Great, we will book the cabin for May then.');
  const chats = (await (await owner.page.request.get('/api/chats')).json()).data as Array<{
    id: string;
    property: { id: string };
  }>;
  const propertyId = chats.find((c) => c.id === chatId)!.property.id;
  await guest.context.close();
  await owner.context.close();
  return { chatId, propertyId, guestEmail: email, guestPassword: password };
}

test.beforeAll(async ({ browser }) => {
  fixture = await makeThread(browser);
});

for (const look of LOOKS) {
  test(`no serious or critical axe violations on any page, ${look.theme} theme, ${look.width} width`, async ({
    browser,
  }) => {
    const options = { colorScheme: look.theme, viewport: look.viewport } as const;
    const found: string[] = [];

    const signedOut = await browser.newContext(options);
    const anonymous = await signedOut.newPage();
    await anonymous.goto('/login');
    await expect(anonymous.getByRole('button', { name: 'Sign in' })).toBeVisible();
    found.push(...(await seriousViolations(anonymous, '/login')));
    await anonymous.goto('/signup');
    await expect(anonymous.getByLabel('Password', { exact: true })).toBeVisible();
    found.push(...(await seriousViolations(anonymous, '/signup')));
    await anonymous.goto('/unsubscribe?token=not-a-token');
    await expect(anonymous.getByRole('heading', { level: 1 })).toBeVisible();
    found.push(...(await seriousViolations(anonymous, '/unsubscribe (an invalid link)')));
    await signedOut.close();

    const owner = await InboxPage.signIn(browser, DEMO_OWNER.email, DEMO_OWNER.password, options);
    const { page } = owner;
    await expect(page.locator('html')).toHaveClass(look.theme === 'dark' ? /\bdark\b/ : /^(?!.*\bdark\b)/);
    await owner.connected();
    await expect(page.getByTestId('chat-item').first()).toBeVisible();
    found.push(...(await seriousViolations(page, '/inbox')));

    await owner.openChat(fixture.chatId);
    await expect(owner.message('Check-in is at 4pm').getByTestId('edited')).toBeVisible();
    await expect(owner.unsentMessages()).toHaveCount(1);
    await expect(owner.message('Yes, from the 3rd to the 20th.').getByTestId('reply-quote')).toBeVisible();
    await expect(page.getByTestId('reaction')).toHaveCount(2);
    await owner.connected();
    found.push(...(await seriousViolations(page, '/inbox/:chatId')));
    await page.screenshot({ path: `test-results/screens/thread-${look.theme}-${look.width}.png` });

    await page.goto('/inbox?q=cabin');
    await expect(page.getByTestId('search-message').first()).toBeVisible();
    found.push(...(await seriousViolations(page, '/inbox?q=cabin')));

    await page.goto('/settings/replies');
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    found.push(...(await seriousViolations(page, '/settings/replies')));

    await page.goto('/settings/notifications');
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    found.push(...(await seriousViolations(page, '/settings/notifications')));

    await page.goto('/properties');
    await expect(page.getByTestId('listing').first()).toBeVisible();
    found.push(...(await seriousViolations(page, '/properties')));

    await page.goto(`/properties/${fixture.propertyId}`);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    found.push(...(await seriousViolations(page, '/properties/:id')));
    await owner.context.close();

    // The guest's side of the thread: their own messages in the green bubbles.
    const guest = await InboxPage.signIn(browser, fixture.guestEmail, fixture.guestPassword, options);
    await guest.openChat(fixture.chatId);
    await expect(guest.message('Great, we will book the cabin for May then.')).toBeVisible();
    await guest.connected();
    found.push(...(await seriousViolations(guest.page, "/inbox/:chatId (the guest's)")));
    await guest.context.close();

    expect(found, found.join('\n')).toEqual([]);
  });
}

test('at 200% zoom of a desktop window (640 CSS pixels wide) no page scrolls sideways', async ({ browser }) => {
  const options = { viewport: { width: 640, height: 400 } };
  const horizontalOverflow = (page: Page) =>
    page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  const signedOut = await browser.newContext(options);
  const anonymous = await signedOut.newPage();
  for (const path of ['/login', '/signup']) {
    await anonymous.goto(path);
    await expect(anonymous.getByLabel('Password', { exact: true })).toBeVisible();
    expect(await horizontalOverflow(anonymous), path).toBeLessThanOrEqual(0);
  }
  await signedOut.close();
  const owner = await InboxPage.signIn(browser, DEMO_OWNER.email, DEMO_OWNER.password, options);
  const pages: Array<[string, () => Promise<void>]> = [
    ['/inbox', () => expect(owner.page.getByTestId('chat-item').first()).toBeVisible()],
    [`/inbox/${fixture.chatId}`, () => expect(owner.message('Check-in is at 4pm')).toBeVisible()],
    ['/inbox?q=cabin', () => expect(owner.page.getByTestId('search-message').first()).toBeVisible()],
    ['/settings/replies', () => expect(owner.page.getByRole('heading', { level: 1 })).toBeVisible()],
    ['/settings/notifications', () => expect(owner.page.getByRole('heading', { level: 1 })).toBeVisible()],
    ['/properties', () => expect(owner.page.getByTestId('listing').first()).toBeVisible()],
    [`/properties/${fixture.propertyId}`, () => expect(owner.page.getByRole('heading', { level: 1 })).toBeVisible()],
  ];
  for (const [path, loaded] of pages) {
    await owner.page.goto(path);
    await loaded();
    expect(await horizontalOverflow(owner.page), path).toBeLessThanOrEqual(0);
  }
  // The composer and its buttons are still there to use.
  await owner.page.goto(`/inbox/${fixture.chatId}`);
  await expect(owner.composer).toBeInViewport();
  await expect(owner.page.getByRole('button', { name: 'Send', exact: true })).toBeInViewport();
  await owner.context.close();
});

test('with reduced motion the thread has no transitions', async ({ browser }) => {
  const owner = await InboxPage.signIn(browser, DEMO_OWNER.email, DEMO_OWNER.password, { reducedMotion: 'reduce' });
  await owner.openChat(fixture.chatId);
  const duration = () =>
    owner.message('Check-in is at 4pm').evaluate((el) => parseFloat(getComputedStyle(el).transitionDuration));
  expect(await duration()).toBeLessThan(0.001);
  await owner.context.close();
  // The same message animates its highlight without the preference.
  const moving = await InboxPage.signIn(browser, DEMO_OWNER.email, DEMO_OWNER.password, {
    reducedMotion: 'no-preference',
  });
  await moving.openChat(fixture.chatId);
  expect(
    await moving.message('Check-in is at 4pm').evaluate((el) => parseFloat(getComputedStyle(el).transitionDuration)),
  ).toBeGreaterThan(0.05);
  await moving.context.close();
});
