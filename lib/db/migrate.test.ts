import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/databases';
import { freePort } from '../../test/free-port';
import { migrate, MigrationError, MIGRATIONS_DIR } from './migrate';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');

async function migrationsFolder(migrations: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'migrations-'));
  for (const [name, sql] of Object.entries(migrations)) {
    await mkdir(path.join(dir, name));
    await writeFile(path.join(dir, name, 'migration.sql'), sql);
  }
  return dir;
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

const tablesOf = (url: string) =>
  query<{ tablename: string }>(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1").then(
    (r) => r.map((x) => x.tablename),
  );

async function cli(url: string, dir: string) {
  try {
    const { stdout, stderr } = await run(
      path.join(ROOT, 'node_modules/.bin/tsx'),
      ['scripts/migrate.ts', '--dir', dir],
      {
        cwd: ROOT,
        env: { ...process.env, DATABASE_URL: url },
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('migrate', () => {
  it('applies pending migrations in name order, each recorded as prisma migrate deploy records it', async () => {
    const { url } = await createTestDatabase({ empty: true });
    // The second depends on the first: out-of-order application would fail.
    const dir = await migrationsFolder({
      '20260101000000_a': 'CREATE TABLE a (id int PRIMARY KEY);',
      '20260102000000_b': 'CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a(id));',
    });
    const result = await migrate(url, { dir });
    expect(result).toEqual({ applied: ['20260101000000_a', '20260102000000_b'], alreadyApplied: [] });
    expect(await tablesOf(url)).toEqual(['_prisma_migrations', 'a', 'b']);

    const rows = await query<{
      id: string;
      checksum: string;
      migration_name: string;
      finished_at: Date | null;
      applied_steps_count: number;
      rolled_back_at: Date | null;
    }>(url, 'SELECT * FROM _prisma_migrations ORDER BY migration_name');
    expect(rows.map((r) => r.migration_name)).toEqual(['20260101000000_a', '20260102000000_b']);
    expect(rows[0]!.checksum).toBe(createHash('sha256').update('CREATE TABLE a (id int PRIMARY KEY);').digest('hex'));
    for (const row of rows) {
      expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.rolled_back_at).toBeNull();
      expect(row.applied_steps_count).toBe(1);
    }
  });

  it('is idempotent: a second run applies nothing, a later migration is applied alone', async () => {
    const { url } = await createTestDatabase({ empty: true });
    const dir = await migrationsFolder({ '20260101000000_a': 'CREATE TABLE a (id int);' });
    await migrate(url, { dir });
    expect(await migrate(url, { dir })).toEqual({ applied: [], alreadyApplied: ['20260101000000_a'] });
    await mkdir(path.join(dir, '20260103000000_c'));
    await writeFile(path.join(dir, '20260103000000_c', 'migration.sql'), 'CREATE TABLE c (id int);');
    expect(await migrate(url, { dir })).toEqual({
      applied: ['20260103000000_c'],
      alreadyApplied: ['20260101000000_a'],
    });
    expect(await query(url, 'SELECT 1 FROM _prisma_migrations')).toHaveLength(2);
  });

  it('refuses to run when an applied migration was edited, and applies nothing else', async () => {
    const { url } = await createTestDatabase({ empty: true });
    const dir = await migrationsFolder({ '20260101000000_a': 'CREATE TABLE a (id int);' });
    await migrate(url, { dir });
    await writeFile(path.join(dir, '20260101000000_a', 'migration.sql'), 'CREATE TABLE a (id bigint);');
    await mkdir(path.join(dir, '20260102000000_b'));
    await writeFile(path.join(dir, '20260102000000_b', 'migration.sql'), 'CREATE TABLE b (id int);');

    await expect(migrate(url, { dir })).rejects.toThrow(/20260101000000_a was edited after it was applied/);
    expect(await tablesOf(url)).toEqual(['_prisma_migrations', 'a']);

    const { code, stdout, stderr } = await cli(url, dir);
    expect(code).not.toBe(0);
    expect(stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^db:migrate: migration 20260101000000_a was edited/),
    ]);
    expect(stdout).not.toMatch(/applying/);
    expect(await tablesOf(url)).toEqual(['_prisma_migrations', 'a']);
  });

  it('rolls a failing migration back whole and records nothing for it', async () => {
    const { url } = await createTestDatabase({ empty: true });
    const dir = await migrationsFolder({
      '20260101000000_a': 'CREATE TABLE a (id int);',
      '20260102000000_broken': 'CREATE TABLE half (id int); SELECT * FROM no_such_table;',
    });
    await expect(migrate(url, { dir })).rejects.toThrow(MigrationError);
    expect(await tablesOf(url)).toEqual(['_prisma_migrations', 'a']);
    expect(await query(url, "SELECT 1 FROM _prisma_migrations WHERE migration_name LIKE '%broken'")).toHaveLength(0);
  });

  it('against an unreachable database exits non-zero with one clear line', async () => {
    const port = await freePort(); // nothing listens there
    const url = `postgresql://postgres:postgres@127.0.0.1:${port}/nowhere`;
    await expect(migrate(url, { dir: MIGRATIONS_DIR })).rejects.toThrow(/cannot reach the database at 127\.0\.0\.1/);
    const { code, stderr } = await cli(url, MIGRATIONS_DIR);
    expect(code).not.toBe(0);
    expect(stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^db:migrate: cannot reach the database at 127\.0\.0\.1:\d+\/nowhere/),
    ]);
  });

  it('applies the project migrations to an empty database, then has nothing left to do', async () => {
    const { url } = await createTestDatabase({ empty: true });
    const dir = await mkdtemp(path.join(tmpdir(), 'project-migrations-'));
    await cp(MIGRATIONS_DIR, dir, { recursive: true });
    const count = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).length;
    const first = await cli(url, dir);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`${count} applied, 0 already applied`);
    const second = await cli(url, dir);
    expect(second.stdout).toContain(`0 applied, ${count} already applied`);
  });
});
