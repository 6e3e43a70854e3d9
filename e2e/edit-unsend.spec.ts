// Editing and unsending, as the two parties see it: live on both sides, the badge and the chat
// list corrected, and changes made offline waiting in the outbox across a closed tab.
import { expect, test } from '@playwright/test';
import pg from 'pg';
import { E2E_DATABASE_URL } from '../playwright.config';
import { DEMO_OWNER, InboxPage } from './inbox-page';

test('the guest edits and unsends; the owner sees both live, with the badge and the chat list corrected', async ({
  browser,
}) => {
  const owner = await InboxPage.signIn(browser, DEMO_OWNER.email, DEMO_OWNER.password);
  const { guest, chatId } = await InboxPage.newGuestWithChat(browser, owner, 'Edda Edit');
  await guest.openChat(chatId);
  await guest.connected();

  await guest.send('Arriving at 5pm');
  await guest.send('The door code is 4711?');
  await expect(guest.message('The door code is 4711?')).toHaveAttribute('data-state', /^(sent|delivered)$/);
  await expect(owner.unreadBadge(chatId)).toHaveText('2');

  // Edit: the guest's own view at once, the owner's list preview live.
  await guest.edit('Arriving at 5pm', 'Arriving at 6pm');
  await expect(guest.message('Arriving at 6pm').getByTestId('edited')).toBeVisible();
  await expect(guest.message('Arriving at 5pm')).toHaveCount(0);

  // Unsend the newest: the owner's badge drops and the preview says so.
  await guest.unsend('The door code is 4711?');
  await expect(guest.unsentMessages()).toHaveCount(1);
  await expect(guest.message('The door code is 4711?')).toHaveCount(0);
  await expect(owner.unreadBadge(chatId)).toHaveText('1');
  await expect(owner.chatItem(chatId)).toContainText('Message unsent');

  // The owner opens the thread: the edited text, marked, and the unsent placeholder.
  await owner.chatItem(chatId).click();
  await expect(owner.message('Arriving at 6pm').getByTestId('edited')).toBeVisible();
  await expect(owner.unsentMessages()).toHaveCount(1);
  expect(await owner.messageTexts()).toEqual(['Arriving at 6pm']);

  // A later edit, with both views open: live in the owner's thread.
  await guest.edit('Arriving at 6pm', 'Arriving at 7pm, sorry');
  await expect(owner.message('Arriving at 7pm, sorry')).toBeVisible();
  await expect(owner.message('Arriving at 6pm')).toHaveCount(0);

  // Made while the owner is offline: shown once the owner's page is back (it catches up).
  await owner.context.setOffline(true);
  await expect(owner.banner).toContainText('You are offline');
  await guest.edit('Arriving at 7pm, sorry', 'Arriving at 8pm');
  await expect(guest.message('Arriving at 8pm').getByTestId('edited')).toBeVisible();
  await owner.context.setOffline(false);
  await expect(owner.message('Arriving at 8pm')).toBeVisible();
  await expect(owner.message('Arriving at 7pm, sorry')).toHaveCount(0);
  await guest.context.close();
  await owner.context.close();
});

test('an edit and an unsend made offline wait in the outbox, survive closing the tab, and are applied once', async ({
  browser,
}) => {
  const owner = await InboxPage.signIn(browser, DEMO_OWNER.email, DEMO_OWNER.password);
  const { guest, chatId } = await InboxPage.newGuestWithChat(browser, owner, 'Olga Outbox');
  await guest.openChat(chatId);
  await guest.connected();
  await guest.send('check-in at noon');
  await guest.send('bringing a dog');
  await expect(guest.message('bringing a dog')).toHaveAttribute('data-state', /^(sent|delivered)$/);

  await guest.context.setOffline(true);
  await expect(guest.banner).toContainText('You are offline');
  await guest.edit('check-in at noon', 'check-in at 2pm');
  await guest.unsend('bringing a dog');
  // Shown at once, marked as waiting.
  await expect(guest.message('check-in at 2pm').getByTestId('change-pending')).toBeVisible();
  await expect(guest.unsentMessages()).toHaveText('Unsending…');
  // Nothing reached the server.
  expect((await owner.historyOverRest(chatId)).map((m) => m.content)).toEqual(['check-in at noon', 'bringing a dog']);

  // The tab closes while offline; the user comes back online in a new tab.
  await guest.page.close();
  await guest.context.setOffline(false);
  const again = new InboxPage(await guest.context.newPage(), guest.context);
  await again.openChat(chatId);
  await expect(again.message('check-in at 2pm').getByTestId('edited')).toBeVisible();
  await expect(again.unsentMessages()).toHaveText('Message unsent');

  await expect
    .poll(async () => (await owner.historyOverRest(chatId)).map((m) => m.content))
    .toEqual(['check-in at 2pm', '']);
  // Applied once: one earlier version kept for the edit.
  expect(await editCount(chatId)).toBe(1);
  await owner.openChat(chatId);
  await expect(owner.message('check-in at 2pm').getByTestId('edited')).toBeVisible();
  await expect(owner.unsentMessages()).toHaveCount(1);
  await guest.context.close();
  await owner.context.close();
});

/** Earlier versions kept for the chat's messages, read from the run's database. */
async function editCount(chatId: string): Promise<number> {
  const client = new pg.Client({ connectionString: E2E_DATABASE_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(
      'SELECT count(*) AS n FROM message_edits e JOIN messages m ON m.id = e.message_id WHERE m.chat_id = $1',
      [chatId],
    );
    return Number(rows[0]!.n);
  } finally {
    await client.end();
  }
}

test('a reaction shows live on both sides, with who reacted, and comes off again', async ({ browser }) => {
  const owner = await InboxPage.signIn(browser, DEMO_OWNER.email, DEMO_OWNER.password);
  const { guest, chatId } = await InboxPage.newGuestWithChat(browser, owner, 'Rita React');
  await guest.openChat(chatId);
  await guest.connected();
  await guest.send('We arrive Friday');
  await owner.openChat(chatId);
  await expect(owner.message('We arrive Friday')).toBeVisible();

  // The owner reacts from the picker; the guest sees it live, with the owner's name.
  await owner.message('We arrive Friday').getByRole('button', { name: 'Add a reaction' }).click();
  await owner.page.getByRole('menuitem', { name: 'React 👍' }).click();
  const onGuest = guest.message('We arrive Friday').getByTestId('reaction');
  await expect(onGuest).toHaveAttribute('aria-label', '👍 1: Oscar Owner');
  await expect(onGuest).toHaveAttribute('aria-pressed', 'false');

  // The guest adds the same one: two, pressed on the guest's side; live on the owner's.
  await onGuest.click();
  await expect(onGuest).toHaveAttribute('aria-label', '👍 2: Oscar Owner, you');
  const onOwner = owner.message('We arrive Friday').getByTestId('reaction');
  await expect(onOwner).toHaveAttribute('aria-label', '👍 2: you, Rita React');
  await expect(onOwner).toHaveAttribute('aria-pressed', 'true');

  // The owner takes it off.
  await onOwner.click();
  await expect(onGuest).toHaveAttribute('aria-label', '👍 1: you');
  await guest.context.close();
  await owner.context.close();
});
