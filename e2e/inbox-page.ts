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
  static async signIn(
    browser: Browser,
    email: string,
    password: string,
    options: Parameters<Browser['newContext']>[0] = {},
  ) {
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
    const ownerChats = (await (await owner.page.request.get('/api/chats')).json()).data as Array<{
      property: { id: string; name: string };
    }>;
    const cabin = ownerChats.find((c) => c.property.name === 'Lakeside Cabin')!;
    const guest = await InboxPage.signIn(browser, email, password);
    const opened = await guest.page.request.post('/api/chats', { data: { propertyId: cabin.property.id } });
    expect(opened.status()).toBe(201);
    const chatId = (await opened.json()).data.id as string;
    return { guest, chatId, email, password };
  }

  /**
   * Holds back the page's answers to GET requests matching `url`, as a busy server would: each
   * request after the first `skip` is answered by the server at once, and the answer is handed to
   * the page only once `until()` (called when the server has answered) resolves. Returns when the
   * server has answered the first held request, and a function that waits until at least one
   * answer was held and every held answer has been handed over.
   */
  async holdAnswers(url: RegExp, { skip = 0, until }: { skip?: number; until: () => Promise<unknown> }) {
    let seen = 0;
    const held: Promise<void>[] = [];
    let firstAnswered!: () => void;
    const answered = new Promise<void>((resolve) => (firstAnswered = resolve));
    await this.page.route(url, (route) => {
      if (route.request().method() !== 'GET' || ++seen <= skip) return route.continue();
      const delivered = (async () => {
        const response = await route.fetch();
        const body = await response.body();
        firstAnswered();
        await until();
        await route.fulfill({ response, body });
      })();
      held.push(delivered);
      return delivered;
    });
    return {
      answered,
      delivered: async () => {
        await expect.poll(() => held.length).toBeGreaterThan(0);
        for (let done = 0; done < held.length; done++) await held[done];
      },
    };
  }

  /**
   * Passes the page's realtime frames through and counts its sends. `holdSendsUntil`: its
   * `send_message` frames reach the server only once that resolves. `refuse`: while it returns
   * true, the page's connection attempts are closed at once (the server unreachable for this page
   * only). `sent()` counts the page's `send_message` frames; `acked(n)` resolves once the server
   * has acknowledged n of them.
   */
  async watchSocket({ holdSendsUntil, refuse }: { holdSendsUntil?: Promise<unknown>; refuse?: () => boolean } = {}) {
    const sendAcks = new Set<string>();
    let sent = 0;
    let acks = 0;
    const waiters: Array<{ count: number; resolve: () => void }> = [];
    await this.page.routeWebSocket(/\/socket\.io\//, (ws) => {
      if (refuse?.()) return ws.close();
      const server = ws.connectToServer();
      ws.onMessage((frame) => {
        // Socket.IO: 42<ackId>["send_message",…] out, 43<ackId>[…] back.
        const send = typeof frame === 'string' ? /^42(\d+)\["send_message"/.exec(frame) : null;
        if (!send) return server.send(frame);
        sent += 1;
        sendAcks.add(send[1]!);
        // The page may be gone by then: a frame it can no longer send is no failure of the test.
        if (holdSendsUntil) void holdSendsUntil.then(() => server.send(frame)).catch(() => {});
        else server.send(frame);
      });
      server.onMessage((frame) => {
        const ack = typeof frame === 'string' ? /^43(\d+)/.exec(frame) : null;
        if (ack && sendAcks.delete(ack[1]!)) {
          acks += 1;
          for (const w of waiters.filter((w) => acks >= w.count)) w.resolve();
        }
        ws.send(frame);
      });
    });
    return {
      sent: () => sent,
      acked: (count: number) =>
        new Promise<void>((resolve) => (acks >= count ? resolve() : waiters.push({ count, resolve }))),
    };
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

  /** Edits one of the user's messages through its menu (Enter saves). */
  async edit(text: string, replacement: string) {
    await this.messageActions(text).click();
    await this.page.getByRole('menuitem', { name: 'Edit' }).click();
    const field = this.page.getByLabel('Edit message');
    await field.fill(replacement);
    await field.press('Enter');
  }

  /** Unsends one of the user's messages through its menu. */
  async unsend(text: string) {
    await this.messageActions(text).click();
    await this.page.getByRole('menuitem', { name: 'Unsend for everyone' }).click();
  }

  messageActions(text: string): Locator {
    return this.message(text).getByRole('button', { name: 'Message actions' });
  }

  /** Messages shown as unsent. */
  unsentMessages(): Locator {
    return this.page.locator('[data-testid="message"][data-state="unsent"]');
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
