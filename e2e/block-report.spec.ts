// Block and report, as the people involved see them: the host blocks a guest, whose thread says so
// live and whose next send is shown refused with the server's BLOCKED reason; unblocking lets the
// guest write again. The guest reports a message; the host then unsends it; a moderator (a fresh
// user made ADMIN in the run's database) finds the report on /admin/reports with the message as
// it was, and resolves it. Non-admins get the 404 page and FORBIDDEN from the API.
import { expect, test } from '@playwright/test';
import pg from 'pg';
import { E2E_DATABASE_URL } from '../playwright.config';
import { LOOKS, seriousViolations } from './axe';
import { DEMO_OWNER, InboxPage } from './inbox-page';

async function query<T extends pg.QueryResultRow>(sql: string, params: unknown[]): Promise<T[]> {
  const client = new pg.Client({ connectionString: E2E_DATABASE_URL });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

test('the host blocks a guest: the guest sees it and their send is refused BLOCKED; unblocking restores', async ({
  browser,
}) => {
  const owner = await InboxPage.signIn(browser, DEMO_OWNER.email, DEMO_OWNER.password);
  const { guest, chatId } = await InboxPage.newGuestWithChat(browser, owner, 'Bella Blocked');
  await guest.openChat(chatId);
  await guest.connected();
  await guest.send('Hello, is the cabin free?');
  await expect(guest.message('Hello, is the cabin free?')).toHaveAttribute('data-state', /^(sent|delivered|read)$/);

  await owner.openChat(chatId);
  await owner.connected();
  await owner.page.getByTestId('block-chat').click();
  await expect(owner.page.getByTestId('blocker-notice')).toContainText('You blocked Bella Blocked');
  await expect(owner.page.getByTestId('block-chat')).toContainText('Unblock');

  // Live on the guest's open thread.
  await expect(guest.page.getByTestId('blocked-notice')).toContainText("You can't message Oscar Owner");
  await guest.send('Hello?');
  const refused = guest.message('Hello?');
  await expect(refused).toHaveAttribute('data-state', 'failed');
  await expect(refused.getByTestId('send-error')).toHaveAttribute('data-code', 'BLOCKED');
  await expect(refused.getByTestId('send-error')).toContainText('they blocked you');
  // History stays readable for both.
  await expect(owner.message('Hello, is the cabin free?')).toBeVisible();
  expect((await owner.historyOverRest(chatId)).map((m) => m.content)).toEqual(['Hello, is the cabin free?']);

  await owner.page.getByTestId('blocker-notice').getByRole('button', { name: 'Unblock' }).click();
  await expect(owner.page.getByTestId('blocker-notice')).toHaveCount(0);
  await expect(guest.page.getByTestId('blocked-notice')).toHaveCount(0);
  await refused.getByRole('button', { name: 'Delete' }).click();
  await guest.send('Sorry, trying again');
  await expect(owner.message('Sorry, trying again')).toBeVisible();
  await guest.context.close();
  await owner.context.close();
});

test('a guest reports a message; a moderator sees it as it was and resolves it; others cannot', async ({ browser }) => {
  const owner = await InboxPage.signIn(browser, DEMO_OWNER.email, DEMO_OWNER.password);
  const { guest, chatId } = await InboxPage.newGuestWithChat(browser, owner, 'Rita Reporter');
  await owner.sendOverRest(chatId, 'Pay me by wire, outside the app');
  await guest.openChat(chatId);
  await guest.connected();

  await guest.messageActions('Pay me by wire, outside the app').click();
  await guest.page.getByRole('menuitem', { name: 'Report message' }).click();
  const dialog = guest.page.getByTestId('report-dialog');
  await dialog.getByLabel('Scam or fraud').check();
  await dialog.getByLabel('Anything to add? (optional)').fill('Asked to pay off-site');
  await dialog.getByRole('button', { name: 'Send report' }).click();
  await expect(dialog.getByTestId('report-thanks')).toHaveText('Thanks — our team will review it.');
  await dialog.getByRole('button', { name: 'Close' }).click();

  // The host unsends it afterwards: the report keeps what was reported.
  await owner.openChat(chatId);
  await owner.unsend('Pay me by wire, outside the app');
  await expect(owner.unsentMessages()).toHaveCount(1);

  // Not for the guest: the page is a 404, the API FORBIDDEN.
  const page404 = await guest.page.goto('/admin/reports');
  expect(page404?.status()).toBe(404);
  expect((await guest.page.request.get('/api/admin/reports')).status()).toBe(403);

  // A fresh user made ADMIN in the run's database.
  const email = `mod-${Date.now()}@stayeasy.test`;
  const signUp = await owner.page.request.post('/api/auth/signup', {
    data: { email, name: 'Mona Moderator', password: 'moderator-password-1' },
  });
  expect(signUp.status()).toBe(201);
  await query(`UPDATE users SET role = 'ADMIN' WHERE email = $1`, [email]);
  const admin = await InboxPage.signIn(browser, email, 'moderator-password-1');
  await admin.page.goto('/admin/reports');
  const report = admin.page.getByTestId('report').filter({ hasText: 'Rita Reporter' });
  await expect(report).toContainText('Scam or fraud');
  await expect(report).toContainText('Oscar Owner');
  await expect(report.getByTestId('report-snapshot')).toContainText('Pay me by wire, outside the app');
  // The admin page meets WCAG 2.2 AA like every other page (e2e/accessibility.spec.ts), in each look.
  for (const look of LOOKS) {
    const viewer = await InboxPage.signIn(browser, email, 'moderator-password-1', {
      colorScheme: look.theme,
      viewport: look.viewport,
    });
    await viewer.page.goto('/admin/reports');
    await expect(viewer.page.getByTestId('report').first()).toBeVisible();
    expect(await seriousViolations(viewer.page, `/admin/reports, ${look.theme} ${look.width}`)).toEqual([]);
    await viewer.context.close();
  }
  await expect(report).toContainText('Asked to pay off-site');

  await report.getByLabel('Resolution note').fill('Host warned');
  await report.getByTestId('resolve-report').click();
  await expect(report).toHaveCount(0);
  const [row] = await query<{ status: string; resolution_note: string }>(
    `SELECT r.status, r.resolution_note FROM message_reports r JOIN users u ON u.id = r.reporter_id
     WHERE u.name = 'Rita Reporter' AND r.chat_id = $1`,
    [chatId],
  );
  expect(row).toEqual({ status: 'resolved', resolution_note: 'Host warned' });
  // Gone after a reload too.
  await admin.page.reload();
  await expect(admin.page.getByTestId('report').filter({ hasText: 'Rita Reporter' })).toHaveCount(0);
  await admin.context.close();
  await guest.context.close();
  await owner.context.close();
});
