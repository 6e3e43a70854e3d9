// Scheduled messages: a member writes a message now to be sent at a later time. Until then only
// its sender sees it (listed per chat, edited, cancelled or sent at once); at its time the job
// (realtime/scheduled-sender.ts, on every realtime node) sends it through the ordinary send path
// (sendMessages: the same statement, its messages_created event, the recipient's unread counts).
// A row that can no longer be sent is marked failed with a ScheduledFailureCode for its sender;
// one sent more than SCHEDULED_LATE_AFTER_MINUTES after its time (everything was down) stays
// listed, "sent late", until its sender dismisses it. Every change tells the sender's tabs with
// the chat event `scheduled_messages_changed`, published in the change's transaction.
// Someone else's scheduled message is NOT_FOUND, exactly like one that does not exist.
import type { Db, Prisma } from '../db';
import type { ScheduledMessageStatus } from '../db/generated/enums';
import { AppError, notFound } from '../errors';
import { getChatForMember } from './access';
import { publishChatEvent } from './events';
import {
  MAX_PENDING_SCHEDULED,
  type ScheduledChangeInput,
  type ScheduleMessageInput,
  type SendMessageInput,
} from './schemas';
import { sendMessages, type SentMessage } from './send-messages';

/** Sent this much after its time, a scheduled message is shown to its sender as "sent late". */
export const SCHEDULED_LATE_AFTER_MINUTES = 5;
/** Failed sends of one row that were not its own fault (the database failing) before it is given up. */
export const SCHEDULED_MAX_ATTEMPTS = 10;

/**
 * Why a scheduled message could not be sent, as its sender is told. BLOCKED is reserved for
 * blocking (a later issue): the send path will refuse it with its own code.
 */
export const SCHEDULED_FAILURE_CODES = [
  'CHAT_GONE',
  'NOT_MEMBER',
  'REPLY_GONE',
  'BLOCKED',
  'INVALID',
  'SEND_FAILED',
] as const;
export type ScheduledFailureCode = (typeof SCHEDULED_FAILURE_CODES)[number];

export interface ScheduledMessageDto {
  id: string;
  /** Null once the chat is gone (the row is then failed, CHAT_GONE). */
  chatId: string | null;
  content: string;
  replyToId: string | null;
  sendAt: string;
  status: ScheduledMessageStatus;
  failureCode: ScheduledFailureCode | null;
  sentMessageId: string | null;
  sentAt: string | null;
  /** Whole minutes it was sent after its time, when that was more than SCHEDULED_LATE_AFTER_MINUTES. */
  lateMinutes: number | null;
}

const select = {
  id: true,
  chatId: true,
  senderId: true,
  content: true,
  replyToId: true,
  sendAt: true,
  status: true,
  failureCode: true,
  sentMessageId: true,
  sentAt: true,
  attempts: true,
} as const;
type Row = Prisma.ScheduledMessageGetPayload<{ select: typeof select }>;

const lateMsOf = (row: Pick<Row, 'sendAt' | 'sentAt'>) =>
  row.sentAt ? row.sentAt.getTime() - row.sendAt.getTime() : 0;
const isLate = (row: Pick<Row, 'sendAt' | 'sentAt'>) => lateMsOf(row) > SCHEDULED_LATE_AFTER_MINUTES * 60_000;

export function toScheduledDto(row: Row): ScheduledMessageDto {
  return {
    id: row.id,
    chatId: row.chatId,
    content: row.content,
    replyToId: row.replyToId,
    sendAt: row.sendAt.toISOString(),
    status: row.status,
    failureCode: row.failureCode as ScheduledFailureCode | null,
    sentMessageId: row.sentMessageId,
    sentAt: row.sentAt?.toISOString() ?? null,
    lateMinutes: isLate(row) ? Math.floor(lateMsOf(row) / 60_000) : null,
  };
}

type Tx = Prisma.TransactionClient;

const changed = (tx: Tx, userId: string, chatId: string | null) =>
  publishChatEvent(tx, { type: 'scheduled_messages_changed', userId, chatId });

/** The sender's own row, locked for the change; NOT_FOUND for anyone else's, as for none. */
async function lockOwn(tx: Tx, userId: string, scheduledId: string): Promise<Row> {
  const [locked] = await tx.$queryRaw<Array<{ id: string }>>`
    SELECT id FROM scheduled_messages WHERE id = ${scheduledId} AND sender_id = ${userId} FOR UPDATE`;
  if (!locked) throw notFound('Scheduled message');
  return tx.scheduledMessage.findUniqueOrThrow({ where: { id: locked.id }, select });
}

const notPending = (row: Row) =>
  new AppError(
    'CONFLICT',
    row.status === 'sent' ? 'This message was sent already' : 'This message can no longer be sent',
    {
      details: { status: row.status },
    },
  );

