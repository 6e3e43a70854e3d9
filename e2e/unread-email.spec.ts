// Email for an unread message, end to end on the production build: the host writes, the guest is
// away (no inbox open), and a few seconds later (UNREAD_EMAIL_DELAY=3s in this run) the run's mail
// catcher has one email for the guest with who wrote, the stay, the text (escaped) and a link to
// the thread; its HTML part is opened in the browser and screenshotted for review; its
// unsubscribe link turns the emails off without signing in.
import { expect, test, type APIRequestContext } from '@playwright/test';
import pg from 'pg';
import { E2E_BASE_URL, E2E_DATABASE_URL, E2E_MAIL_URL } from '../playwright.config';
import { DEMO_OWNER, InboxPage } from './inbox-page';

interface CaughtEmail {
  id: string;
  subject: string;
  text: string;
  to: Array<{ address: string }>;
  headers: Record<string, string>;
}

/** The emails the mail catcher holds for `address`, once there is at least one. */
async function emailsTo(request: APIRequestContext, address: string): Promise<CaughtEmail[]> {
  let found: CaughtEmail[] = [];
  await expect
    .poll(
      async () => {
        const all = (await (await request.get(`${E2E_MAIL_URL}/email`)).json()) as CaughtEmail[];
        found = all.filter((mail) => mail.to.some((to) => to.address === address));
        return found.length;
      },
      { timeout: 30_000, message: `an email to ${address}` },
    )
    .toBeGreaterThan(0);
  return found;
}

test('a guest who is away gets one email for an unread message, readable and with a working unsubscribe', async ({
  browser,
  request,
}) => {
  const owner = await InboxPage.signIn(browser, DEMO_OWNER.email, DEMO_OWNER.password);
  const { guest, chatId, email } = await InboxPage.newGuestWithChat(browser, owner, 'Erin <Away>');
  // The guest closes the tab: no inbox open anywhere.
  await guest.context.close();
  await owner.sendOverRest(chatId, 'The door code is <b>4821</b> & the Wi-Fi is "lake"');
  await owner.sendOverRest(chatId, 'See you Friday!');

  const [mail] = await emailsTo(request, email);
  expect(mail!.subject).toBe(`${DEMO_OWNER.name} sent you 2 messages about Lakeside Cabin`);
  expect(mail!.text).toContain('> The door code is <b>4821</b> & the Wi-Fi is "lake"');
  expect(mail!.text).toContain('> See you Friday!');
  expect(mail!.text).toContain(`${E2E_BASE_URL}/inbox/${chatId}`);
  expect(mail!.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');

  // The HTML part, as a mail client would show it.
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${E2E_MAIL_URL}/email/${mail!.id}/html`);
  await expect(page.getByText('The door code is <b>4821</b> & the Wi-Fi is "lake"')).toBeVisible();
  await expect(page.locator('b')).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'Read and reply' })).toHaveAttribute(
    'href',
    `${E2E_BASE_URL}/inbox/${chatId}`,
  );
  await page.screenshot({ path: 'test-results/screens/email-unread-messages.png', fullPage: true });

  // Unsubscribe from the email, signed out.
  const unsubscribe = await page.getByRole('link', { name: 'unsubscribe' }).getAttribute('href');
  await page.goto(unsubscribe!);
  await page.getByRole('button', { name: 'Unsubscribe' }).click();
  await expect(page.getByRole('status')).toContainText('no more emails');
  const client = new pg.Client({ connectionString: E2E_DATABASE_URL });
  await client.connect();
  try {
    const { rows } = await client.query('SELECT email_notifications FROM users WHERE email = $1', [email]);
    expect(rows[0]!.email_notifications).toBe('off');
  } finally {
    await client.end();
  }
  // A tampered link is refused.
  await page.goto(`${unsubscribe!}x`);
  await expect(page.getByText('This unsubscribe link is not valid')).toBeVisible();
  expect((await emailsTo(request, email)).length).toBe(1);
  await owner.context.close();
});
