// Parses untrusted input with a shared zod schema; failure is a VALIDATION AppError listing
// each problem by path, so every entry point (REST, socket) reports bad input the same way.
// Also owns the rule of which characters free text shown to other users may not contain.
import type { z } from 'zod';
import { AppError } from './errors';

export function parseInput<S extends z.ZodType>(schema: S, value: unknown, what = 'input'): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const details = issueDetails(result.error.issues);
  const first = details[0];
  const where = first && first.path.length ? `${first.path.join('.')}: ` : '';
  return failValidation(`Invalid ${what}: ${where}${first?.message ?? 'invalid'}`, details);
}

/** zod's issues as the `details` of a VALIDATION error: `[{ path: ['password'], message }]`. */
export function issueDetails(issues: readonly z.core.$ZodIssue[]): Array<{ path: string[]; message: string }> {
  return issues.map((issue) => ({ path: issue.path.map(String), message: issue.message }));
}

function failValidation(message: string, details: unknown): never {
  throw new AppError('VALIDATION', message, { details });
}

// Characters that let a text look like something it is not when shown to another user: control
// characters (C0 incl. NUL, tab and line breaks, DEL, C1, and the Unicode line/paragraph
// separators) fake extra lines; bidirectional overrides, embeddings, isolates and marks reorder
// what is displayed ("evil\u202Etxt.exe"); zero-width characters hide text or make look-alike
// names. NUL also cannot be stored in a PostgreSQL text column. One rule for every free text a
// user shows to others (names now; message content may reuse it with its own allowances).
const UNSAFE_CHARACTER_KINDS = [
  {
    kind: 'control',
    pattern: /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u,
    message: 'must not contain control characters such as line breaks or tabs',
  },
  {
    kind: 'bidi',
    pattern: /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u,
    message: 'must not contain text-direction control characters',
  },
  {
    kind: 'zero-width',
    pattern: /[\u180e\u200b-\u200d\u2060\ufeff]/u,
    message: 'must not contain zero-width (invisible) characters',
  },
] as const;

// The characters that show nothing by themselves (direction controls and zero-width characters).
const INVISIBLE = new RegExp(
  UNSAFE_CHARACTER_KINDS.filter(({ kind }) => kind !== 'control')
    .map(({ pattern }) => pattern.source)
    .join('|'),
  'gu',
);

/** The text a reader would see: without invisible characters and surrounding white space. */
export function visibleText(text: string): string {
  return text.replace(INVISIBLE, '').trim();
}

/** For a zod `.superRefine()`: reports the first kind of unsafe character on the field being checked. */
export function refuseUnsafeCharacters(text: string, ctx: z.RefinementCtx<string>): void {
  const found = UNSAFE_CHARACTER_KINDS.find(({ pattern }) => pattern.test(text));
  if (found) ctx.addIssue({ code: 'custom', message: found.message });
}
