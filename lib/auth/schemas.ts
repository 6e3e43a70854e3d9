// Account payloads (sign-up, sign-in), shared by the pages and the route handlers.
import { z } from 'zod';
import { refuseUnsafeCharacters } from '../validation';
import { isCommonPassword } from './common-passwords';

// bcrypt reads only the first 72 bytes of a password: anything after them would be ignored, so a
// longer password would sign in with any ending. New passwords are capped there; sign-in keeps
// accepting longer ones so accounts made before the cap still work.
const MAX_PASSWORD_BYTES = 72;

const utf8Length = (text: string) => new TextEncoder().encode(text).length;

export const credentialsSchema = z.object({
  email: z.string().trim().toLowerCase().email('must be an email address').max(254),
  password: z.string().min(1).max(200),
});

const passwordSchema = z
  .string()
  .min(8, 'must be at least 8 characters')
  .refine((password) => password.trim().length > 0, 'must not be only spaces')
  .refine(
    (password) => utf8Length(password) <= MAX_PASSWORD_BYTES,
    `must be at most ${MAX_PASSWORD_BYTES} bytes (letters with accents take 2, emoji 4)`,
  )
  .refine((password) => !isCommonPassword(password), 'is one of the most common passwords; choose another');

export const signUpSchema = z.object({
  email: z.string().trim().toLowerCase().email('must be an email address').max(254),
  name: z.string().trim().min(1, 'is required').max(80).superRefine(refuseUnsafeCharacters),
  password: passwordSchema,
});
export type SignUpInput = z.infer<typeof signUpSchema>;
