// Emails for unread messages on the real database and a real SMTP server in the test process:
// one email per burst after the delay, with its content, headers and links; cancelled by reading,
// unsending, an open visible inbox or the setting; five messages make one email; the interval
// between two emails; hidden text; escaping; SMTP down then up (sent once, later); no send held
// back by an email going out; a claim left by a dead node; unsubscribe.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storage } from '../attachments/storage';
import { editMessage, markMessagesRead, sendMessage, unsendMessage } from '../chat';
import { db } from '../db';
import { createChat } from '../../test/fixtures';
import { startSmtpServer, type TestSmtpServer } from '../../test/smtp-server';
import { smtpSender } from './mailer';
import {
  sendDueUnreadEmails,
  setEmailNotifications,
  unsubscribeByToken,
  type UnreadEmailOptions,
} from './unread-emails';
import { unsubscribeToken } from './unsubscribe-token';

const SECRET = 'a-test-secret-of-enough-length';
const APP = 'https://inbox.example.test';
let smtp: TestSmtpServer;
let mailer: ReturnType<typeof smtpSender>;
let visible = new Set<string>();

beforeAll(async () => {
  smtp = await startSmtpServer();
  mailer = smtpSender(smtp.url, 'StayEasy <no-reply@stayeasy.test>');
});
afterAll(async () => {
  mailer.close();
  await smtp.close();
});

/** A sweep once the delay has passed: the tests do not wait two minutes. */
const due = (extra: Partial<UnreadEmailOptions> = {}) => sendDueUnreadEmails(db, options({ delayMs: 0, ...extra }));

const options = (extra: Partial<UnreadEmailOptions> = {}): UnreadEmailOptions => ({
  sendEmail: mailer,
  hasVisibleInbox: async (userId) => visible.has(userId),
  delayMs: 60_000,
  minIntervalMs: 15 * 60_000,
  appUrl: APP,
  secret: SECRET,
  limit: 20,
  ...extra,
});

async function setup() {
  const world = await createChat(db);
  const send = (content: string) => sendMessage(db, world.guest.id, { chatId: world.chat.id, content });
  return { ...world, send, inbox: () => smtp.to(world.owner.email) };
}

