// Per-test-file databases on the run's embedded PostgreSQL (started by test/global-setup.ts).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

import { TEMPLATE_DATABASE } from './template';

export function adminUrl(): string {
  return inject('pgAdminUrl');
}

export function urlFor(database: string): string {
  const url = new URL(adminUrl());
  url.pathname = `/${database}`;
  return url.toString();
}

/** A new database: a copy of the migrated template, or empty (`template0`) when asked. */
export async function createTestDatabase(options: { empty?: boolean } = {}): Promise<{ name: string; url: string }> {
  const name = `t_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    const template = options.empty ? 'template0' : TEMPLATE_DATABASE;
    await client.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  } finally {
    await client.end();
  }
  return { name, url: urlFor(name) };
}
