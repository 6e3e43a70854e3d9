// Accounts: guests sign up themselves; owners come from the demo data (or an admin tool).
import { Prisma, type Db } from '../db';
import { AppError } from '../errors';
import { hashPassword, verifyPassword } from './password';
import type { SignUpInput } from './schemas';

export async function registerGuest(db: Db, input: SignUpInput) {
  const passwordHash = await hashPassword(input.password);
  try {
    return await db.user.create({
      data: { email: input.email, name: input.name, passwordHash, role: 'GUEST' },
      select: { id: true, email: true, name: true, role: true },
    });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
      throw new AppError('CONFLICT', 'An account with this email already exists');
    }
    throw error;
  }
}

// Compared against when the email is unknown, so a wrong email costs as much as a wrong password.
let dummyHash: Promise<string> | undefined;

/** The user for these credentials, or null; takes the same time for unknown emails. */
export async function checkCredentials(db: Db, email: string, password: string) {
  const user = await db.user.findUnique({
    where: { email },
    select: { id: true, email: true, name: true, role: true, passwordHash: true },
  });
  const ok = await verifyPassword(password, user?.passwordHash ?? (await (dummyHash ??= hashPassword('no-such-user'))));
  if (!user || !ok) return null;
  const { passwordHash: _unused, ...safe } = user;
  return safe;
}