/** The sender's scheduled messages of a chat that still concern them: waiting, failed, sent late. */
export async function listScheduledMessages(db: Db, userId: string, chatId: string): Promise<ScheduledMessageDto[]> {
  await getChatForMember(db, userId, chatId);
  const rows = await db.scheduledMessage.findMany({
    where: { senderId: userId, chatId },
    select,
    orderBy: [{ sendAt: 'asc' }, { id: 'asc' }],
  });
  return rows.filter((r) => r.status !== 'sent' || isLate(r)).map(toScheduledDto);
}

export async function scheduleMessage(
  db: Db,
  userId: string,
  chatId: string,
  input: ScheduleMessageInput,
): Promise<ScheduledMessageDto> {
  return db.$transaction(async (tx) => {
    await getChatForMember(tx, userId, chatId);
    if (input.replyToId) {
      const [original] = await tx.$queryRaw<Array<{ id: string }>>`
        SELECT id FROM chat_messages WHERE id = ${input.replyToId} AND chat_id = ${chatId}`;
      if (!original)
        throw new AppError('VALIDATION', 'A reply must answer a message of the same chat', {
          details: [{ path: ['replyToId'], message: 'not a message of this chat' }],
        });
    }
    // The sender's rows one at a time, so that two requests never both pass the cap.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('scheduled_messages'), hashtext(${userId}))`;
    const pending = await tx.scheduledMessage.count({ where: { senderId: userId, status: 'pending' } });
    if (pending >= MAX_PENDING_SCHEDULED)
      throw new AppError('QUOTA_EXCEEDED', `At most ${MAX_PENDING_SCHEDULED} scheduled messages may wait at once`);
    const row = await tx.scheduledMessage.create({
      data: { chatId, senderId: userId, content: input.content, replyToId: input.replyToId, sendAt: input.sendAt },
      select,
    });
    await changed(tx, userId, chatId);
    return toScheduledDto(row);
  });
}

/** New text and/or time, only while it waits (CONFLICT once sent or failed). */
export async function changeScheduledMessage(
  db: Db,
  userId: string,
  scheduledId: string,
  change: ScheduledChangeInput,
): Promise<ScheduledMessageDto> {
  return db.$transaction(async (tx) => {
    const row = await lockOwn(tx, userId, scheduledId);
    if (row.status !== 'pending') throw notPending(row);
    const updated = await tx.scheduledMessage.update({
      where: { id: row.id },
      data: { content: change.content, sendAt: change.sendAt },
      select,
    });
    await changed(tx, userId, row.chatId);
    return toScheduledDto(updated);
  });
}

/**
 * Cancels a waiting message, or dismisses a failed or late-sent one: the row goes. A message sent
 * on time is no longer listed, so there is nothing to dismiss: CONFLICT (it was sent).
 */
export async function cancelScheduledMessage(db: Db, userId: string, scheduledId: string): Promise<void> {
  await db.$transaction(async (tx) => {
    const row = await lockOwn(tx, userId, scheduledId);
    if (row.status === 'sent' && !isLate(row)) throw notPending(row);
    await tx.scheduledMessage.delete({ where: { id: row.id } });
    await changed(tx, userId, row.chatId);
  });
}

/** Sends a waiting message now, exactly as the job would at its time. */
export async function sendScheduledMessageNow(
  db: Db,
  userId: string,
  scheduledId: string,
): Promise<ScheduledMessageDto> {
  return db.$transaction(async (tx) => {
    const row = await lockOwn(tx, userId, scheduledId);
    if (row.status !== 'pending') throw notPending(row);
    const [done] = await sendLocked(tx, [row]);
    return done!;
  });
}

export interface DueSendResult {
  /** Rows this call claimed (at most `limit`): when it is `limit`, more may be due. */
  claimed: number;
  sent: number;
  failed: Array<{ id: string; code: ScheduledFailureCode }>;
}

/**
 * Sends the scheduled messages due at `now` (the database's clock by default), at most `limit`,
 * those no other node is sending at this moment. A failure that is not the message's fault (the
 * database) rolls the whole group back: every row stays pending for the next call, with one more
 * attempt counted (SCHEDULED_MAX_ATTEMPTS of them fail it SEND_FAILED), and the error is thrown.
 */
export async function sendDueScheduledMessages(db: Db, options: { now?: Date; limit: number }): Promise<DueSendResult> {
  const now = options.now ?? null;
  // Cheap when nothing is due (every node asks every second): one index probe, no transaction.
  const [due] = await db.$queryRaw<Array<{ any: boolean }>>`
    SELECT EXISTS (SELECT 1 FROM scheduled_messages
                   WHERE status = 'pending' AND send_at <= coalesce(${now}::timestamptz, now())) AS any`;
  if (!due?.any) return { claimed: 0, sent: 0, failed: [] };

  let claimedIds: string[] = [];
  try {
    return await db.$transaction(
      async (tx) => {
        // Exactly once: SKIP LOCKED hands each due row to one node at a time, and its message, its
        // messages_created event and its 'sent' mark commit together in this transaction (or not at
        // all); the clientMessageId 'scheduled-<id>' is the unique index's second guard.
        const ids = await tx.$queryRaw<Array<{ id: string }>>`
          SELECT id FROM scheduled_messages
          WHERE status = 'pending' AND send_at <= coalesce(${now}::timestamptz, now())
          ORDER BY send_at, id LIMIT ${options.limit}
          FOR UPDATE SKIP LOCKED`;
        claimedIds = ids.map((r) => r.id);
        if (claimedIds.length === 0) return { claimed: 0, sent: 0, failed: [] };
        const rows = await tx.scheduledMessage.findMany({
          where: { id: { in: claimedIds } },
          select,
          orderBy: [{ sendAt: 'asc' }, { id: 'asc' }],
        });
        const done = await sendLocked(tx, rows);
        const failed = done.flatMap((d) => (d.status === 'failed' ? [{ id: d.id, code: d.failureCode! }] : []));
        return { claimed: rows.length, sent: done.length - failed.length, failed };
      },
      { timeout: 30_000 },
    );
  } catch (error) {
    if (claimedIds.length) await countFailedAttempt(db, claimedIds).catch(() => {});
    throw error;
  }
}

