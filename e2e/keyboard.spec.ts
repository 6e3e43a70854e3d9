// A whole conversation with the keyboard only: the chat list by arrow keys, Enter opens a chat
// ready to write, Enter sends and Shift+Enter adds a line, a reaction, a reply and an edit through
// their buttons and menus (Escape closes each, focus returns to what opened it), and the skip link
// to the composer.
import { expect, test, type Locator, type Page } from '@playwright/test';
import { DEMO_OWNER, InboxPage } from './inbox-page';

/** Presses Tab (or Shift+Tab) until `target` has the focus; fails after `max` presses. */
async function tabTo(page: Page, target: Locator, { backwards = false, max = 40 } = {}) {
  for (let i = 0; i < max; i++) {
    if (await target.evaluate((el) => el === document.activeElement).catch(() => false)) return;
    await page.keyboard.press(backwards ? 'Shift+Tab' : 'Tab');
  }
  await expect(target).toBeFocused();
}

test('open a chat, send, react, reply and edit with the keyboard only', async ({ browser }) => {
  test.setTimeout(90_000);
  const owner = await InboxPage.signIn(browser, DEMO_OWNER.email, DEMO_OWNER.password);
  const { guest, chatId } = await InboxPage.newGuestWithChat(browser, owner, 'Kai Keys');
  await guest.sendOverRest(chatId, 'Can we bring our dog?');
  const { page } = owner;
  await expect(owner.chatItem(chatId)).toContainText('Can we bring our dog?');
  await owner.connected();

  // The list is one tab stop; the arrow keys move within it.
  const items = page.getByTestId('chat-item');
  await tabTo(page, items.first());
  await expect(page.locator('[data-testid="chat-item"][tabindex="0"]')).toHaveCount(1);
  await page.keyboard.press('ArrowDown');
  await expect(items.nth(1)).toBeFocused();
  await expect(items.nth(1)).toHaveAttribute('tabindex', '0');
  await expect(items.first()).toHaveAttribute('tabindex', '-1');
  await page.keyboard.press('End');
  await expect(items.last()).toBeFocused();
  await page.keyboard.press('Home');
  await expect(items.first()).toBeFocused();
  // The newest chat is first; Enter opens it with the composer focused.
  await expect(items.first()).toHaveAttribute('data-chat-id', chatId);
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`/inbox/${chatId}`));
  await expect(owner.composer).toBeFocused();

  // Shift+Enter adds a line, Enter sends; the composer keeps the focus.
  await page.keyboard.type('Yes, dogs are welcome.');
  await page.keyboard.press('Shift+Enter');
  await page.keyboard.type('Two at most.');
  await page.keyboard.press('Enter');
  const sent = owner.message('Yes, dogs are welcome.\nTwo at most.');
  await expect(sent).toHaveAttribute('data-state', /^(sent|delivered|read)$/);
  await expect(owner.composer).toBeFocused();
  await expect(owner.composer).toHaveValue('');

  // React to the guest's message: the picker opens on its first choice; Escape closes it.
  const question = owner.message('Can we bring our dog?');
  const addReaction = question.getByRole('button', { name: 'Add a reaction' });
  await tabTo(page, addReaction, { backwards: true });
  await page.keyboard.press('Enter');
  await expect(page.getByRole('menuitem', { name: 'React 👍' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('menuitem', { name: 'React 👍' })).toHaveCount(0);
  await expect(addReaction).toBeFocused();
  await page.keyboard.press('Enter');
  await page.keyboard.press('Tab');
  await expect(page.getByRole('menuitem', { name: 'React ❤️' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(question.getByRole('button', { name: /^❤️ 1: you$/ })).toHaveAttribute('aria-pressed', 'true');
  await expect(addReaction).toBeFocused();

  // Reply to it: the composer takes the focus, Enter sends the reply with its quote.
  await tabTo(page, question.getByTestId('reply'), { backwards: true });
  await page.keyboard.press('Enter');
  await expect(owner.composer).toBeFocused();
  await expect(page.getByTestId('replying-to')).toContainText('Can we bring our dog?');
  await page.keyboard.type('A small fee applies.');
  await page.keyboard.press('Enter');
  const reply = owner.message('A small fee applies.');
  await expect(reply.getByTestId('reply-quote')).toContainText('Can we bring our dog?');
  await expect(reply).toHaveAttribute('data-state', /^(sent|delivered|read)$/);

  // Edit the first answer through its menu: Escape closes the menu, Enter on Edit opens the form.
  const actions = sent.getByRole('button', { name: 'Message actions' });
  await tabTo(page, actions, { backwards: true });
  await page.keyboard.press('Enter');
  await expect(page.getByRole('menuitem', { name: 'Edit' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('menu')).toHaveCount(0);
  await expect(actions).toBeFocused();
  await page.keyboard.press('Enter');
  await page.keyboard.press('Enter');
  const field = page.getByLabel('Edit message');
  await expect(field).toBeFocused();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type('Yes, one dog is welcome.');
  await page.keyboard.press('Enter');
  const edited = owner.message('Yes, one dog is welcome.');
  await expect(edited.getByTestId('edited')).toBeVisible();
  await expect(edited.getByRole('button', { name: 'Message actions' })).toBeFocused();

  // The guest sees all of it.
  await guest.openChat(chatId);
  await expect(guest.message('Yes, one dog is welcome.')).toBeVisible();
  await expect(guest.message('A small fee applies.').getByTestId('reply-quote')).toContainText('Can we bring');
  await expect(guest.message('Can we bring our dog?').getByTestId('reaction')).toHaveAttribute('data-emoji', '❤️');

  // The skip link is the first tab stop of a thread's page and lands in the composer.
  // (Loaded afresh without the list's ?compose=1, which focuses the composer on open.)
  await page.goto(`/inbox/${chatId}`);
  await expect(owner.message('Yes, one dog is welcome.')).toBeVisible();
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to message composer' });
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  await page.keyboard.press('Enter');
  await expect(owner.composer).toBeFocused();
  // Escape closes the quick replies a host opens with "/".
  await page.keyboard.type('/');
  await expect(page.getByTestId('quick-replies')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('quick-replies')).toHaveCount(0);
  await expect(owner.composer).toBeFocused();
  // And the "Send later" popover: it opens on its time field, Escape returns to its button.
  await page.keyboard.type('Reminder: check-in at 4pm');
  const later = page.getByRole('button', { name: 'Send later' });
  await tabTo(page, later);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('dialog', { name: 'Schedule message' }).getByLabel('Send at')).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog', { name: 'Schedule message' })).toHaveCount(0);
  await expect(later).toBeFocused();
  await guest.context.close();
  await owner.context.close();
});

test('on a phone, the keyboard goes from the list into a chat and back to the same chat', async ({ browser }) => {
  const owner = await InboxPage.signIn(browser, DEMO_OWNER.email, DEMO_OWNER.password, {
    viewport: { width: 390, height: 844 },
  });
  const { guest, chatId } = await InboxPage.newGuestWithChat(browser, owner, 'Pia Phone');
  await guest.sendOverRest(chatId, 'Hello from a phone');
  const { page } = owner;
  await expect(owner.chatItem(chatId)).toContainText('Hello from a phone');
  await tabTo(page, owner.chatItem(chatId));
  await page.keyboard.press('Enter');
  await expect(owner.composer).toBeFocused();
  await expect(owner.chatItem(chatId)).toBeHidden();
  await tabTo(page, page.getByRole('link', { name: 'Back to conversations' }), { backwards: true });
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/inbox(\?|$)/);
  await expect(owner.chatItem(chatId)).toBeFocused();
  await guest.context.close();
  await owner.context.close();
});
