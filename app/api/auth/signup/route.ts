// POST /api/auth/signup: a guest creates an account (then signs in through next-auth). Limited
// per client address: each sign-up costs a password hash. A taken email answers CONFLICT, so
// sign-up does reveal which emails have accounts (as most sites' sign-up forms do).
import { db } from '@/lib/db';
import { registerGuest } from '@/lib/auth/accounts';
import { signUpSchema } from '@/lib/auth/schemas';
import { clientAddress, consumeSignUpAttempt } from '@/lib/auth/sign-in-limits';
import { ok, readJson, respond } from '@/lib/http/respond';
import { parseInput } from '@/lib/validation';

export function POST(request: Request) {
  return respond(async () => {
    await consumeSignUpAttempt(clientAddress((name) => request.headers.get(name)));
    const input = parseInput(signUpSchema, await readJson(request), 'sign-up');
    return ok(await registerGuest(db, input), 201);
  });
}
