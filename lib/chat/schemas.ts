// Wire payloads of the chat domain, as zod schemas shared by the route handlers, the realtime
// server and the browser client. TypeScript types are inferred from them, never retyped.
import { z } from 'zod';
import { visibleText } from '../validation';

export const MAX_CONTENT_LENGTH = 4000;
export const MAX_ATTACHMENTS = 10;
export const MAX_ATTACHMENT_URL_LENGTH = 2048;
export const MAX_ATTACHMENT_TYPE_LENGTH = 100;
export const MAX_MARK_READ_IDS = 500;
export const HISTORY_PAGE_DEFAULT = 50;
export const HISTORY_PAGE_MAX = 100;
/** A typing notice is relayed at most this often per user and chat… */
export const TYPING_THROTTLE_MS = 2_000;
/** …and shows for this long unless renewed or ended. */
export const TYPING_TTL_MS = 5_000;

const id = z.string().regex(/^[a-z0-9]{8,64}$/, 'must be an id');

/** A client's idempotency key for a send: the same key from the same sender is stored once. */
export const clientMessageIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'may hold only letters, digits, "-" and "_"');

/**
 * An attachment named by URL, as the seed client sends it (`{ url: 'https://…/file.jpg', type:
 * 'image' }`). Only its form is checked here (this module runs in the browser too); the server
 * checks where the URL points when the message is sent (lib/attachments/attachment-urls.ts), and
 * fetches it on the first read. `type` is the client's word until then.
 */
export const urlAttachmentSchema = z.object({
  url: z
    .string()
    .min(1)
    .max(MAX_ATTACHMENT_URL_LENGTH, `must be at most ${MAX_ATTACHMENT_URL_LENGTH} characters`)
    .refine((v) => !v.includes('\u0000'), 'must not contain NUL characters'),
  type: z
    .string()
    .min(1)
    .max(MAX_ATTACHMENT_TYPE_LENGTH, `must be at most ${MAX_ATTACHMENT_TYPE_LENGTH} characters`)
    // Shown as the file's type until it is fetched: no control characters (nor NUL, which
    // PostgreSQL text cannot hold).
    .refine((v) => !/\p{Cc}/u.test(v), 'must not contain control characters'),
});
export type UrlAttachment = z.infer<typeof urlAttachmentSchema>;

// Shared by the socket payload (which names the chat) and the REST body (whose path does).
const messageFields = {
  content: z
    .string()
    .max(MAX_CONTENT_LENGTH, `must be at most ${MAX_CONTENT_LENGTH} characters`)
    // PostgreSQL text cannot hold NUL: refuse it here as bad input, not later as a server error.
    .refine((v) => !v.includes('\u0000'), 'must not contain NUL characters'),
  propertyId: id.optional(),
  // File ids returned by POST /api/attachments, and files named by URL; at most MAX_ATTACHMENTS
  // of both together.
  attachments: z
    .array(z.union([id, urlAttachmentSchema]))
    .max(MAX_ATTACHMENTS, `at most ${MAX_ATTACHMENTS} attachments`)
    .optional(),
  clientMessageId: clientMessageIdSchema.optional(),
  // A quoted reply: the earlier message of the same chat it answers.
  replyToId: id.optional(),
};
const hasTextOrAttachment: [
  (v: { content: string; attachments?: unknown[] }) => boolean,
  { message: string; path: string[] },
] = [
  // Text of nothing but zero-width or direction characters shows as an empty bubble: not text.
  (v) => visibleText(v.content).length > 0 || (v.attachments?.length ?? 0) > 0,
  { message: 'a message needs text or an attachment', path: ['content'] },
];

export const sendMessageSchema = z.object({ chatId: id, ...messageFields }).refine(...hasTextOrAttachment);
export type SendMessageInput = z.infer<typeof sendMessageSchema>;
export const sendMessageBodySchema = z.object(messageFields).refine(...hasTextOrAttachment);

const readFields = {
  messageIds: z.array(id).min(1).max(MAX_MARK_READ_IDS).optional(),
  // "Everything up to and including this message."
  upToMessageId: id.optional(),
};
const exactlyOneReadTarget: [
  (v: { messageIds?: string[]; upToMessageId?: string }) => boolean,
  { message: string; path: string[] },
] = [
  (v) => (v.messageIds ? 1 : 0) + (v.upToMessageId ? 1 : 0) === 1,
  { message: 'give either messageIds or upToMessageId', path: ['messageIds'] },
];

