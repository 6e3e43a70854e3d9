// Starting a conversation as a new guest would: from an empty inbox to the stays, a property page
// with its host, "Message the host" into the thread with the composer focused; the same button
// later opens the same conversation; an owner gets no button on their own property.
import { expect, test } from '@playwright/test';
import { DEMO_OWNER, InboxPage } from './inbox-page';

test('a new guest finds a stay, messages its host from the property page, and comes back to the same chat', async ({
  browser,
}) => {
  const owner = await InboxPage.signIn(browser, DEMO_OWNER.email, DEMO_OWNER.password);
  const email = `guest-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@stayeasy.test`;
  const signUp = await owner.page.request.post('/api/auth/signup', {
    data: { email, name: 'Paula Property', password: 'guest-password-123' },
  });
  expect(signUp.status()).toBe(201);
  const guest = await InboxPage.signIn(browser, email, 'guest-password-123');

  // The empty inbox leads to the stays; a stay leads to its page with its host.
  await guest.page.getByRole('link', { name: 'Find a stay' }).click();
  await expect(guest.page).toHaveURL(/\/properties$/);
  const cabin = guest.page.getByTestId('listing').filter({ hasText: 'Lakeside Cabin' });
  await expect(cabin).toContainText('Hosted by Oscar Owner');
  await cabin.getByRole('link', { name: 'Lakeside Cabin' }).click();
  await expect(guest.page.getByRole('heading', { name: 'Lakeside Cabin' })).toBeVisible();
  await expect(guest.page.getByTestId('host-name')).toHaveText('Oscar Owner');
  const propertyUrl = guest.page.url();

  // "Message the host" lands in the new thread, ready to write.
  await guest.page.getByRole('button', { name: 'Message the host' }).click();
  await expect(guest.page).toHaveURL(/\/inbox\/[a-z0-9]+\?compose=1$/);
  const chatId = new URL(guest.page.url()).pathname.split('/').pop()!;
  await expect(guest.composer).toBeFocused();
  await guest.page.keyboard.type('Is the cabin free in June?');
  await guest.page.keyboard.press('Enter');
  await expect(owner.chatItem(chatId)).toContainText('Is the cabin free in June?');

  // Back on the stays, the same button opens the same conversation.
  await guest.page.goto('/properties');
  await guest.page
    .getByTestId('listing')
    .filter({ hasText: 'Lakeside Cabin' })
    .getByRole('button', { name: 'Open your conversation' })
    .click();
  await expect(guest.page).toHaveURL(new RegExp(`/inbox/${chatId}\\?compose=1$`));
  await expect(guest.message('Is the cabin free in June?')).toBeVisible();

  // The owner sees their own property without the button.
  await owner.page.goto(propertyUrl);
  await expect(owner.page.getByText('This is your property')).toBeVisible();
  await expect(owner.page.getByTestId('message-host')).toHaveCount(0);
  await guest.context.close();
  await owner.context.close();
});
