// Parses untrusted input with a shared zod schema; failure is a VALIDATION AppError listing
// each problem by path, so every entry point (REST, socket) reports bad input the same way.
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
