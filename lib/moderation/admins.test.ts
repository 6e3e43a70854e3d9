// Granting ADMIN on the real database, and the script end to end: the role changes, an audit row
// is written, an unknown email changes nothing and fails with exit code 1, bad usage is 64.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { db } from '../db';
import { createUser } from '../../test/fixtures';
import { setAdmin } from './admins';

const run = promisify(execFile);
const script = (...args: string[]) =>
  run('npx', ['tsx', 'scripts/admin-grant.ts', ...args], { env: { ...process.env } }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );

describe('admin role', () => {
  it('grants and revokes with an audit row each', async () => {
    const user = await createUser(db);
    expect(await setAdmin(db, user.email.toUpperCase(), true)).toMatchObject({ from: 'GUEST', to: 'ADMIN' });
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).role).toBe('ADMIN');
    expect(await setAdmin(db, user.email, false)).toMatchObject({ from: 'ADMIN', to: 'GUEST' });
    const actions = await db.auditLog.findMany({
      where: { action: { in: ['ADMIN_GRANTED', 'ADMIN_REVOKED'] }, details: { path: ['userId'], equals: user.id } },
      orderBy: { createdAt: 'asc' },
    });
    expect(actions.map((a) => a.action)).toEqual(['ADMIN_GRANTED', 'ADMIN_REVOKED']);
    await expect(setAdmin(db, user.email, false)).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('the script grants by email, and refuses an unknown email or bad usage', async () => {
    const user = await createUser(db);
    const granted = await script(user.email);
    expect(granted).toMatchObject({ code: 0 });
    expect(granted.stdout).toContain('GUEST → ADMIN');
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).role).toBe('ADMIN');

    const audit = await db.auditLog.count();
    const unknown = await script('nobody@nowhere.test');
    expect(unknown).toMatchObject({ code: 1 });
    expect(unknown.stderr).toContain('User not found');
    expect(await db.auditLog.count()).toBe(audit);
    expect(await script()).toMatchObject({ code: 64 });
  });
});
