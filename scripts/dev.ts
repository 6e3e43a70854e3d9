// `npm run dev`: the whole stack on one machine.
// Without DATABASE_URL it starts an embedded PostgreSQL (data in EMBEDDED_PG_DIR, kept between
// runs), applies migrations and loads the demo data once; then runs Next.js (PORT) and the
// realtime server (REALTIME_PORT) with prefixed logs. Ctrl-C stops everything; data stays.
// DEV_RESET_DATA=1 wipes the embedded data folder first (the browser tests use it).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { env } from '../lib/env';
import { ensureDatabase, startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../lib/db/embedded';
import { migrate } from '../lib/db/migrate';
import { createDb } from '../lib/db/client';
import { DEMO_ACCOUNTS, loadDemoData } from '../lib/db/demo-data';

// Where the realtime server's pid is written, so a test can crash it on purpose.
const REALTIME_PID_FILE = process.env.DEV_REALTIME_PID_FILE || '.data/realtime.pid';

const REALTIME_RESTART_DELAY_MS = Number(process.env.DEV_REALTIME_RESTART_DELAY_MS || 1000);

const COLORS = { db: 35, migrate: 33, web: 36, realtime: 32, dev: 37 } as const;
function logger(name: keyof typeof COLORS) {
  const prefix = `\x1b[${COLORS[name]}m[${name.padEnd(8)}]\x1b[0m`;
  return (line: string) => {
    for (const part of line.split('\n')) if (part.trim()) console.log(`${prefix} ${part}`);
  };
}
const log = logger('dev');

let pg: EmbeddedPostgresHandle | undefined;
const children: ChildProcess[] = [];
let stopping = false;

async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  log('stopping…');
  for (const child of children) {
    // Each child leads its own process group: `next dev` forks workers that outlive a plain kill.
    if (child.pid && child.exitCode === null) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {}
    }
  }
  await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : null)));
  await pg?.stop();
  log('stopped; data kept');
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

function run(name: 'web' | 'realtime', command: string, args: string[], extraEnv: Record<string, string>) {
  const out = logger(name);
  const child = spawn(command, args, {
    env: { ...process.env, ...extraEnv },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  createInterface({ input: child.stdout! }).on('line', out);
  createInterface({ input: child.stderr! }).on('line', out);
  if (name === 'realtime' && child.pid) void writeFile(REALTIME_PID_FILE, String(child.pid)).catch(() => {});
  child.on('exit', (code, signal) => {
    if (stopping) return;
    children.splice(children.indexOf(child), 1);
    if (name === 'realtime') {
      // The wrapper may die alone (tsx runs the server in a child): end its whole group first so
      // the restarted server finds its port free.
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {}
      // Supervise the realtime server like production would: a crash is followed by a restart,
      // and browsers reconnect and catch up by themselves.
      log(`realtime exited (${signal ?? code}); restarting in ${REALTIME_RESTART_DELAY_MS} ms`);
      setTimeout(() => !stopping && run(name, command, args, extraEnv), REALTIME_RESTART_DELAY_MS);
      return;
    }
    log(`${name} exited (${signal ?? code}); stopping the stack`);
    void shutdown(code || 1);
  });
  children.push(child);
}

try {
  let databaseUrl = env.DATABASE_URL;
  if (!databaseUrl) {
    if (process.env.DEV_RESET_DATA === '1') await rm(env.EMBEDDED_PG_DIR, { recursive: true, force: true });
    const dbLog = logger('db');
    pg = await startEmbeddedPostgres({ dir: env.EMBEDDED_PG_DIR, port: env.EMBEDDED_PG_PORT, onLog: (l) => {
      if (/error|fatal|ready to accept/i.test(l)) dbLog(l);
    } });
    await ensureDatabase(pg.adminUrl, 'stayeasy');
    databaseUrl = pg.urlFor('stayeasy');
    log(`${pg.reused ? 'reusing the running' : 'started'} embedded PostgreSQL on 127.0.0.1:${env.EMBEDDED_PG_PORT} (data in ${env.EMBEDDED_PG_DIR})`);
  } else {
    log('using DATABASE_URL');
  }
  const result = await migrate(databaseUrl, { log: logger('migrate') });
  logger('migrate')(`${result.applied.length} applied, ${result.alreadyApplied.length} already applied`);

  const db = createDb(databaseUrl, 2);
  const { loaded } = await loadDemoData(db);
  await db.$disconnect();
  log(loaded ? 'demo data loaded' : 'demo data already present');
  log(`sign in as ${DEMO_ACCOUNTS.guest.email} / ${DEMO_ACCOUNTS.guest.password} (guest)`);
  log(`       or ${DEMO_ACCOUNTS.owner.email} / ${DEMO_ACCOUNTS.owner.password} (owner)`);

  const frontendUrl = env.FRONTEND_URL;
  const shared = {
    DATABASE_URL: databaseUrl,
    FRONTEND_URL: frontendUrl,
    NEXTAUTH_URL: env.NEXTAUTH_URL ?? frontendUrl,
    NEXT_PUBLIC_REALTIME_URL: env.NEXT_PUBLIC_REALTIME_URL,
    NEXT_TELEMETRY_DISABLED: '1',
  };
  await mkdir(path.dirname(REALTIME_PID_FILE), { recursive: true });
  run('web', 'node_modules/.bin/next', ['dev', '--port', String(env.PORT)], shared);
  run('realtime', 'node_modules/.bin/tsx', ['realtime/main.ts'], shared);
  log(`inbox: ${frontendUrl}   realtime: http://localhost:${env.REALTIME_PORT}   (Ctrl-C stops)`);
} catch (error) {
  log(`failed: ${(error as Error).message}`);
  await shutdown(1);
}
