// Quick replies as a host uses them: one is saved on the settings page (an unknown placeholder is
// refused at its field first); in a conversation "/" lists them, filtered by what follows; Enter
// fills the composer with the placeholders replaced; the guest gets the sent text.
import { expect, test } from '@playwright/test';
import { DEMO_OWNER, InboxPage } from './inbox-page';

test('a host saves a quick reply with placeholders, inserts it with "/" and sends it', async ({ browser }) => {
  const owner = await InboxPage.signIn(browser, DEMO_OWNER.email, DEMO_OWNER.password);
  const { guest, chatId } = await InboxPage.newGuestWithChat(browser, owner, 'Quentin Quick');
  const title = `Welcome ${Date.now()}`;

  await owner.page.getByRole('link', { name: 'Quick replies' }).click();
  await expect(owner.page).toHaveURL(/\/settings\/replies$/);
  const form = owner.page.getByRole('region', { name: 'New quick reply' });
  await form.getByLabel('Title').fill(title);
  await form.getByLabel('Text').fill('Hi {guest}, welcome!');
  await form.getByRole('button', { name: 'Add' }).click();
  await expect(form.getByTestId('body-error')).toContainText('unknown placeholder {guest}');
  await form.getByLabel('Text').fill('Hi {guest_name}, welcome to {property_name}! {host_name}');
  await form.getByRole('button', { name: 'Add' }).click();
  await expect(
    owner.page.getByTestId('saved-reply').filter({ has: owner.page.locator(`input[value="${title}"]`) }),
  ).toHaveCount(1);

  await owner.openChat(chatId);
  await owner.connected();
  await owner.composer.fill(`/${title.slice(0, 9).toLowerCase()}`);
  const list = owner.page.getByTestId('quick-replies');
  await expect(list).toContainText(title);
  await owner.composer.press('Enter');
  await expect(owner.composer).toHaveValue('Hi Quentin Quick, welcome to Lakeside Cabin! Oscar Owner');
  await expect(list).toHaveCount(0);
  await owner.composer.press('Enter');

  await guest.openChat(chatId);
  await expect(guest.message('Hi Quentin Quick, welcome to Lakeside Cabin! Oscar Owner')).toBeVisible();
  await guest.context.close();
  await owner.context.close();
});
