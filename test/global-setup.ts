// Vitest global setup: one embedded PostgreSQL for the whole run, on a free port in a temp
// folder (never the dev data), with a migrated template database. Each test file then gets its
// own copy of the template (test/setup-database.ts), so files run in parallel in isolation.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { ensureDatabase, startEmbeddedPostgres } from '../lib/db/embedded';
import { migrate } from '../lib/db/migrate';
import { freePort } from './free-port';

import { TEMPLATE_DATABASE } from './template';

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const folder = await mkdtemp(path.join(tmpdir(), 'stayeasy-test-pg-'));
  const server = await startEmbeddedPostgres({
    dir: path.join(folder, 'data'),
    port: await freePort(),
    // Throw-away data: durability buys nothing here and costs seconds.
    flags: [
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'max_connections=300',
    ],
  });
  await ensureDatabase(server.adminUrl, TEMPLATE_DATABASE);
  await migrate(server.urlFor(TEMPLATE_DATABASE));
  project.provide('pgAdminUrl', server.adminUrl);
  return async () => {
    await server.stop();
    await rm(folder, { recursive: true, force: true });
  };
}
