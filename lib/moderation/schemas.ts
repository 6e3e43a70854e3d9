// Wire payloads of reports (reports.ts), shared by the routes and the browser's report dialog.
import { z } from 'zod';

export const REPORT_REASONS = ['spam', 'harassment', 'scam', 'inappropriate', 'other'] as const;
export type ReportReasonCode = (typeof REPORT_REASONS)[number];
/** How the dialog and the admin page name each reason. */
export const REPORT_REASON_LABELS: Record<ReportReasonCode, string> = {
  spam: 'Spam',
  harassment: 'Harassment or hate',
  scam: 'Scam or fraud',
  inappropriate: 'Inappropriate content',
  other: 'Something else',
};
export const MAX_REPORT_NOTE_LENGTH = 1000;

const id = z.string().regex(/^[a-z0-9]{8,64}$/, 'must be an id');
// Blank is "no note"; NUL cannot be stored in a text column.
const note = z
  .string()
  .max(MAX_REPORT_NOTE_LENGTH, `must be at most ${MAX_REPORT_NOTE_LENGTH} characters`)
  .refine((v) => !v.includes('\u0000'), 'must not contain NUL characters')
  .transform((v) => v.trim() || undefined)
  .optional();

/** A report of a message of the chat (messageId), or of the chat's other member (none). */
export const reportInputSchema = z.object({
  chatId: id,
  messageId: id.optional(),
  reason: z.enum(REPORT_REASONS),
  note,
});
export type ReportInput = z.infer<typeof reportInputSchema>;

export const resolveReportSchema = z.object({ note });
export type ResolveReportInput = z.infer<typeof resolveReportSchema>;

export const reportListQuerySchema = z.object({ status: z.enum(['open', 'resolved']).default('open') });
export const reportIdParamsSchema = z.object({ reportId: id });
