// Search as a guest uses it, in a thread of 500 messages: a 3-letter fragment finds a message far
// up the history, the result shows its snippet with the match marked, and choosing it opens the
// thread there (the history around it, the match marked) with a way back to the latest; a message
// just sent is found at once; the search is kept in the URL across a reload; too short a query
// says so.
import { expect, test } from '@playwright/test';
import pg from 'pg';
import { E2E_DATABASE_URL } from '../playwright.config';
import { DEMO_OWNER, InboxPage } from './inbox-page';

const HISTORY = 500;
const FAR_UP = 40;

test('search finds a message deep in a 500-message thread by a 3-letter fragment and opens the thread there', async ({
  browser,
}) => {
  const owner = await InboxPage.signIn(browser, DEMO_OWNER.email, DEMO_OWNER.password);
  const { guest, chatId } = await InboxPage.newGuestWithChat(browser, owner, 'Sven Search');
  const farUpId = await fillHistory(chatId);
  await owner.context.close();

  await guest.openChat(chatId);
  await guest.connected();
  const farUp = guest.page.locator(`[data-testid="message"][data-message-id="${farUpId}"]`);
  await expect(guest.message(`Message ${HISTORY} about the stay`)).toBeVisible();
  await expect(farUp).toHaveCount(0);

  const box = guest.page.getByRole('searchbox', { name: 'Search conversations' });
  await box.fill('ya');
  await expect(guest.page.getByTestId('search-hint')).toContainText('at least 3 characters');
  await box.fill('yak');
  await expect(guest.page).toHaveURL(/[?&]q=yak/);
  const result = guest.page.getByTestId('search-message');
  await expect(result).toHaveCount(1);
  await expect(result).toContainText('Are the kayaks under the deck?');
  await expect(result.locator('mark')).toHaveText('yak');
  await expect(result).toContainText(DEMO_OWNER.name);

  await result.click();
  await expect(guest.page).toHaveURL(new RegExp(`/inbox/${chatId}\\?.*message=${farUpId}`));
  await expect(farUp).toBeInViewport();
  await expect(farUp.locator('mark')).toHaveText('yak');
  // Opened around it: the newest messages are not loaded, and the way back is offered.
  await expect(guest.message(`Message ${HISTORY} about the stay`)).toHaveCount(0);
  await guest.page.getByTestId('jump-to-latest').click();
  await expect(guest.message(`Message ${HISTORY} about the stay`)).toBeInViewport();

  // A message is found as soon as it is sent.
  await guest.send('We will bring our own paddleboards');
  await expect(guest.message('We will bring our own paddleboards')).toHaveAttribute(
    'data-state',
    /^(sent|delivered|read)$/,
  );
  await box.fill('PADDLEB');
  await expect(result).toHaveCount(1);
  await expect(result.locator('mark')).toHaveText('paddleb');

  // Kept across a reload; emptied with Escape, the chat list is back.
  await guest.page.reload();
  await expect(box).toHaveValue('PADDLEB');
  await expect(result).toHaveCount(1);
  await box.press('Escape');
  await expect(guest.chatItem(chatId)).toBeVisible();
  await expect(guest.page).not.toHaveURL(/[?&]q=/);
  await guest.context.close();
});

/**
 * The chat's history, written straight to the run's database (as years of messages would be):
 * message i from the guest when odd, the owner when even; message FAR_UP asks about kayaks.
 * Returns that message's id.
 */
async function fillHistory(chatId: string): Promise<string> {
  const client = new pg.Client({ connectionString: E2E_DATABASE_URL });
  await client.connect();
  try {
    await client.query(
      `INSERT INTO messages (id, chat_id, sender_id, recipient_id, property_id, content, created_at, read_at)
       SELECT 'e2esearch' || lpad(i::text, 4, '0') || substr(c.id, 1, 12), c.id,
              CASE WHEN i % 2 = 1 THEN c.guest_id ELSE c.owner_id END,
              CASE WHEN i % 2 = 1 THEN c.owner_id ELSE c.guest_id END,
              c.property_id,
              CASE WHEN i = $2 THEN 'Are the kayaks under the deck?' ELSE 'Message ' || i || ' about the stay' END,
              now() - (($3 - i) * interval '1 minute'), now()
       FROM chats c, generate_series(1, $3::int) i WHERE c.id = $1`,
      [chatId, FAR_UP, HISTORY],
    );
    return `e2esearch${String(FAR_UP).padStart(4, '0')}${chatId.slice(0, 12)}`;
  } finally {
    await client.end();
  }
}
