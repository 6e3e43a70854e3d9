// The thread's cues as a reader meets them, sighted or with a screen reader: the "New messages"
// divider where the unread messages begin, grouping of one sender's consecutive messages, the live
// region that announces each arrival once (not the history on open, not older pages loaded on
// scroll), "Jump to latest" with a count while the reader is up in the history, and what the
// accessibility tree names (unread counts with their chat, ticks, the connection banner, the
// property link).
import { expect, test, type Page } from '@playwright/test';
import { CATCH_UP_OVERLAP_MS } from '../lib/client/queries';
import { DEMO_OWNER, InboxPage } from './inbox-page';

const announcer = (page: Page) => page.getByTestId('new-message-announcer');

test('opening with unread messages, scrolling back, and messages arriving meanwhile', async ({ browser }) => {
  test.setTimeout(120_000);
  const owner = await InboxPage.signIn(browser, DEMO_OWNER.email, DEMO_OWNER.password);
  const { guest, chatId } = await InboxPage.newGuestWithChat(browser, owner, 'Lena Live');
  // 70 of the owner's own messages (more than one page of 50), then three unread from the guest,
  // a moment apart: one group.
  for (let start = 0; start < 70; start += 10) {
    const sent = await Promise.all(
      Array.from({ length: 10 }, (_, i) => start + i).map((n) =>
        owner.page.request.post(`/api/chats/${chatId}/messages`, {
          data: { content: `history ${n}`, clientMessageId: `history-${chatId}-${n}` },
        }),
      ),
    );
    expect(sent.map((r) => r.status())).toEqual(Array(10).fill(201));
  }
  // A client catches up from CATCH_UP_OVERLAP_MS before its newest message when it connects: the
  // history must be older than that to stay out of the first load (an older page, on scroll).
  await owner.page.waitForTimeout(CATCH_UP_OVERLAP_MS + 1_000);
  for (const text of ['unread one', 'unread two', 'unread three']) await guest.sendOverRest(chatId, text);

  // In the list, the unread count is part of the chat's accessible name.
  await expect(owner.chatItem(chatId)).toHaveAccessibleName(/Lena Live.*3 unread messages/);
  await expect(owner.unreadBadge(chatId)).toHaveText('3');

  await owner.openChat(chatId);
  await owner.connected();
  const divider = owner.page.getByTestId('unread-divider');
  await expect(divider).toHaveText('New messages');
  await expect(divider).toBeInViewport();
  await expect(owner.page.getByRole('heading', { name: 'New messages' })).toBeVisible();
  // It stands right before the first unread message.
  await expect(owner.page.locator('[data-testid="unread-divider"] + [data-testid="message"]')).toContainText(
    'unread one',
  );
  // The three form one group: their time is shown once, on the last (still read out on each).
  await expect(owner.message('unread one')).toHaveAttribute('data-group', 'first');
  await expect(owner.message('unread two')).toHaveAttribute('data-group', 'middle');
  await expect(owner.message('unread three')).toHaveAttribute('data-group', 'last');
  await expect(owner.message('unread one').locator('time')).toHaveClass(/sr-only/);
  await expect(owner.message('unread three').locator('time')).not.toHaveClass(/sr-only/);
  // The owner's own messages carry ticks with text.
  await expect(owner.message('history 69').getByRole('img', { name: /^(Sent|Delivered|Read)$/ })).toBeVisible();
  // The header's property leads to its page.
  const property = owner.page.getByTestId('thread-property');
  await expect(property).toHaveRole('link');
  await expect(property).toHaveAccessibleName('Lakeside Cabin');
  await expect(property).toHaveAttribute('href', /^\/properties\/[^/]+$/);

  // Nothing is announced for the history shown on open.
  // Only the newest page is loaded (50 of 73).
  await expect(owner.page.getByTestId('message')).toHaveCount(50);
  await expect(announcer(owner.page)).toHaveText('');
  // The scroller itself is no live region any more (it held the whole history).
  const scroller = owner.page.getByTestId('message-scroller');
  await expect(scroller).not.toHaveAttribute('aria-live');
  await expect(scroller).toHaveRole('region');

  // Back to the start: the older page loads, and is not announced either.
  await scroller.evaluate((el) => (el.scrollTop = 0));
  await expect(owner.page.getByTestId('history-start')).toBeVisible();
  await expect(owner.message('history 0')).toBeAttached();
  await expect(owner.page.getByTestId('message')).toHaveCount(73);
  await expect(announcer(owner.page)).toHaveText('');
  await expect(owner.page.getByTestId('jump-to-latest')).toHaveCount(0);

  // A message arrives while the owner reads old history: announced once, counted on the button.
  await guest.sendOverRest(chatId, 'Are you there?');
  const jump = owner.page.getByTestId('jump-to-latest');
  await expect(jump).toHaveText('Jump to latest · 1 new message ↓');
  await expect(announcer(owner.page)).toHaveText('Lena Live: Are you there?');
  await guest.sendOverRest(chatId, 'Hello?');
  await expect(jump).toHaveText('Jump to latest · 2 new messages ↓');
  await expect(announcer(owner.page).locator('p')).toHaveText(['Lena Live: Are you there?', 'Lena Live: Hello?']);
  // The view stayed up in the history.
  await expect(owner.message('Hello?')).not.toBeInViewport();

  await jump.click();
  await expect(owner.message('Hello?')).toBeInViewport();
  await expect(jump).toHaveCount(0);
  await expect(owner.composer).toBeFocused();
  // The owner's own send is not announced to the owner; a reply from the guest is, once.
  await owner.send('Yes, here');
  await expect(owner.message('Yes, here')).toHaveAttribute('data-state', /^(sent|delivered|read)$/);
  await guest.sendOverRest(chatId, 'Great');
  await expect(announcer(owner.page).locator('p')).toHaveText([
    'Lena Live: Are you there?',
    'Lena Live: Hello?',
    'Lena Live: Great',
  ]);
  // At the bottom, arrivals need no button.
  await expect(jump).toHaveCount(0);
  // The other way round: the guest, with the thread open, hears the owner's message.
  await guest.openChat(chatId);
  await guest.connected();
  await expect(announcer(guest.page)).toHaveText('');
  await owner.send('See you on Friday');
  await expect(announcer(guest.page)).toHaveText('Oscar Owner: See you on Friday');

  // The connection banner is a status message, read out when it changes.
  await owner.context.setOffline(true);
  await expect(owner.page.getByRole('status').filter({ hasText: 'You are offline' })).toBeVisible();
  await owner.context.setOffline(false);
  await owner.connected();
  await guest.context.close();
  await owner.context.close();
});

test('the divider shows when a thread opens with unread messages, not once they are read', async ({ browser }) => {
  const owner = await InboxPage.signIn(browser, DEMO_OWNER.email, DEMO_OWNER.password);
  const { guest, chatId } = await InboxPage.newGuestWithChat(browser, owner, 'Nina Noread');
  await guest.sendOverRest(chatId, 'first');
  await owner.openChat(chatId);
  await expect(owner.message('first')).toBeVisible();
  await expect(owner.page.getByTestId('unread-divider')).toHaveCount(1);
  // Read now: opened again, no divider.
  await expect(owner.unreadBadge(chatId)).toHaveCount(0);
  await owner.page.reload();
  await expect(owner.message('first')).toBeVisible();
  await expect(owner.page.getByTestId('unread-divider')).toHaveCount(0);
  await guest.context.close();
  await owner.context.close();
});
