// POST /api/auth/signup: a guest creates an account (then signs in through next-auth).
import { db } from '@/lib/db';
import { registerGuest } from '@/lib/auth/accounts';
import { signUpSchema } from '@/lib/auth/schemas';
import { ok, readJson, respond } from '@/lib/http/respond';
import { parseInput } from '@/lib/validation';

export function POST(request: Request) {
  return respond(async () => {
    const input = parseInput(signUpSchema, await readJson(request), 'sign-up');
    return ok(await registerGuest(db, input), 201);
  });
}
