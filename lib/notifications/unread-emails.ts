// Email for messages left unread. The statement that stores messages starts a "burst" per
// recipient and chat (unread_email_state.pending_since, migration …_unread_emails); messages that
// arrive while one is pending join it. A burst is due UNREAD_EMAIL_DELAY after its first message,
// and no sooner than UNREAD_EMAIL_MIN_INTERVAL after the last email for that chat. Every realtime
// node sweeps (realtime/unread-email-sender.ts): due rows are claimed FOR UPDATE SKIP LOCKED and
// held until each is settled, so two nodes never mail one burst. At its time a burst is
//   - cancelled when nothing of it is unread any more (read or unsent), the recipient turned the
//     emails off, or they have the inbox open and visible right now;
//   - else mailed once (the unread messages as they are now, edits marked; only "a new message"
//     when the recipient hides message text), with a link to the thread and a signed one-click
//     unsubscribe link (List-Unsubscribe headers);
//   - on an SMTP failure retried with backoff, and after MAX_EMAIL_ATTEMPTS given up, logged and
//     counted (never dropped silently).
// A node that dies after the SMTP server took a message and before its commit leaves the row to
// be mailed again: email cannot be exactly once across that gap; everywhere else it is.
import type { EmailNotifications } from '../db/generated/enums';
import { Prisma, type Db } from '../db';
import { AppError } from '../errors';
import { unreadEmailContent } from './unread-email-content';
import { unsubscribeToken, userOfUnsubscribeToken } from './unsubscribe-token';

export const MAX_EMAIL_ATTEMPTS = 8;

/** Wait before attempt `attempt + 1` (1-based count of failures so far): 30 s, 1 min, 2 min, … at most 30 min. */
export function emailRetryDelayMs(failures: number, baseMs = 30_000): number {
  return Math.min(baseMs * 2 ** Math.max(0, failures - 1), 30 * 60_000);
}

export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
}

/** Hands an email to the SMTP server; throws when it was not accepted. */
export type SendEmail = (email: OutgoingEmail) => Promise<void>;

export interface UnreadEmailOptions {
  sendEmail: SendEmail;
  /** Whether the user has an inbox open and visible at this moment (on any realtime node). */
  hasVisibleInbox: (userId: string) => Promise<boolean>;
  delayMs: number;
  minIntervalMs: number;
  /** The web app's origin, for the links. */
  appUrl: string;
  /** Signs the unsubscribe links. */
  secret: string;
  /** Rows claimed per sweep. */
  limit: number;
  retryBaseMs?: number;
}

export interface UnreadEmailSweep {
  claimed: number;
  sent: number;
  cancelled: number;
  /** Failed sends that will be tried again. */
  retried: number;
  /** Bursts given up after MAX_EMAIL_ATTEMPTS, with the last error. */
  failed: Array<{ userId: string; chatId: string; error: string }>;
}

type Claimed = { user_id: string; chat_id: string; pending_since: Date; attempts: number };
type Tx = Prisma.TransactionClient;

export async function sendDueUnreadEmails(db: Db, options: UnreadEmailOptions): Promise<UnreadEmailSweep> {
  const sweep: UnreadEmailSweep = { claimed: 0, sent: 0, cancelled: 0, retried: 0, failed: [] };
  const dueWhere = Prisma.sql`
    pending_since IS NOT NULL
    AND pending_since <= now() - ${options.delayMs} * interval '1 millisecond'
    AND (last_sent_at IS NULL OR last_sent_at <= now() - ${options.minIntervalMs} * interval '1 millisecond')
    AND (next_attempt_at IS NULL OR next_attempt_at <= now())`;
  // Every node asks every few seconds: without a transaction when nothing is due.
  const [due] = await db.$queryRaw<[{ any: boolean }]>`
    SELECT EXISTS (SELECT 1 FROM unread_email_state WHERE ${dueWhere}) AS any`;
  if (!due.any) return sweep;

  await db.$transaction(
    async (tx) => {
      const rows = await tx.$queryRaw<Claimed[]>`
        SELECT user_id, chat_id, pending_since, attempts FROM unread_email_state WHERE ${dueWhere}
        ORDER BY pending_since LIMIT ${options.limit} FOR UPDATE SKIP LOCKED`;
      sweep.claimed = rows.length;
      for (const row of rows) {
        const outcome = await settle(tx, row, options);
        if (outcome === 'stop') break; // The SMTP server is failing: the rest waits for the next sweep.
        if (outcome === 'failed') continue;
        sweep[outcome]++;
      }
      async function settle(tx: Tx, row: Claimed, o: UnreadEmailOptions) {
        const email = await composeEmail(tx, row, o);
        if (!email || (await o.hasVisibleInbox(row.user_id))) {
          await tx.$executeRaw`
            UPDATE unread_email_state SET pending_since = NULL, attempts = 0, next_attempt_at = NULL
            WHERE user_id = ${row.user_id} AND chat_id = ${row.chat_id}`;
          return 'cancelled' as const;
        }
        try {
          await o.sendEmail(email);
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          const failures = row.attempts + 1;
          if (failures >= MAX_EMAIL_ATTEMPTS) {
            sweep.failed.push({ userId: row.user_id, chatId: row.chat_id, error: message });
            await tx.$executeRaw`
              UPDATE unread_email_state SET pending_since = NULL, attempts = 0, next_attempt_at = NULL,
                     last_error = ${message}
              WHERE user_id = ${row.user_id} AND chat_id = ${row.chat_id}`;
            return 'failed' as const;
          }
          await tx.$executeRaw`
            UPDATE unread_email_state SET attempts = ${failures}, last_error = ${message},
                   next_attempt_at = now() + ${emailRetryDelayMs(failures, o.retryBaseMs)} * interval '1 millisecond'
            WHERE user_id = ${row.user_id} AND chat_id = ${row.chat_id}`;
          sweep.retried++;
          return 'stop' as const;
        }
        await tx.$executeRaw`
          UPDATE unread_email_state SET pending_since = NULL, last_sent_at = now(), attempts = 0,
                 next_attempt_at = NULL, last_error = NULL
          WHERE user_id = ${row.user_id} AND chat_id = ${row.chat_id}`;
        return 'sent' as const;
      }
    },
    // Held while the emails go out (each SMTP exchange is bounded by the mailer's timeouts).
    { timeout: 120_000, maxWait: 10_000 },
  );
  return sweep;
}

