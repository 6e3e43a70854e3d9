// Email for messages left unread. The statement that stores messages starts a "burst" per
// recipient and chat (unread_email_state.pending_since, migration …_unread_emails); messages that
// arrive while one is pending join it. A burst is due UNREAD_EMAIL_DELAY after its first message,
// and no sooner than UNREAD_EMAIL_MIN_INTERVAL after the last email for that chat. Every realtime
// node sweeps (realtime/unread-email-sender.ts): due rows are claimed one at a time for
// UNREAD_EMAIL_CLAIM_MS (next_attempt_at, taken FOR UPDATE SKIP LOCKED), so two nodes never mail
// one burst and no lock is held over the SMTP exchange; messages stored while a burst is being
// decided are not in it and start the next one. At its time a burst is
//   - cancelled when nothing of it is unread any more (read or unsent), the recipient turned the
//     emails off, or they have the inbox open and visible right now;
//   - else mailed once (the unread messages as they are now, edits marked; only "a new message"
//     when the recipient hides message text), with a link to the thread and a signed one-click
//     unsubscribe link (List-Unsubscribe headers);
//   - on an SMTP failure retried with backoff, and after MAX_EMAIL_ATTEMPTS given up, logged and
//     counted (never dropped silently).
// A node that dies after the SMTP server took a message and before it settled the burst leaves it
// to be mailed again once the claim runs out: email cannot be exactly once across that gap;
// everywhere else it is.
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

/**
 * How long a claimed burst stays away from other sweeps: longer than one email's SMTP exchange
 * (mailer.ts bounds it at 10 + 10 + 20 s). A node that dies with a claim leaves the burst to
 * be taken again after it.
 */
export const UNREAD_EMAIL_CLAIM_MS = 2 * 60_000;

export async function sendDueUnreadEmails(db: Db, options: UnreadEmailOptions): Promise<UnreadEmailSweep> {
  const sweep: UnreadEmailSweep = { claimed: 0, sent: 0, cancelled: 0, retried: 0, failed: [] };
  const dueWhere = Prisma.sql`
    pending_since IS NOT NULL
    AND pending_since <= now() - ${options.delayMs} * interval '1 millisecond'
    AND (last_sent_at IS NULL OR last_sent_at <= now() - ${options.minIntervalMs} * interval '1 millisecond')
    AND (next_attempt_at IS NULL OR next_attempt_at <= now())`;
  // One burst at a time, claimed by a lease (next_attempt_at) in a statement of its own: no row
  // lock is held while an email goes out. A lock held over the SMTP exchange made every send to
  // that recipient in that chat wait for it (the insert trigger's upsert of the row), holding the
  // chat's row and a slot of the node's send queue meanwhile. Every node asks every few seconds:
  // when nothing is due the claim locks nothing and takes no transaction id, so it is a read.
  while (sweep.claimed < options.limit) {
    const [row] = await db.$queryRaw<Claimed[]>`
      UPDATE unread_email_state s SET next_attempt_at = now() + ${UNREAD_EMAIL_CLAIM_MS} * interval '1 millisecond'
      FROM (SELECT user_id, chat_id FROM unread_email_state WHERE ${dueWhere}
            ORDER BY pending_since LIMIT 1 FOR UPDATE SKIP LOCKED) d
      WHERE s.user_id = d.user_id AND s.chat_id = d.chat_id
      RETURNING s.user_id, s.chat_id, s.pending_since, s.attempts`;
    if (!row) break;
    sweep.claimed++;
    const outcome = await mailOrCancel(row);
    if (outcome === 'stop') break; // The SMTP server is failing: the rest waits for the next sweep.
    if (outcome !== 'failed') sweep[outcome]++;
  }
  return sweep;

  async function mailOrCancel(row: Claimed) {
    const { email, covered } = await composeEmail(db, row, options);
    if (!email || (await options.hasVisibleInbox(row.user_id))) {
      await settle(db, row, covered, Prisma.sql`attempts = 0, next_attempt_at = NULL`);
      return 'cancelled' as const;
    }
    try {
      await options.sendEmail(email);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const failures = row.attempts + 1;
      if (failures >= MAX_EMAIL_ATTEMPTS) {
        sweep.failed.push({ userId: row.user_id, chatId: row.chat_id, error: message });
        await settle(db, row, covered, Prisma.sql`attempts = 0, next_attempt_at = NULL, last_error = ${message}`);
        return 'failed' as const;
      }
      await db.$executeRaw`
        UPDATE unread_email_state SET attempts = ${failures}, last_error = ${message},
               next_attempt_at = now() + ${emailRetryDelayMs(failures, options.retryBaseMs)} * interval '1 millisecond'
        WHERE user_id = ${row.user_id} AND chat_id = ${row.chat_id}`;
      sweep.retried++;
      return 'stop' as const;
    }
    await settle(
      db,
      row,
      covered,
      Prisma.sql`last_sent_at = now(), attempts = 0, next_attempt_at = NULL, last_error = NULL`,
    );
    return 'sent' as const;
  }
}

/**
 * Ends a claimed burst (mailed, cancelled or given up), with `changes`. The messages the decision
 * did not cover (stored while it was made) start the next burst at once. The row is locked
 * first: a send whose trigger found the burst pending holds that lock until it commits, so the
 * second statement, with a snapshot of its own, sees that send's message.
 */
async function settle(db: Db, row: Claimed, covered: string[], changes: Prisma.Sql) {
  await db.$transaction([
    db.$queryRaw`SELECT 1 FROM unread_email_state WHERE user_id = ${row.user_id} AND chat_id = ${row.chat_id} FOR UPDATE`,
    db.$executeRaw`
      UPDATE unread_email_state SET ${changes}, pending_since = (
        SELECT min(m.created_at) FROM messages m
        WHERE m.recipient_id = ${row.user_id} AND m.chat_id = ${row.chat_id} AND m.read_at IS NULL
          AND m.unsent_at IS NULL AND m.created_at >= ${row.pending_since} AND m.id <> ALL(${covered}::text[]))
      WHERE user_id = ${row.user_id} AND chat_id = ${row.chat_id}`,
  ]);
}

/**
 * The email for a claimed burst, or null when there is nothing to send (read, unsent, emails off),
 * and the messages that decision covers (the burst's unread ones as they are now).
 */
async function composeEmail(
  db: Db,
  row: Claimed,
  options: UnreadEmailOptions,
): Promise<{ email: OutgoingEmail | null; covered: string[] }> {
  // The burst's messages still unread, as they are now (an edit shows its new text).
  const messages = await db.$queryRaw<Array<{ id: string; content: string; edited: boolean; file_count: number }>>`
    SELECT m.id, m.content, m.edited_at IS NOT NULL AS edited,
           (SELECT count(*)::int FROM files f WHERE f.message_id = m.id) AS file_count
    FROM messages m
    WHERE m.recipient_id = ${row.user_id} AND m.chat_id = ${row.chat_id} AND m.read_at IS NULL
      AND m.unsent_at IS NULL AND m.created_at >= ${row.pending_since}
    ORDER BY m.created_at, m.id`;
  const covered = messages.map((m) => m.id);
  const [context] = await db.$queryRaw<
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
  if (!context || context.setting === 'off' || !messages.length) return { email: null, covered };

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
  const email: OutgoingEmail = {
    to: context.email,
    ...content,
    // RFC 8058 one-click unsubscribe: mail clients POST to the link without a visit.
    headers: { 'List-Unsubscribe': `<${oneClickUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
  };
  return { email, covered };
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