/** One more attempt for each of these rows; those out of attempts fail SEND_FAILED. */
async function countFailedAttempt(db: Db, ids: string[]): Promise<void> {
  await db.$transaction(async (tx) => {
    const given = await tx.$queryRaw<Array<{ sender_id: string; chat_id: string | null; status: string }>>`
      UPDATE scheduled_messages
      SET attempts = attempts + 1, updated_at = now(),
          status = CASE WHEN attempts + 1 >= ${SCHEDULED_MAX_ATTEMPTS} THEN 'failed'::scheduled_message_status ELSE status END,
          failure_code = CASE WHEN attempts + 1 >= ${SCHEDULED_MAX_ATTEMPTS} THEN 'SEND_FAILED' ELSE failure_code END
      WHERE id = ANY(${ids}::text[]) AND status = 'pending'
      RETURNING sender_id, chat_id, status::text AS status`;
    for (const row of given.filter((r) => r.status === 'failed')) await changed(tx, row.sender_id, row.chat_id);
  });
}

/**
 * Sends rows this transaction holds locked and marks each sent or failed, in the transaction.
 * Throws when a send failed for a reason that is not the message's (the database): the caller's
 * transaction then rolls back whole, so nothing is half done.
 */
async function sendLocked(tx: Tx, rows: Row[]): Promise<ScheduledMessageDto[]> {
  const outcomes = new Map<string, { sent: SentMessage } | { code: ScheduledFailureCode }>();
  const sendable = rows.filter((row) => {
    if (row.chatId) return true;
    outcomes.set(row.id, { code: 'CHAT_GONE' });
    return false;
  });
  const requests = sendable.map((row) => ({
    senderId: row.senderId,
    input: {
      chatId: row.chatId!,
      content: row.content,
      clientMessageId: scheduledClientMessageId(row.id),
      ...(row.replyToId ? { replyToId: row.replyToId } : {}),
    } satisfies SendMessageInput,
  }));
  const results = requests.length ? await sendMessages(tx, requests) : [];
  results.forEach((result, i) => {
    const row = sendable[i]!;
    if (result.ok) return outcomes.set(row.id, { sent: result.sent });
    const code = failureCodeOf(result.error);
    if (!code) throw result.error;
    outcomes.set(row.id, { code });
  });

  const done: ScheduledMessageDto[] = [];
  const told = new Set<string>();
  for (const row of rows) {
    const outcome = outcomes.get(row.id)!;
    const updated = await tx.scheduledMessage.update({
      where: { id: row.id },
      data:
        'sent' in outcome
          ? {
              status: 'sent',
              sentMessageId: outcome.sent.message.id,
              // The message's own time: "late" is measured against when it really went out.
              sentAt: new Date(outcome.sent.message.createdAt),
              attempts: { increment: 1 },
            }
          : { status: 'failed', failureCode: outcome.code, attempts: { increment: 1 } },
      select,
    });
    done.push(toScheduledDto(updated));
    const key = `${row.senderId}\u0000${row.chatId}`;
    if (!told.has(key)) {
      told.add(key);
      await changed(tx, row.senderId, row.chatId);
    }
  }
  return done;
}

/** The idempotency key of a scheduled message's send (clientMessageIdSchema's alphabet). */
export const scheduledClientMessageId = (scheduledId: string) => `scheduled-${scheduledId}`;

/** The failure code of a send refused for the message's own reason; null for any other error. */
function failureCodeOf(error: unknown): ScheduledFailureCode | null {
  if (!(error instanceof AppError)) return null;
  switch (error.code) {
    case 'NOT_FOUND':
      // The chat exists (chatId was not set null) but the sender is not in it.
      return 'NOT_MEMBER';
    case 'VALIDATION': {
      const details = error.extra.details as Array<{ path?: string[] }> | undefined;
      return details?.[0]?.path?.[0] === 'replyToId' ? 'REPLY_GONE' : 'INVALID';
    }
    case 'BLOCKED':
      // The other member blocked the sender (blocks.ts): the send was refused under the chat's lock.
      return 'BLOCKED';
    case 'FORBIDDEN':
    case 'CONFLICT':
      return 'INVALID';
    default:
      return null;
  }
}
