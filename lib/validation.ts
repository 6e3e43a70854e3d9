// Parses untrusted input with a shared zod schema; failure is a VALIDATION AppError listing
// each problem by path, so every entry point (REST, socket) reports bad input the same way.
import type { z } from 'zod';
import { AppError } from './errors';

export function parseInput<S extends z.ZodType>(schema: S, value: unknown, what = 'input'): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const details = result.error.issues.map((issue) => ({ path: issue.path.map(String), message: issue.message }));
  const first = details[0];
  const where = first && first.path.length ? `${first.path.join('.')}: ` : '';
  return failValidation(`Invalid ${what}: ${where}${first?.message ?? 'invalid'}`, details);
}

function failValidation(message: string, details: unknown): never {
  throw new AppError('VALIDATION', message, { details });
}
