// Sign-up refuses what it must with a coded VALIDATION error on the field, over real HTTP into
// a real database: names that could fake text when shown to others, and weak or over-long
// passwords (bcrypt reads only 72 bytes).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { verifyPassword } from '@/lib/auth/password';
import { startRouteServer } from '@/test/route-server';

let server: Awaited<ReturnType<typeof startRouteServer>>;
let sequence = 0;

beforeAll(async () => {
  server = await startRouteServer();
});
afterAll(() => server.close());

// Each sign-up from its own address: the per-address sign-up limit is not under test here.
async function signUp(fields: { name?: string; password?: string; email?: string }) {
  sequence += 1;
  const email = fields.email ?? `signup-${sequence}@example.test`;
  const response = await fetch(`${server.url}/api/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': `198.51.100.${sequence}` },
    body: JSON.stringify({
      email,
      name: fields.name ?? 'Alex Guest',
      password: fields.password ?? 'correct horse battery',
    }),
  });
  return { status: response.status, body: await response.json(), email };
}

async function expectRefused(
  field: 'name' | 'password',
  fields: { name?: string; password?: string },
  message: RegExp,
) {
  const res = await signUp(fields);
  expect(res.status).toBe(400);
  expect(res.body.error.code).toBe('VALIDATION');
  expect(res.body.error.details).toEqual(
    expect.arrayContaining([{ path: [field], message: expect.stringMatching(message) }]),
  );
  expect(await db.user.count({ where: { email: res.email } })).toBe(0);
}

describe('sign-up names', () => {
  it.each([
    ['NUL', 'Bob\u0000Admin', /control characters/],
    ['a line break', 'Bob\nAdmin', /control characters/],
    ['a tab', 'Bob\tAdmin', /control characters/],
    ['a C1 control', 'Bob\u0085Admin', /control characters/],
    ['a right-to-left override', 'Bob\u202Enimda', /text-direction/],
    ['a left-to-right isolate', 'Bob\u2066Admin\u2069', /text-direction/],
    ['a right-to-left mark', 'Bob\u200FAdmin', /text-direction/],
    ['an Arabic letter mark', 'Bob\u061CAdmin', /text-direction/],
    ['a zero-width space', 'Bob\u200BAdmin', /zero-width/],
    ['a zero-width joiner', 'Ad\u200Dmin', /zero-width/],
    ['a byte-order mark inside', 'Ad\uFEFFmin', /zero-width/],
  ])('refuses a name with %s: 400 VALIDATION on the name', async (_what, name, message) => {
    await expectRefused('name', { name }, message);
  });

  it('accepts names in any script, with accents, apostrophes and spaces', async () => {
    for (const name of ["Zoë O'Brien-Núñez", 'محمد علي', '山田 太郎']) {
      const res = await signUp({ name });
      expect(res.status).toBe(201);
      expect(res.body.data.name).toBe(name);
    }
  });
});

describe('sign-up passwords', () => {
  it.each([
    ['8 spaces', ' '.repeat(8), /only spaces/],
    ['tabs and spaces only', ' \t \t \t \t ', /only spaces/],
    ['12345678', '12345678', /most common/],
    ['password', 'password', /most common/],
    ['PassWord (case does not help)', 'PassWord', /most common/],
    ['qwerty123', 'qwerty123', /most common/],
    ['73 ASCII bytes', 'x'.repeat(73), /at most 72 bytes/],
    ['37 two-byte letters (74 bytes)', 'é'.repeat(37), /at most 72 bytes/],
  ])('refuses %s: 400 VALIDATION on the password', async (_what, password, message) => {
    await expectRefused('password', { password }, message);
  });

  it('accepts a strong password of exactly 72 bytes, and it verifies', async () => {
    const password = `${'Tr0ub4dor&3-'.repeat(6)}`;
    expect(Buffer.byteLength(password)).toBe(72);
    const res = await signUp({ password });
    expect(res.status).toBe(201);
    const user = await db.user.findUniqueOrThrow({ where: { email: res.email } });
    expect(await verifyPassword(password, user.passwordHash)).toBe(true);
  });

  it('accepts an ordinary strong password', async () => {
    const res = await signUp({ password: 'correct horse battery staple' });
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({ email: res.email, role: 'GUEST' });
  });
});