describe('unread-message emails', () => {
  it('sends one email once the delay has passed, with who, the stay, the text, the links and the unsubscribe headers', async () => {
    const { owner, guest, property, chat, send, inbox } = await setup();
    await send('Is early check-in possible?\nWe land at 9.');
    expect(await sendDueUnreadEmails(db, options())).toMatchObject({ sent: 0 }); // before the delay
    expect(await due()).toMatchObject({ claimed: 1, sent: 1 });
    expect(await due()).toMatchObject({ claimed: 0, sent: 0 });

    const [mail] = inbox();
    expect(inbox()).toHaveLength(1);
    expect(mail!.subject).toBe(`${guest.name} sent you a message about ${property.name}`);
    expect(mail!.text).toContain(`${guest.name} wrote to you about ${property.name}:`);
    expect(mail!.text).toContain('> Is early check-in possible?\n> We land at 9.');
    expect(mail!.text).toContain(`${APP}/inbox/${chat.id}`);
    expect(mail!.html).toContain(`href="${APP}/inbox/${chat.id}"`);
    const token = encodeURIComponent(unsubscribeToken(owner.id, SECRET));
    // The raw header, unfolded (long headers are folded over lines).
    const header = (name: string) => mail!.headerLines.find((h) => h.key === name)?.line.replace(/\r\n\s+/g, ' ');
    expect(header('list-unsubscribe')).toBe(`List-Unsubscribe: <${APP}/api/email/unsubscribe?token=${token}>`);
    expect(header('list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(mail!.html).toContain(`${APP}/unsubscribe?token=${token}`);
  });

  it('puts five messages of a burst in one email, and waits the interval before the next one', async () => {
    const { chat, send, inbox } = await setup();
    for (let i = 1; i <= 5; i++) await send(`message ${i}`);
    await due();
    expect(inbox()).toHaveLength(1);
    for (let i = 1; i <= 5; i++) expect(inbox()[0]!.text).toContain(`> message ${i}`);
    expect(inbox()[0]!.subject).toContain('sent you 5 messages');

    // A new message starts a new burst, but the interval since the last email holds it back.
    await send('message 6');
    await due();
    expect(inbox()).toHaveLength(1);
    await db.$executeRaw`UPDATE unread_email_state SET last_sent_at = last_sent_at - interval '16 minutes' WHERE chat_id = ${chat.id}`;
    await due();
    expect(inbox()).toHaveLength(2);
    expect(inbox()[1]!.text).toContain('> message 6');
    expect(inbox()[1]!.text).not.toContain('message 5');
  });

  it('is cancelled when the messages are read or unsent first, or the inbox is open and visible', async () => {
    const read = await setup();
    const sent = await read.send('read me');
    await markMessagesRead(db, read.owner.id, { chatId: read.chat.id, messageIds: [sent.message.id] });
    expect(await due()).toMatchObject({ cancelled: 1, sent: 0 });

    const unsent = await setup();
    const gone = await unsent.send('door code 4821');
    await unsendMessage(db, storage, unsent.guest.id, { chatId: unsent.chat.id, messageId: gone.message.id });
    expect(await due()).toMatchObject({ cancelled: 1, sent: 0 });

    const looking = await setup();
    await looking.send('are you there?');
    visible = new Set([looking.owner.id]);
    try {
      expect(await due()).toMatchObject({ cancelled: 1, sent: 0 });
    } finally {
      visible = new Set();
    }
    expect([...read.inbox(), ...unsent.inbox(), ...looking.inbox()]).toEqual([]);
  });

  it('shows edited text as edited, escapes it in HTML, hides it when asked, and sends nothing when off', async () => {
    const edited = await setup();
    const first = await edited.send('Arriving <b>Friday</b> & "late"');
    await editMessage(db, edited.guest.id, {
      chatId: edited.chat.id,
      messageId: first.message.id,
      content: '<script>alert(1)</script> Arriving Saturday',
    });
    await due();
    const [mail] = edited.inbox();
    expect(mail!.text).toContain('> <script>alert(1)</script> Arriving Saturday (edited)');
    expect(mail!.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; Arriving Saturday (edited)');
    expect(mail!.html).not.toContain('<script>');
    expect(mail!.text).not.toContain('Friday');

    const hidden = await setup();
    await setEmailNotifications(db, hidden.owner.id, 'hide_text');
    await hidden.send('The door code is 4821');
    await due();
    const [secret] = hidden.inbox();
    expect(secret!.subject).toBe('You have a new message on StayEasy');
    expect(`${secret!.text}${secret!.html}${secret!.subject}`).not.toContain('4821');
    expect(secret!.text).toContain(`${APP}/inbox/${hidden.chat.id}`);

    const off = await setup();
    await setEmailNotifications(db, off.owner.id, 'off');
    await off.send('anyone?');
    expect(await due()).toMatchObject({ cancelled: 1 });
    expect(off.inbox()).toEqual([]);
  });

  it('retries while the SMTP server refuses, and sends once when it is back', async () => {
    const { chat, send, inbox } = await setup();
    await send('hello while mail is down');
    smtp.failing = true;
    try {
      expect(await due({ retryBaseMs: 50 })).toMatchObject({ sent: 0, retried: 1 });
      const state = await db.unreadEmailState.findFirstOrThrow({ where: { chatId: chat.id } });
      expect(state).toMatchObject({ attempts: 1, lastError: expect.stringContaining('try again later') });
      expect(state.pendingSince).not.toBeNull();
    } finally {
      smtp.failing = false;
    }
    // Not before its backoff…
    await db.$executeRaw`UPDATE unread_email_state SET next_attempt_at = now() + interval '1 hour' WHERE chat_id = ${chat.id}`;
    expect(await due()).toMatchObject({ claimed: 0 });
    // …then once.
    await db.$executeRaw`UPDATE unread_email_state SET next_attempt_at = now() - interval '1 second' WHERE chat_id = ${chat.id}`;
    expect(await due()).toMatchObject({ sent: 1 });
    expect(await due()).toMatchObject({ claimed: 0 });
    expect(inbox()).toHaveLength(1);
    expect(await db.unreadEmailState.findFirstOrThrow({ where: { chatId: chat.id } })).toMatchObject({
      attempts: 0,
      lastError: null,
      pendingSince: null,
    });
  });

  it('holds no send back while its email goes out; a message stored meanwhile starts the next burst', async () => {
    const { chat, send, inbox } = await setup();
    await send('before the email');
    let smtpStarted!: () => void;
    let smtpDone!: () => void;
    const inSmtp = new Promise<void>((resolve) => (smtpStarted = resolve));
    const gate = new Promise<void>((resolve) => (smtpDone = resolve));
    const sweep = due({
      sendEmail: async (email) => {
        smtpStarted();
        await gate;
        await mailer(email);
      },
    });
    await inSmtp;
    // A lock held over the SMTP exchange made this send wait for it (here: for ever).
    const during = await send('while the email goes out');
    // Exactly once meanwhile: another sweep finds the burst claimed.
    expect(await due()).toMatchObject({ claimed: 0 });
    smtpDone();
    expect(await sweep).toMatchObject({ claimed: 1, sent: 1 });
    expect(inbox()).toHaveLength(1);
    expect(inbox()[0]!.text).not.toContain('while the email goes out');
    const state = await db.unreadEmailState.findFirstOrThrow({ where: { chatId: chat.id } });
    expect(state.pendingSince?.toISOString()).toBe(during.message.createdAt);

    // The next burst, after the interval, has that message alone.
    await db.$executeRaw`UPDATE unread_email_state SET last_sent_at = last_sent_at - interval '16 minutes' WHERE chat_id = ${chat.id}`;
    expect(await due()).toMatchObject({ sent: 1 });
    expect(inbox()).toHaveLength(2);
    expect(inbox()[1]!.text).toContain('> while the email goes out');
    expect(inbox()[1]!.text).not.toContain('before the email');
  });

  it('mails a burst whose node died with it claimed once the claim runs out, not before', async () => {
    const { chat, send, inbox } = await setup();
    await send('the node dies mid-email');
    let smtpStarted!: () => void;
    const inSmtp = new Promise<void>((resolve) => (smtpStarted = resolve));
    // The dying node's sweep never comes back.
    void due({ sendEmail: () => (smtpStarted(), new Promise<void>(() => {})) });
    await inSmtp;
    expect(await due()).toMatchObject({ claimed: 0 });
    await db.$executeRaw`UPDATE unread_email_state SET next_attempt_at = now() - interval '1 second' WHERE chat_id = ${chat.id}`;
    expect(await due()).toMatchObject({ claimed: 1, sent: 1 });
    expect(inbox()).toHaveLength(1);
  });

  it('unsubscribes with the signed link, without signing in; a forged link changes nothing', async () => {
    const { owner, guest } = await setup();
    await expect(
      unsubscribeByToken(db, unsubscribeToken(owner.id, 'another-secret-of-enough-length'), SECRET),
    ).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    const [, signature] = unsubscribeToken(owner.id, SECRET).split('.');
    await expect(
      unsubscribeByToken(db, `${Buffer.from(guest.id).toString('base64url')}.${signature}`, SECRET),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(
      await db.user.findMany({ where: { id: { in: [owner.id, guest.id] } }, select: { emailNotifications: true } }),
    ).toEqual([{ emailNotifications: 'on' }, { emailNotifications: 'on' }]);
    expect(await unsubscribeByToken(db, unsubscribeToken(owner.id, SECRET), SECRET)).toEqual({ email: owner.email });
    expect((await db.user.findUniqueOrThrow({ where: { id: owner.id } })).emailNotifications).toBe('off');
  });
});
