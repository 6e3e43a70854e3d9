// Signing in with email + password, as next-auth's Credentials authorize() runs it
// (lib/auth/options.ts): the limits of lib/auth/sign-in-limits.ts around the credentials check,
// then a new Session row. Kept apart from next-auth so it can be tested on its own.
import type { Db } from '../db';
import { checkCredentials } from './accounts';
import { credentialsSchema } from './schemas';
import { createSession, type AuthUser } from './sessions';
import type { SignInLimits } from './sign-in-limits';

/** The user and their new session, or null for wrong credentials; RATE_LIMITED when over a limit. */
export async function signInWithPassword(
  deps: { db: Db; limits: SignInLimits },
  credentials: unknown,
  client: { ip: string; userAgent?: string | null },
): Promise<AuthUser | null> {
  const parsed = credentialsSchema.safeParse(credentials);
  if (!parsed.success) return null;
  const { email, password } = parsed.data;
  await deps.limits.begin(email, client.ip);
  // A check that could not be made is no failed guess: five database errors must not lock the
  // address out of the account.
  const user = await checkCredentials(deps.db, email, password).catch(async (error: unknown) => {
    await deps.limits.abandoned(email, client.ip);
    throw error;
  });
  if (!user) {
    await deps.limits.failed(email, client.ip);
    return null;
  }
  await deps.limits.succeeded(email, client.ip);
  const session = await createSession(deps.db, user.id, client.userAgent);
  return { ...user, sessionId: session.id };
}
