// The sign-in flow behind next-auth's authorize(), with its limits, against the real database.
// The per-email slowdown is checked here with a recording clock (next-auth.test.ts covers the
// refusals over real HTTP).
import { describe, expect, it } from 'vitest';
import { createDb, db } from '@/lib/db';
import { hashPassword } from './password';
import { signInWithPassword } from './password-sign-in';
import { createSignInLimits, DEFAULT_SIGN_IN_LIMITS } from './sign-in-limits';

const PASSWORD = 'the owners passphrase';

async function createAccount() {
  const email = `flow-${Math.random().toString(36).slice(2)}@example.test`;
  await db.user.create({ data: { email, name: 'Flo', role: 'GUEST', passwordHash: await hashPassword(PASSWORD) } });
  return email;
}

describe('signInWithPassword', () => {
  it('slows an email under attack from many addresses, and still lets its owner in', async () => {
    const waits: number[] = [];
    const limits = createSignInLimits(DEFAULT_SIGN_IN_LIMITS, async (ms) => waits.push(ms));
    const deps = { db, limits };
    const email = await createAccount();

    for (let i = 1; i <= 14; i++) {
      expect(await signInWithPassword(deps, { email, password: `guess-${i}` }, { ip: `203.0.113.${i}` })).toBeNull();
    }
    // Attempts after the first 10 failures wait, 500 ms more each time.
    expect(waits).toEqual([500, 1000, 1500]);

    const owner = await signInWithPassword(deps, { email, password: PASSWORD }, { ip: '198.51.100.9' });
    expect(owner).toMatchObject({ email });
    expect(await db.session.count({ where: { id: owner!.sessionId, revokedAt: null } })).toBe(1);
    expect(waits.at(-1)).toBe(2000);

    // The wait is capped.
    for (let i = 15; i <= 30; i++)
      await signInWithPassword(deps, { email, password: `guess-${i}` }, { ip: `203.0.113.${i}` });
    expect(Math.max(...waits)).toBe(DEFAULT_SIGN_IN_LIMITS.maxDelayMs);
  });

  it('gives the attempt back when the check itself fails, so database errors never lock an address out', async () => {
    const limits = createSignInLimits(DEFAULT_SIGN_IN_LIMITS, async () => {});
    const email = await createAccount();
    // A database that cannot be reached: every credentials check throws.
    const unreachable = createDb('postgresql://nobody:nothing@127.0.0.1:1/none', 1);
    for (let i = 0; i < DEFAULT_SIGN_IN_LIMITS.failuresPerEmailAndAddress + 2; i++) {
      await expect(
        signInWithPassword({ db: unreachable, limits }, { email, password: PASSWORD }, { ip: '192.0.2.7' }),
      ).rejects.toThrow();
    }
    const owner = await signInWithPassword({ db, limits }, { email, password: PASSWORD }, { ip: '192.0.2.7' });
    expect(owner).toMatchObject({ email });
    await unreachable.$disconnect();
  });
});