export const markReadSchema = z.object({ chatId: id, ...readFields }).refine(...exactlyOneReadTarget);
export type MarkReadInput = z.infer<typeof markReadSchema>;
export const markReadBodySchema = z.object(readFields).refine(...exactlyOneReadTarget);

const positiveInt = (max: number) =>
  z.string().regex(/^\d+$/, 'must be a whole number').transform(Number).pipe(z.number().int().min(1).max(max));

export const listMessagesQuerySchema = z
  .object({
    limit: positiveInt(HISTORY_PAGE_MAX).default(HISTORY_PAGE_DEFAULT),
    before: z.string().max(200).optional(),
    after: z.string().max(200).optional(),
    // A page with this message in its middle (a quote's original, a search hit): the thread opens there.
    around: id.optional(),
    // The seed's offset paging, kept for compatibility (1-based).
    page: positiveInt(1_000_000).optional(),
  })
  .refine((v) => !(v.around && (v.before || v.after || v.page)), {
    message: 'around cannot be combined with before, after or page',
    path: ['around'],
  })
  .refine((v) => !(v.before && v.after), { message: 'give before or after, not both', path: ['after'] })
  .refine((v) => !(v.page && v.after), { message: 'page cannot be combined with after', path: ['page'] });
export type ListMessagesQuery = z.infer<typeof listMessagesQuerySchema>;

export const openChatSchema = z.object({ propertyId: id });

/** A member stars or archives a chat for themselves (either, or both). */
export const chatPreferencesSchema = z
  .object({ starred: z.boolean().optional(), archived: z.boolean().optional() })
  .refine((v) => v.starred !== undefined || v.archived !== undefined, {
    message: 'give starred or archived',
    path: ['starred'],
  });
export type ChatPreferencesInput = z.infer<typeof chatPreferencesSchema>;
export type OpenChatInput = z.infer<typeof openChatSchema>;

export const chatIdParamsSchema = z.object({ chatId: id });
export const fileIdParamsSchema = z.object({ fileId: id });

export const typingSchema = z.object({ chatId: id, isTyping: z.boolean() });
/** Chats a client acknowledges at once (one event for all of them: it does not spend a budget per chat). */
export const MAX_DELIVERY_CLAIMS = 100;
/** The client has each chat's messages up to the one named (sent to the user): delivery receipts. */
export const markDeliveredSchema = z.object({
  claims: z
    .array(z.object({ chatId: id, messageId: id }))
    .min(1)
    .max(MAX_DELIVERY_CLAIMS),
});
/** A client acknowledges delivered messages at most this often per chat (a realtime node writes them in batches). */
export const DELIVERY_RECEIPT_INTERVAL_MS = 2_000;
export const joinChatSchema = z.object({ chatId: id });

/** A sender may edit their message this long after sending it (server time of sending)… */
export const EDIT_WINDOW_MINUTES = 15;
/** …and unsend it this long after. */
export const UNSEND_WINDOW_HOURS = 24;

// An edit replaces the text (its attachments stay); it needs visible text, as a send without
// attachments does: to remove a message, unsend it.
const editedContent = messageFields.content.refine((v) => visibleText(v).length > 0, 'an edit needs text');
// The message is named by its id, or (its sender only) by the clientMessageId it was sent with:
// a change queued in a browser while its send was still on the way knows no id yet.
const changeTarget = { chatId: id, messageId: id.optional(), clientMessageId: clientMessageIdSchema.optional() };
const exactlyOneTarget: [
  (v: { messageId?: string; clientMessageId?: string }) => boolean,
  { message: string; path: string[] },
] = [
  (v) => (v.messageId ? 1 : 0) + (v.clientMessageId ? 1 : 0) === 1,
  { message: 'give either messageId or clientMessageId', path: ['messageId'] },
];
export const editMessageSchema = z.object({ ...changeTarget, content: editedContent }).refine(...exactlyOneTarget);
export type EditMessageInput = z.infer<typeof editMessageSchema>;
export const editMessageBodySchema = z.object({ content: editedContent });
export const unsendMessageSchema = z.object(changeTarget).refine(...exactlyOneTarget);
export type UnsendMessageInput = z.infer<typeof unsendMessageSchema>;
export const messageParamsSchema = z.object({ chatId: id, messageId: id });

