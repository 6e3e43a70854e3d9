// Reports for moderation: a member reports a message of their chat, or the chat's other member,
// with a reason and an optional note. The report keeps a copy of the message as it was when
// reported (text, sender, time): a later edit, unsend or archive leaves the report as filed.
// Filing and resolving each write the report and an audit_logs row in one transaction. Only
// ADMIN users list and resolve reports; the role is read from the database on every call, so a
// role taken away takes effect at once.
import type { Db } from '../db';
import { getChatForMember } from '../chat/access';
import { AppError, notFound } from '../errors';
import type { ReportInput, ResolveReportInput } from './schemas';

export const REPORT_AUDIT = { created: 'REPORT_CREATED', resolved: 'REPORT_RESOLVED' } as const;

const person = { select: { id: true, name: true, email: true } } as const;
const reportSelect = {
  id: true,
  chatId: true,
  messageId: true,
  reason: true,
  note: true,
  contentSnapshot: true,
  messageSentAt: true,
  status: true,
  resolvedAt: true,
  resolutionNote: true,
  createdAt: true,
  reporter: person,
  reportedUser: person,
  resolvedBy: person,
  chat: { select: { property: { select: { id: true, name: true } } } },
} as const;

/** What the reporter is told: the report is stored and open. */
export interface ReportReceipt {
  id: string;
  status: 'open';
  createdAt: string;
}

/**
 * Files a report. NOT_FOUND when the user is not a member of the chat; VALIDATION at `messageId`
 * for a message that is not of this chat or is the reporter's own. Nothing is written then.
 */
export async function createReport(db: Db, reporterId: string, input: ReportInput): Promise<ReportReceipt> {
  const chat = await getChatForMember(db, reporterId, input.chatId);
  let snapshot: { senderId: string; content: string; createdAt: Date } | null = null;
  if (input.messageId) {
    // The view: a message archived since it was shown can still be reported.
    const [message] = await db.$queryRaw<Array<{ sender_id: string; content: string; created_at: Date }>>`
      SELECT sender_id, content, created_at FROM chat_messages WHERE id = ${input.messageId} AND chat_id = ${chat.id}`;
    if (!message) {
      throw new AppError('VALIDATION', 'The reported message is not a message of this chat', {
        details: [{ path: ['messageId'], message: 'not a message of this chat' }],
      });
    }
    if (message.sender_id === reporterId) {
      throw new AppError('VALIDATION', 'You cannot report your own message', {
        details: [{ path: ['messageId'], message: 'your own message' }],
      });
    }
    snapshot = { senderId: message.sender_id, content: message.content, createdAt: message.created_at };
  }
  const reportedUserId = snapshot?.senderId ?? chat.otherUserId;
  return db.$transaction(async (tx) => {
    const report = await tx.messageReport.create({
      data: {
        reporterId,
        chatId: chat.id,
        messageId: input.messageId ?? null,
        reportedUserId,
        reason: input.reason,
        note: input.note ?? null,
        contentSnapshot: snapshot?.content ?? null,
        messageSentAt: snapshot?.createdAt ?? null,
      },
      select: { id: true, createdAt: true },
    });
    await tx.auditLog.create({
      data: {
        action: REPORT_AUDIT.created,
        actorId: reporterId,
        details: {
          reportId: report.id,
          chatId: chat.id,
          messageId: input.messageId ?? null,
          reportedUserId,
          reason: input.reason,
        },
      },
    });
    return { id: report.id, status: 'open' as const, createdAt: report.createdAt.toISOString() };
  });
}

/** FORBIDDEN unless the user is an ADMIN now. */
export async function requireAdmin(db: Pick<Db, 'user'>, userId: string): Promise<void> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { role: true } });
  if (user?.role !== 'ADMIN') throw new AppError('FORBIDDEN', 'Only moderators see reports');
}

export async function isAdmin(db: Pick<Db, 'user'>, userId: string): Promise<boolean> {
  return requireAdmin(db, userId).then(
    () => true,
    () => false,
  );
}

/** Reports of a status for an admin, oldest first (open ones wait longest at the top); at most 200. */
export async function listReports(db: Db, adminId: string, status: 'open' | 'resolved') {
  await requireAdmin(db, adminId);
  const rows = await db.messageReport.findMany({
    where: { status },
    orderBy: [{ createdAt: status === 'open' ? 'asc' : 'desc' }, { id: 'asc' }],
    take: 200,
    select: reportSelect,
  });
  return rows.map(toReportDto);
}

export type ReportDto = ReturnType<typeof toReportDto>;

function toReportDto(row: Awaited<ReturnType<typeof findReport>>) {
  const { chat, ...rest } = row;
  return {
    ...rest,
    property: chat?.property ?? null,
    messageSentAt: row.messageSentAt?.toISOString() ?? null,
    resolvedAt: row.resolvedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

const findReport = (db: Db, id: string) => db.messageReport.findUniqueOrThrow({ where: { id }, select: reportSelect });

/**
 * Resolves an open report with an optional note. NOT_FOUND for no such report, CONFLICT when it
 * was resolved already (by someone else meanwhile: the conditional UPDATE decides).
 */
export async function resolveReport(db: Db, adminId: string, reportId: string, input: ResolveReportInput) {
  await requireAdmin(db, adminId);
  await db.$transaction(async (tx) => {
    const { count } = await tx.messageReport.updateMany({
      where: { id: reportId, status: 'open' },
      data: { status: 'resolved', resolvedById: adminId, resolvedAt: new Date(), resolutionNote: input.note ?? null },
    });
    if (count === 0) {
      const exists = await tx.messageReport.findUnique({ where: { id: reportId }, select: { id: true } });
      if (!exists) throw notFound('Report');
      throw new AppError('CONFLICT', 'This report was already resolved');
    }
    await tx.auditLog.create({
      data: { action: REPORT_AUDIT.resolved, actorId: adminId, details: { reportId, note: input.note ?? null } },
    });
  });
  return toReportDto(await findReport(db, reportId));
}
