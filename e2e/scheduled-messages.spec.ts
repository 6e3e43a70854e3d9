// Scheduled messages as a guest uses them: "Send later" refuses a time in the past at its field,
// then schedules the draft a minute or two ahead (the time field has minute resolution); the
// guest sees "Scheduled for …" under the thread, edits and cancels another one inline; the host's
// thread, open in another browser, receives the message live at its time, and the guest's
// scheduled item gives way to the sent message.
import { expect, test, type Page } from '@playwright/test';
import { DEMO_OWNER, InboxPage } from './inbox-page';

/** A datetime-local value `minutes` from now, in the page's own time zone (seconds dropped). */
const localTime = (page: Page, minutes: number) =>
  page.evaluate((m) => {
    const date = new Date(Date.now() + m * 60_000);
    return new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
  }, minutes);

async function scheduleDraft(inbox: InboxPage, text: string, when: string) {
  await inbox.composer.fill(text);
  await inbox.page.getByRole('button', { name: 'Send later' }).click();
  const dialog = inbox.page.getByRole('dialog', { name: 'Schedule message' });
  await dialog.getByLabel('Send at').fill(when);
  await dialog.getByRole('button', { name: 'Schedule' }).click();
  return dialog;
}

test('a message scheduled a minute ahead arrives live at its time; another is edited and cancelled', async ({
  browser,
}) => {
  test.setTimeout(240_000);
  const owner = await InboxPage.signIn(browser, DEMO_OWNER.email, DEMO_OWNER.password);
  const { guest, chatId } = await InboxPage.newGuestWithChat(browser, owner, 'Sally Schedule');
  await guest.openChat(chatId);
  await guest.connected();
  const scheduled = guest.page.getByTestId('scheduled-message');

  // A time in the past is refused at the field, and the draft stays.
  const refused = await scheduleDraft(guest, 'Too late for this', await localTime(guest.page, -10));
  await expect(refused.getByRole('alert')).toContainText('must be in the future');
  await expect(guest.composer).toHaveValue('Too late for this');
  await expect(refused.getByText(/^Time zone: .+/)).toBeVisible();
  await guest.page.getByRole('button', { name: 'Send later' }).click(); // closes it

  // Due at the start of the minute after next: 60 to 120 seconds from now.
  const text = `See you at check-in ${Date.now()}`;
  const dueAt = await localTime(guest.page, 2);
  await scheduleDraft(guest, text, dueAt);
  await expect(guest.composer).toHaveValue('');
  const item = scheduled.filter({ hasText: text });
  await expect(item).toContainText('Scheduled for');
  await expect(guest.message(text)).toHaveCount(0);

  // Another one, an hour ahead: edited inline, then cancelled.
  await scheduleDraft(guest, 'Draft to change', await localTime(guest.page, 60));
  const other = scheduled.filter({ hasText: 'Draft to change' });
  await other.getByRole('button', { name: 'Edit scheduled message' }).click();
  // While edited, the item shows its fields, not its text.
  const editing = scheduled.filter({ has: guest.page.getByLabel('Scheduled text') });
  await editing.getByLabel('Scheduled text').fill('Changed before it went');
  await editing.getByRole('button', { name: 'Save' }).click();
  const changed = scheduled.filter({ hasText: 'Changed before it went' });
  await expect(changed).toContainText('Scheduled for');
  await changed.getByRole('button', { name: 'Cancel scheduled message' }).click();
  await expect(changed).toHaveCount(0);
  await expect(scheduled).toHaveCount(1);

  // The host's thread is open when the time comes: the message arrives live, not before.
  await owner.openChat(chatId);
  await owner.connected();
  await expect(owner.message(text)).toHaveCount(0);
  const due = await guest.page.evaluate((v) => new Date(v).getTime(), dueAt);
  await expect(owner.message(text)).toBeVisible({ timeout: 150_000 });
  expect(Date.now()).toBeGreaterThanOrEqual(due);
  // The guest's scheduled item gives way to the sent message, theirs in the thread.
  await expect(guest.message(text)).toBeVisible();
  await expect(scheduled).toHaveCount(0);
  await expect(owner.page.getByText('Changed before it went')).toHaveCount(0);

  await guest.context.close();
  await owner.context.close();
});
