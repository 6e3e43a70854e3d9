import { expect, test } from '@playwright/test';

test('the home page renders and leads to the inbox', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveTitle('StayEasy Inbox');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your conversations with hosts and guests');
  await expect(page.getByRole('link', { name: 'Open the inbox' })).toHaveAttribute('href', '/inbox');
});

test('the app reaches its database', async ({ request }) => {
  const response = await request.get('/api/health');
  expect(response.status()).toBe(200);
  expect(await response.json()).toEqual({ data: { status: 'ok', database: 'reachable' } });
});
