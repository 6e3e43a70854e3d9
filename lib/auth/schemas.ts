// Account payloads (sign-up, sign-in), shared by the pages and the route handlers.
import { z } from 'zod';
import { refuseUnsafeCharacters } from '../validation';

export const credentialsSchema = z.object({
  email: z.string().trim().toLowerCase().email('must be an email address').max(254),
  password: z.string().min(1).max(200),
});

export const signUpSchema = z.object({
  email: z.string().trim().toLowerCase().email('must be an email address').max(254),
  name: z.string().trim().min(1, 'is required').max(80).superRefine(refuseUnsafeCharacters),
  password: z.string().min(8, 'must be at least 8 characters').max(200),
});
export type SignUpInput = z.infer<typeof signUpSchema>;
