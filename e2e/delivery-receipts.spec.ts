// Delivery receipts in the browser: a message to an owner who is away stays ✓ (Sent); it turns
// ✓✓ (Delivered) when the owner comes back and the inbox loads it, and read when they open the
// chat; a message to an owner who is online turns Delivered by itself.
import { expect, test } from '@playwright/test';
import { DELIVERY_RECEIPT_INTERVAL_MS } from '../lib/chat/schemas';
import { DEMO_OWNER, InboxPage } from './inbox-page';

test('ticks go sent → delivered → read as the recipient comes online and opens the chat', async ({ browser }) => {
  const setup = await InboxPage.signIn(browser, DEMO_OWNER.email, DEMO_OWNER.password);
  const { guest, chatId } = await InboxPage.newGuestWithChat(browser, setup, 'Dora Delivery');
  await setup.context.close(); // the owner is away
  await guest.openChat(chatId);
  await guest.connected();

  await guest.send('Are pets allowed?');
  const tick = guest.message('Are pets allowed?').getByTestId('tick');
  await expect(tick).toHaveAccessibleName('Sent');
  // Nobody has it: it stays Sent past the longest wait of an acknowledgement (1.5 intervals).
  await guest.page.waitForTimeout(DELIVERY_RECEIPT_INTERVAL_MS * 1.5 + 1_000);
  await expect(tick).toHaveAccessibleName('Sent');

  // The owner comes back: the inbox list hands the message over.
  const owner = await InboxPage.signIn(browser, DEMO_OWNER.email, DEMO_OWNER.password);
  await expect(owner.chatItem(chatId)).toContainText('Are pets allowed?');
  await expect(tick).toHaveAccessibleName('Delivered');
  await expect(guest.message('Are pets allowed?')).toHaveAttribute('data-state', 'delivered');

  // Online on the list, a new message is delivered by the owner's client acknowledging its push.
  await owner.connected();
  await guest.send('And is there parking?');
  const second = guest.message('And is there parking?').getByTestId('tick');
  await expect(second).toHaveAccessibleName('Delivered');

  // Opening the chat reads both.
  await owner.chatItem(chatId).click();
  await expect(owner.message('And is there parking?')).toBeVisible();
  await expect(tick).toHaveAccessibleName('Read');
  await expect(second).toHaveAccessibleName('Read');
  await guest.context.close();
  await owner.context.close();
});
