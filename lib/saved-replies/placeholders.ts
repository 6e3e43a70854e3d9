// The placeholders of quick replies, and filling them in: shared by the server (validation) and
// the composer (filling), so both know the same names.
import { z } from 'zod';

export const PLACEHOLDERS = ['guest_name', 'property_name', 'host_name'] as const;
export type PlaceholderValues = Record<(typeof PLACEHOLDERS)[number], string>;

const PLACEHOLDER = /\{([a-z_]+)\}/g;

/** The `{names}` of a text that are not placeholders, each once. */
export function unknownPlaceholders(text: string): string[] {
  const found = [...text.matchAll(PLACEHOLDER)].map((m) => m[1]!);
  return [...new Set(found.filter((name) => !(PLACEHOLDERS as readonly string[]).includes(name)))];
}

/** The text with every placeholder replaced by its value. */
export function fillPlaceholders(text: string, values: PlaceholderValues): string {
  return text.replace(PLACEHOLDER, (whole, name: string) =>
    name in values ? values[name as keyof PlaceholderValues] : whole,
  );
}

export const MAX_SAVED_REPLY_TITLE = 80;
export const MAX_SAVED_REPLY_BODY = 2000;

const body = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(MAX_SAVED_REPLY_BODY, `must be at most ${MAX_SAVED_REPLY_BODY} characters`)
  .refine((v) => !v.includes('\u0000'), 'must not contain NUL characters')
  .superRefine((v, ctx) => {
    const unknown = unknownPlaceholders(v);
    if (unknown.length)
      ctx.addIssue({
        code: 'custom',
        message: `unknown placeholder ${unknown.map((n) => `{${n}}`).join(', ')}: use ${PLACEHOLDERS.map((n) => `{${n}}`).join(', ')}`,
      });
  });
const title = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(MAX_SAVED_REPLY_TITLE, `must be at most ${MAX_SAVED_REPLY_TITLE} characters`);

export const savedReplyInputSchema = z.object({ title, body });
export type SavedReplyInput = z.infer<typeof savedReplyInputSchema>;
/** A change: new text, and/or a move one place up or down in the host's order. */
export const savedReplyChangeSchema = z
  .object({ title: title.optional(), body: body.optional(), move: z.enum(['up', 'down']).optional() })
  .refine((v) => v.title !== undefined || v.body !== undefined || v.move !== undefined, {
    message: 'give title, body or move',
    path: ['title'],
  });
export type SavedReplyChange = z.infer<typeof savedReplyChangeSchema>;
export const savedReplyParamsSchema = z.object({ replyId: z.string().regex(/^[a-z0-9]{8,64}$/, 'must be an id') });
