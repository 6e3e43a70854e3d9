// Unread-message emails from running realtime nodes, over real sockets and a real SMTP server:
// an inbox open and visible on the recipient's screen cancels the email, a hidden one does not;
// two nodes on a real redis-server mail each burst exactly once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendMessage } from '../lib/chat/send-messages';
import { db } from '../lib/db';
import { smtpSender } from '../lib/notifications/mailer';
import { bearerToken, createChat } from '../test/fixtures';
import { startSmtpServer, type TestSmtpServer } from '../test/smtp-server';
import { startTwoNodes } from '../test/two-nodes';
import type { UnreadEmailSettings } from './unread-email-sender';
import { connect, eventually, startServer } from './test-support';

let smtp: TestSmtpServer;
let mailer: ReturnType<typeof smtpSender>;
let settings: UnreadEmailSettings;

beforeAll(async () => {
  smtp = await startSmtpServer();
  mailer = smtpSender(smtp.url, 'StayEasy <no-reply@stayeasy.test>');
  // Due at once, swept often: the tests wait for sweeps, not for two minutes.
  settings = {
    sendEmail: mailer,
    delayMs: 0,
    minIntervalMs: 15 * 60_000,
    appUrl: 'https://inbox.example.test',
    secret: 'a-test-secret-of-enough-length',
    intervalMs: 100,
  };
});
afterAll(async () => {
  mailer.close();
  await smtp.close();
});

const pendingOf = async (chatId: string) =>
  (await db.unreadEmailState.findMany({ where: { chatId }, select: { pendingSince: true } }))[0]?.pendingSince;

describe('unread-message emails from the realtime nodes', () => {
  it('are cancelled while the recipient’s inbox is visible, and sent once it is hidden', async () => {
    const server = await startServer({ unreadEmails: settings });
    const { guest, owner, chat } = await createChat(db);
    const ownerClient = await connect(server.url, (await bearerToken(db, owner.id)).token);
    try {
      expect(await ownerClient.timeout(5_000).emitWithAck('set_visibility', { visible: true })).toEqual({
        ok: true,
        data: { visible: true },
      });
      await sendMessage(db, guest.id, { chatId: chat.id, content: 'seen on screen' });
      await eventually(async () => (await pendingOf(chat.id)) === null, 'the burst to be settled');
      expect(smtp.to(owner.email)).toEqual([]);

      await ownerClient.timeout(5_000).emitWithAck('set_visibility', { visible: false });
      await sendMessage(db, guest.id, { chatId: chat.id, content: 'left in a hidden tab' });
      await eventually(async () => smtp.to(owner.email).length === 1, 'the email');
      expect(smtp.to(owner.email)[0]!.text).toContain('> left in a hidden tab');
      expect(smtp.to(owner.email)[0]!.text).not.toContain('seen on screen');
    } finally {
      ownerClient.close();
      await server.close();
    }
  });

  it('two nodes mail each burst exactly once', async () => {
    const nodes = await startTwoNodes({ unreadEmails: settings });
    try {
      const worlds = await Promise.all(Array.from({ length: 12 }, () => createChat(db)));
      // A few messages per chat, some while the nodes are already sweeping.
      for (let round = 1; round <= 3; round++) {
        await Promise.all(
          worlds.map((w) => sendMessage(db, w.guest.id, { chatId: w.chat.id, content: `round ${round}` })),
        );
      }
      await eventually(async () => worlds.every((w) => smtp.to(w.owner.email).length >= 1), 'an email to every owner');
      // Several more sweeps of both nodes: nothing more may go.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      for (const w of worlds) expect(smtp.to(w.owner.email), w.owner.email).toHaveLength(1);
      const sent = (await nodes.nodeA.metrics.unreadEmails.get()).values
        .concat((await nodes.nodeB.metrics.unreadEmails.get()).values)
        .filter((v) => v.labels.outcome === 'sent')
        .reduce((sum, v) => sum + v.value, 0);
      expect(sent).toBe(worlds.length);
    } finally {
      await nodes.close();
    }
  });
});
