// The inbox's filters as a host uses them: Unread until read; star and archive a chat (the guest
// sees neither), the Starred and Archived filters with counts, kept in the URL across a reload; an archived chat
// comes back to All when the guest writes again; a host narrows the list to one property.
import { expect, test } from '@playwright/test';
import { DEMO_OWNER, InboxPage } from './inbox-page';

test('a host stars and archives a chat, filters by them and by property; a new message brings the chat back', async ({
  browser,
}) => {
  const owner = await InboxPage.signIn(browser, DEMO_OWNER.email, DEMO_OWNER.password);
  const { guest, chatId } = await InboxPage.newGuestWithChat(browser, owner, 'Fiona Filter');
  await guest.sendOverRest(chatId, 'Do you have a crib?');
  const item = owner.chatItem(chatId);

  // Unread: listed while unread, gone from the filter once the host has read it.
  await owner.page.getByTestId('filter-unread').click();
  await expect(owner.page).toHaveURL(/\/inbox\?filter=unread$/);
  await expect(item).toContainText('Do you have a crib?');
  await item.click();
  await expect(owner.message('Do you have a crib?')).toBeVisible();
  await expect(item).toHaveCount(0);
  await owner.page.getByTestId('filter-all').click();
  await owner.connected();
  await expect(item).toContainText('Do you have a crib?');

  // Star: marked in the list, listed under Starred, and still there after a reload.
  await owner.page.getByTestId('star-chat').click();
  await expect(owner.page.getByTestId('star-chat')).toHaveAttribute('aria-pressed', 'true');
  await expect(item.getByRole('img', { name: 'Starred' })).toBeVisible();
  await owner.page.getByTestId('filter-starred').click();
  await expect(owner.page).toHaveURL(/[?&]filter=starred/);
  await expect(owner.page.getByTestId('chat-item')).toHaveCount(1);
  await owner.page.reload();
  await expect(owner.page.getByTestId('filter-starred')).toHaveAttribute('aria-current', 'true');
  await expect(owner.chatItem(chatId)).toBeVisible();
  await expect(owner.page.getByTestId('chat-item')).toHaveCount(1);

  // Archive: gone from All, shown under Archived.
  await owner.page.getByTestId('archive-chat').click();
  await expect(owner.page.getByTestId('archive-chat')).toHaveText('Unarchive');
  await owner.page.getByTestId('filter-all').click();
  await expect(owner.chatItem(chatId)).toHaveCount(0);
  await owner.page.getByTestId('filter-archived').click();
  await expect(owner.chatItem(chatId)).toBeVisible();
  await expect(owner.page.getByTestId('filter-archived')).toContainText('1');

  // The guest writes again: the chat is back in the inbox, live.
  await owner.page.getByTestId('filter-all').click();
  await guest.sendOverRest(chatId, 'Also, is there parking?');
  await expect(owner.chatItem(chatId)).toContainText('Also, is there parking?');

  // The guest sees no star.
  await guest.page.goto('/inbox');
  await expect(guest.chatItem(chatId)).toBeVisible();
  await expect(guest.chatItem(chatId).getByRole('img', { name: 'Starred' })).toHaveCount(0);

  // The host narrows the list to one property (the demo data has chats about two).
  await owner.page.getByLabel('Property').selectOption({ label: 'Old Town Loft' });
  await expect(owner.page).toHaveURL(/[?&]property=/);
  await expect(owner.chatItem(chatId)).toHaveCount(0);
  await expect(owner.page.getByTestId('chat-item').first()).toContainText('Old Town Loft');
  await guest.context.close();
  await owner.context.close();
});
