// Page object of the inbox for the browser flows: signing in, finding a chat, sending, and the
// things a user looks at (badge, ticks, typing, presence, banner).
import { expect, type Browser, type BrowserContext, type Locator, type Page } from '@playwright/test';

export const DEMO_OWNER = { email: 'owner@stayeasy.test', password: 'owner-password', name: 'Oscar Owner' };

export class InboxPage {
  constructor(
    readonly page: Page,
    readonly context: BrowserContext,
  ) {}

  /** A new browser context (its own cookies and IndexedDB), signed in through /login. */
  static async signIn(browser: Browser, email: string, password: string, options: Parameters<Browser['newContext']>[0] = {}) {
    const context = await browser.newContext(options);
    const page = await context.newPage();
    await page.goto('/login');
    await page.getByLabel('Email', { exact: true }).fill(email);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page).toHaveURL(/\/inbox$/);
    return new InboxPage(page, context);
  }

  /** A brand-new guest (signed up over the API) with a chat opened about the demo owner's cabin. */
  static async newGuestWithChat(browser: Browser, owner: InboxPage, name = 'Test Guest') {
    const email = `guest-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@stayeasy.test`;
    const password = 'guest-password-123';
    const signUp = await owner.page.request.post('/api/auth/signup', { data: { email, name, password } });
    expect(signUp.status()).toBe(201);
    const ownerChats = (await (await owner.page.request.get('/api/chats')).json()).data as Array<{ property: { id: string; name: string } }>;
    const cabin = ownerChats.find((c) => c.property.name === 'Lakeside Cabin')!;
    const guest = await InboxPage.signIn(browser, email, password);
    const opened = await guest.page.request.post('/api/chats', { data: { propertyId: cabin.property.id } });
    expect(opened.status()).toBe(201);
    const chatId = (await opened.json()).data.id as string;
    return { guest, chatId, email, password };
  }

  /**
   * Delivers the page's answers to GET requests matching `url` late, as a busy server would: each
   * after the first `after` is fetched from the server at once but handed to the page `ms` later.
   * Resolves to a function that waits until at least one answer was held and every answer held
   * so far has been delivered.
   */
  async holdBackAnswers(url: RegExp, { after = 0, ms }: { after?: number; ms: number }): Promise<() => Promise<void>> {
    let seen = 0;
    const held: Promise<void>[] = [];
    await this.page.route(url, (route) => {
      if (route.request().method() !== 'GET' || ++seen <= after) return route.continue();
      const delivered = (async () => {
        const response = await route.fetch();
        const body = await response.body();
        await new Promise((resolve) => setTimeout(resolve, ms));
        await route.fulfill({ response, body });
      })();
      held.push(delivered);
      return delivered;
    });
    return async () => {
      await expect.poll(() => held.length).toBeGreaterThan(0);
      for (let done = 0; done < held.length; done++) await held[done];
    };
  }

  /** Holds the page's `send_message` frames to the realtime server back for `ms` (in order). */
  async delaySocketSends(ms: number) {
    await this.page.routeWebSocket(/\/socket\.io\//, (ws) => {
      const server = ws.connectToServer();
      let previous = Promise.resolve();
      ws.onMessage((frame) => {
        if (typeof frame !== 'string' || !frame.includes('"send_message"')) return server.send(frame);
        previous = previous.then(() => new Promise((resolve) => setTimeout(resolve, ms))).then(() => server.send(frame));
      });
      server.onMessage((frame) => ws.send(frame));
    });
  }

  chatItem(chatId: string): Locator {
    return this.page.locator(`[data-testid="chat-item"][data-chat-id="${chatId}"]`);
  }

  unreadBadge(chatId: string): Locator {
    return this.chatItem(chatId).getByTestId('unread-badge');
  }

  async openChat(chatId: string) {
    await this.page.goto(`/inbox/${chatId}`);
    await expect(this.page.getByTestId('message-scroller')).toBeVisible();
  }

  /** Waits until the page's realtime connection is up. */
  async connected() {
    await expect(this.banner).toHaveAttribute('data-connection', 'connected');
  }

  get composer(): Locator {
    return this.page.getByLabel('Message', { exact: true });
  }

  async send(text: string) {
    await this.composer.fill(text);
    await this.composer.press('Enter');
  }

  messages(): Locator {
    return this.page.getByTestId('message');
  }

  message(text: string): Locator {
    return this.messages().filter({ has: this.page.getByTestId('message-content').getByText(text, { exact: true }) });
  }

  get banner(): Locator {
    return this.page.getByTestId('connection-banner');
  }

  get typingIndicator(): Locator {
    return this.page.getByTestId('typing-indicator');
  }

  get presence(): Locator {
    return this.page.getByTestId('presence');
  }

  /** The texts of every message in the open thread, top to bottom. */
  async messageTexts(): Promise<string[]> {
    return this.page.getByTestId('message-content').allTextContents();
  }

  /** Sends over the REST API with this user's session cookie. */
  async sendOverRest(chatId: string, content: string) {
    const response = await this.page.request.post(`/api/chats/${chatId}/messages`, { data: { content } });
    expect(response.status()).toBe(201);
    return (await response.json()).data as { id: string };
  }

  async historyOverRest(chatId: string): Promise<Array<{ id: string; content: string }>> {
    const response = await this.page.request.get(`/api/chats/${chatId}/messages?limit=100`);
    return (await response.json()).data.messages;
  }
}
