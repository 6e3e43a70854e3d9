// Quoted replies in the browser: a reply written in the UI shows its quote live on the other
// side; a quote of a message 200 messages up brings it into view (history loaded around it),
// highlighted, and "Jump to latest" returns to the present.
import { expect, test } from '@playwright/test';
import { CATCH_UP_OVERLAP_MS } from '../lib/client/queries';
import { DEMO_OWNER, InboxPage } from './inbox-page';

test('a reply quotes its original live, and its quote brings an original 200 messages up into view', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const owner = await InboxPage.signIn(browser, DEMO_OWNER.email, DEMO_OWNER.password);
  const { guest, chatId } = await InboxPage.newGuestWithChat(browser, owner, 'Quinn Quote');
  const post = async (who: InboxPage, data: Record<string, string>) => {
    const response = await who.page.request.post(`/api/chats/${chatId}/messages`, { data });
    expect(response.status()).toBe(201);
    return (await response.json()).data as { id: string };
  };
  const original = await post(guest, { content: 'Is the kayak included?\nAnd the paddles?' });
  // A client catches up from 10 s before its newest message (CATCH_UP_OVERLAP_MS) when it connects:
  // an original sent less than that before the rest would be loaded by that, not by its quote.
  await guest.page.waitForTimeout(CATCH_UP_OVERLAP_MS + 1_000);
  for (let start = 0; start < 200; start += 25) {
    await Promise.all(
      Array.from({ length: 25 }, (_, i) => start + i).map((n) =>
        post(guest, { content: `filler ${n}`, clientMessageId: `filler-${n}` }),
      ),
    );
  }
  await post(owner, { content: 'Yes, both are', replyToId: original.id });

  // The guest opens the thread: the reply quotes a message far above what is loaded.
  await guest.openChat(chatId);
  await guest.connected();
  const reply = guest.message('Yes, both are');
  const quote = reply.getByTestId('reply-quote');
  await expect(quote).toHaveAccessibleName('Reply to Quinn Quote: Is the kayak included?. Show the original');
  const originalBubble = guest.page.locator(`[data-testid="message"][data-message-id="${original.id}"]`);
  // Settled, with only the newest page loaded: the original must come from the history around it.
  await guest.page.waitForLoadState('networkidle');
  await expect(originalBubble).toHaveCount(0);
  await expect(guest.page.getByTestId('history-start')).toHaveCount(0);
  await quote.click();
  await expect(originalBubble).toBeInViewport();
  await expect(originalBubble).toHaveAttribute('data-highlighted', 'true');
  await expect(originalBubble.getByTestId('message-content')).toHaveText('Is the kayak included?\nAnd the paddles?');

  // Back to the present.
  await guest.page.getByTestId('jump-to-latest').click();
  await expect(reply).toBeInViewport();
  await expect(guest.page.getByTestId('jump-to-latest')).toHaveCount(0);

  // A reply written in the UI: the owner answers the guest's newest message; the guest sees the quote live.
  await owner.openChat(chatId);
  await owner.connected();
  await owner.message('filler 199').getByRole('button', { name: 'Reply' }).click();
  await expect(owner.page.getByTestId('replying-to')).toContainText('filler 199');
  await expect(owner.composer).toBeFocused();
  await owner.page.keyboard.type('Noted');
  await owner.page.keyboard.press('Enter');
  await expect(owner.page.getByTestId('replying-to')).toHaveCount(0);
  await expect(owner.message('Noted').getByTestId('reply-quote')).toContainText('filler 199');
  await expect(guest.message('Noted').getByTestId('reply-quote')).toHaveAccessibleName(
    'Reply to Quinn Quote: filler 199. Show the original',
  );
  await guest.context.close();
  await owner.context.close();
});