/** The email for a claimed burst, or null when there is nothing to send (read, unsent, emails off). */
async function composeEmail(tx: Tx, row: Claimed, options: UnreadEmailOptions) {
  const [context] = await tx.$queryRaw<
    Array<{
      email: string;
      recipient_name: string;
      setting: EmailNotifications;
      sender_name: string;
      property_name: string;
    }>
  >`
    SELECT u.email, u.name AS recipient_name, u.email_notifications AS setting,
           o.name AS sender_name, p.name AS property_name
    FROM users u JOIN chats c ON c.id = ${row.chat_id}
    JOIN users o ON o.id = CASE WHEN c.guest_id = u.id THEN c.owner_id ELSE c.guest_id END
    JOIN properties p ON p.id = c.property_id
    WHERE u.id = ${row.user_id}`;
  if (!context || context.setting === 'off') return null;
  // The burst's messages still unread, as they are now (an edit shows its new text).
  const messages = await tx.$queryRaw<Array<{ content: string; edited: boolean; file_count: number }>>`
    SELECT m.content, m.edited_at IS NOT NULL AS edited,
           (SELECT count(*)::int FROM files f WHERE f.message_id = m.id) AS file_count
    FROM messages m
    WHERE m.recipient_id = ${row.user_id} AND m.chat_id = ${row.chat_id} AND m.read_at IS NULL
      AND m.unsent_at IS NULL AND m.created_at >= ${row.pending_since}
    ORDER BY m.created_at, m.id`;
  if (!messages.length) return null;

  const threadUrl = new URL(`/inbox/${row.chat_id}`, options.appUrl).href;
  const unsubscribeUrl = new URL(
    `/unsubscribe?token=${encodeURIComponent(unsubscribeToken(row.user_id, options.secret))}`,
    options.appUrl,
  ).href;
  const oneClickUrl = new URL(
    `/api/email/unsubscribe?token=${encodeURIComponent(unsubscribeToken(row.user_id, options.secret))}`,
    options.appUrl,
  ).href;
  const content = unreadEmailContent({
    recipientName: context.recipient_name,
    senderName: context.sender_name,
    propertyName: context.property_name,
    messages: messages.map((m) => ({ content: m.content, edited: m.edited, fileCount: m.file_count })),
    hideText: context.setting === 'hide_text',
    threadUrl,
    unsubscribeUrl,
  });
  return {
    to: context.email,
    ...content,
    // RFC 8058 one-click unsubscribe: mail clients POST to the link without a visit.
    headers: { 'List-Unsubscribe': `<${oneClickUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
  } satisfies OutgoingEmail;
}

/** The user's email setting. */
export async function getEmailNotifications(db: Db, userId: string): Promise<EmailNotifications> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { emailNotifications: true } });
  if (!user) throw new AppError('NOT_FOUND', 'User not found');
  return user.emailNotifications;
}

export async function setEmailNotifications(
  db: Db,
  userId: string,
  setting: EmailNotifications,
): Promise<EmailNotifications> {
  const user = await db.user.update({
    where: { id: userId },
    data: { emailNotifications: setting },
    select: { emailNotifications: true },
  });
  return user.emailNotifications;
}

/** The one-click unsubscribe: turns the emails off for the user the signed token names. */
export async function unsubscribeByToken(db: Db, token: string, secret: string): Promise<{ email: string }> {
  const userId = userOfUnsubscribeToken(token, secret);
  const updated = await db.user.updateManyAndReturn({
    where: { id: userId },
    data: { emailNotifications: 'off' },
    select: { email: true },
  });
  if (!updated[0]) throw new AppError('FORBIDDEN', 'This unsubscribe link is not valid');
  return updated[0];
}