/** The change cursor a history page returns (`changeCursor`): changes after it are asked with this. */
export const messageChangesQuerySchema = z.object({
  changedAfter: z.string().regex(/^\d{1,18}$/, 'must be a change cursor from a history page'),
});

/** The reactions a member may put on a message: a small fixed set, one of each per user and message. */
export const REACTIONS = ['👍', '❤️', '😂', '😮', '🙏'] as const;
export type Reaction = (typeof REACTIONS)[number];
/**
 * Puts a reaction on (`on: true`) or takes it off a message of the chat: a state, not a toggle,
 * so a retry never flips it back.
 */
export const reactSchema = z
  .object({ ...changeTarget, emoji: z.enum(REACTIONS), on: z.boolean() })
  .refine(...exactlyOneTarget);
export type ReactInput = z.infer<typeof reactSchema>;
export const reactBodySchema = z.object({ emoji: z.enum(REACTIONS), on: z.boolean() });

/** A search's text: long enough to have a trigram (so an index serves it), short enough to be a query. */
export const SEARCH_QUERY_MIN_LENGTH = 3;
export const SEARCH_QUERY_MAX_LENGTH = 200;
export const SEARCH_PAGE_DEFAULT = 20;
export const SEARCH_PAGE_MAX = 50;
/** GET /api/search: `q` is matched as typed (no operators, `%` and `_` are plain characters). */
export const searchQuerySchema = z.object({
  q: z
    .string()
    .trim()
    .min(SEARCH_QUERY_MIN_LENGTH, `must be at least ${SEARCH_QUERY_MIN_LENGTH} characters`)
    .max(SEARCH_QUERY_MAX_LENGTH, `must be at most ${SEARCH_QUERY_MAX_LENGTH} characters`)
    .refine((v) => !/\p{Cc}/u.test(v), 'must not contain control characters'),
  // The `nextCursor` of the previous page of results.
  cursor: z.string().max(200).optional(),
  limit: positiveInt(SEARCH_PAGE_MAX).default(SEARCH_PAGE_DEFAULT),
});
export type SearchQuery = z.infer<typeof searchQuerySchema>;

/** A message may be scheduled at most this far ahead… */
export const SCHEDULE_MAX_DAYS = 365;
/** …and a sender may have this many waiting at once (over all chats). */
export const MAX_PENDING_SCHEDULED = 100;

// Scheduled text follows a send's content rules; having no attachments, it needs visible text.
const scheduledContent = messageFields.content.refine(
  (v) => visibleText(v).length > 0,
  'a message needs text or an attachment',
);
// An ISO time with its offset (the browser sends its local choice as UTC), strictly in the future
// and at most SCHEDULE_MAX_DAYS ahead, by the clock of whoever parses it (the server decides).
const sendAtSchema = z.iso
  .datetime({ offset: true, message: 'must be an ISO date and time' })
  .transform((v) => new Date(v))
  .refine((d) => d.getTime() > Date.now(), 'must be in the future')
  .refine(
    (d) => d.getTime() <= Date.now() + SCHEDULE_MAX_DAYS * 24 * 60 * 60_000,
    `must be at most ${SCHEDULE_MAX_DAYS} days ahead`,
  );

/** POST /api/chats/:chatId/scheduled: a message to send at `sendAt`. */
export const scheduleMessageSchema = z.object({
  content: scheduledContent,
  replyToId: id.optional(),
  sendAt: sendAtSchema,
});
export type ScheduleMessageInput = z.infer<typeof scheduleMessageSchema>;
/** PATCH /api/scheduled/:scheduledId: new text, a new time, or both, while it waits. */
export const scheduledChangeSchema = z
  .object({ content: scheduledContent.optional(), sendAt: sendAtSchema.optional() })
  .refine((v) => v.content !== undefined || v.sendAt !== undefined, {
    message: 'give content or sendAt',
    path: ['content'],
  });
export type ScheduledChangeInput = z.infer<typeof scheduledChangeSchema>;
export const scheduledIdParamsSchema = z.object({ scheduledId: id });

/** A client's inbox is open and visible, or not (a hidden tab): no email for unread messages while it is. */
export const setVisibilitySchema = z.object({ visible: z.boolean() });
