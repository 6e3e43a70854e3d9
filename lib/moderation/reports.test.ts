// Reports on the real database: the report keeps the message as it was (a later edit and unsend
// change nothing), is written to the audit log with it, and only an ADMIN lists and resolves
// reports; bad input (an unknown reason, a message of another chat, one's own message, a chat
// one is not in) is refused with nothing written.
import { describe, expect, it } from 'vitest';
import { db } from '../db';
import { createChat, createUser } from '../../test/fixtures';
import { editMessage, unsendMessage } from '../chat/message-changes';
import { sendMessage } from '../chat/send-messages';
import { parseInput } from '../validation';
import { createReport, listReports, resolveReport } from './reports';
import { reportInputSchema } from './schemas';

const noStorage = { delete: async () => {} } as unknown as Parameters<typeof unsendMessage>[1];

const counts = async () => ({
  reports: await db.messageReport.count(),
  audit: await db.auditLog.count({ where: { action: { startsWith: 'REPORT_' } } }),
});

describe('reports', () => {
  it('keeps the message as it was, audits, and an admin lists and resolves it', async () => {
    const { guest, owner, chat } = await createChat(db);
    const admin = await createUser(db, 'ADMIN');
    const sent = await sendMessage(db, owner.id, { chatId: chat.id, content: 'send me your card number' });

    const receipt = await createReport(
      db,
      guest.id,
      parseInput(reportInputSchema, { chatId: chat.id, messageId: sent.message.id, reason: 'scam', note: '  fishy ' }),
    );
    expect(receipt).toMatchObject({ status: 'open' });
    // The sender edits, then unsends: the report keeps what was reported.
    await editMessage(db, owner.id, { chatId: chat.id, messageId: sent.message.id, content: 'never mind' });
    await unsendMessage(db, noStorage, owner.id, { chatId: chat.id, messageId: sent.message.id });

    const [listed] = (await listReports(db, admin.id, 'open')).filter((r) => r.id === receipt.id);
    expect(listed).toMatchObject({
      reason: 'scam',
      note: 'fishy',
      chatId: chat.id,
      messageId: sent.message.id,
      contentSnapshot: 'send me your card number',
      messageSentAt: sent.message.createdAt,
      reporter: { id: guest.id },
      reportedUser: { id: owner.id },
      status: 'open',
    });
    const audit = await db.auditLog.findFirstOrThrow({ where: { action: 'REPORT_CREATED', actorId: guest.id } });
    expect(audit.details).toMatchObject({ reportId: receipt.id, messageId: sent.message.id, reason: 'scam' });

    // A report of the user, with no message.
    const ofUser = await createReport(db, owner.id, { chatId: chat.id, reason: 'harassment' });
    const row = await db.messageReport.findUniqueOrThrow({ where: { id: ofUser.id } });
    expect(row).toMatchObject({ reportedUserId: guest.id, messageId: null, contentSnapshot: null });

    const resolved = await resolveReport(db, admin.id, receipt.id, { note: 'warned the host' });
    expect(resolved).toMatchObject({
      status: 'resolved',
      resolutionNote: 'warned the host',
      resolvedBy: { id: admin.id },
    });
    expect((await listReports(db, admin.id, 'open')).map((r) => r.id)).not.toContain(receipt.id);
    await expect(resolveReport(db, admin.id, receipt.id, {})).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await db.auditLog.count({ where: { action: 'REPORT_RESOLVED', actorId: admin.id } })).toBe(1);
  });

  it('refuses non-admins the list and resolution, and changes nothing', async () => {
    const { guest, owner, chat } = await createChat(db);
    const receipt = await createReport(db, guest.id, { chatId: chat.id, reason: 'spam' });
    for (const user of [guest, owner]) {
      await expect(listReports(db, user.id, 'open')).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await expect(resolveReport(db, user.id, receipt.id, {})).rejects.toMatchObject({ code: 'FORBIDDEN' });
    }
    expect(await db.messageReport.findUniqueOrThrow({ where: { id: receipt.id } })).toMatchObject({ status: 'open' });
  });

  it('refuses bad reports with coded errors and writes nothing', async () => {
    const { guest, chat } = await createChat(db);
    const elsewhere = await createChat(db);
    const foreign = await sendMessage(db, elsewhere.owner.id, { chatId: elsewhere.chat.id, content: 'not yours' });
    const own = await sendMessage(db, guest.id, { chatId: chat.id, content: 'mine' });
    const stranger = await createUser(db);
    const before = await counts();

    expect(() => parseInput(reportInputSchema, { chatId: chat.id, reason: 'boring' })).toThrow(
      expect.objectContaining({
        code: 'VALIDATION',
        extra: { details: [expect.objectContaining({ path: ['reason'] })] },
      }),
    );
    expect(() => parseInput(reportInputSchema, { chatId: chat.id, reason: 'other', note: 'x'.repeat(1001) })).toThrow(
      expect.objectContaining({
        code: 'VALIDATION',
        extra: { details: [expect.objectContaining({ path: ['note'] })] },
      }),
    );
    await expect(
      createReport(db, guest.id, { chatId: chat.id, messageId: foreign.message.id, reason: 'spam' }),
    ).rejects.toMatchObject({ code: 'VALIDATION', extra: { details: [{ path: ['messageId'] }] } });
    await expect(
      createReport(db, guest.id, { chatId: chat.id, messageId: own.message.id, reason: 'spam' }),
    ).rejects.toMatchObject({ code: 'VALIDATION', extra: { details: [{ path: ['messageId'] }] } });
    await expect(createReport(db, stranger.id, { chatId: chat.id, reason: 'spam' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await counts()).toEqual(before);
  });
});
