// `npm run dev`: the whole stack on one machine.
// Without DATABASE_URL it starts an embedded PostgreSQL (data in EMBEDDED_PG_DIR, kept between
// runs), applies migrations and loads the demo data once; then runs Next.js (PORT) and the
// realtime server (REALTIME_PORT) with prefixed logs, restarting the realtime server if it
// crashes. Ctrl-C stops everything; data stays.
// DEV_RESET_DATA=1 wipes the embedded data folder first (the browser tests use it).
// `--built` serves the production build instead of `next dev` (`npm run build` first; needs
// JWT_SECRET and NEXTAUTH_SECRET): what the browser tests run against. Both are marked as the
// local stack (STAYEASY_LOCAL_STACK=1), which lets them take ATTACHMENT_FETCH_ALLOW.
// Without SMTP_URL, emails (unread messages) go to a local mail catcher, maildev, whose web page
// shows them (DEV_MAIL_SMTP_PORT, default 1025; DEV_MAIL_WEB_PORT, default 1080).
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { env } from '../lib/env';
import { openLocalDatabase, type LocalDatabase } from '../lib/db/local-database';
import { migrate } from '../lib/db/migrate';
import { createDb } from '../lib/db/client';
import { DEMO_ACCOUNTS, loadDemoData } from '../lib/db/demo-data';
import { createProcessGroup, logger } from './process-group';

const { values: flags } = parseArgs({ options: { built: { type: 'boolean', default: false } } });

// Where the realtime server's pid is written, so a test can crash it on purpose.
const REALTIME_PID_FILE = process.env.DEV_REALTIME_PID_FILE || '.data/realtime.pid';
const REALTIME_RESTART_DELAY_MS = Number(process.env.DEV_REALTIME_RESTART_DELAY_MS || 1000);

const log = logger('dev');
let database: LocalDatabase | undefined;
const group = createProcessGroup({
  log,
  onStopped: async () => {
    await database?.stop();
    log('stopped; data kept');
  },
});

try {
  const dbLog = logger('db');
  database = await openLocalDatabase({
    resetData: process.env.DEV_RESET_DATA === '1',
    onServerLog: (line) => /error|fatal|ready to accept/i.test(line) && dbLog(line),
  });
  log(`using ${database.description}`);
  const result = await migrate(database.url, { log: logger('migrate') });
  logger('migrate')(`${result.applied.length} applied, ${result.alreadyApplied.length} already applied`);

  const db = createDb(database.url, 2);
  const { loaded } = await loadDemoData(db);
  await db.$disconnect();
  log(loaded ? 'demo data loaded' : 'demo data already present');
  log(`sign in as ${DEMO_ACCOUNTS.guest.email} / ${DEMO_ACCOUNTS.guest.password} (guest)`);
  log(`       or ${DEMO_ACCOUNTS.owner.email} / ${DEMO_ACCOUNTS.owner.password} (owner)`);

  const frontendUrl = env.FRONTEND_URL;
  const mailCatcher = env.SMTP_URL
    ? null
    : { smtp: Number(process.env.DEV_MAIL_SMTP_PORT || 1025), web: Number(process.env.DEV_MAIL_WEB_PORT || 1080) };
  const shared = {
    DATABASE_URL: database.url,
    FRONTEND_URL: frontendUrl,
    NEXTAUTH_URL: env.NEXTAUTH_URL ?? frontendUrl,
    NEXT_PUBLIC_REALTIME_URL: env.NEXT_PUBLIC_REALTIME_URL,
    NEXT_TELEMETRY_DISABLED: '1',
    // What these processes are (lib/env.ts): the local stack, never a deployment, so a production
    // build started here may take ATTACHMENT_FETCH_ALLOW (the browser tests' file server).
    STAYEASY_LOCAL_STACK: '1',
    ...(mailCatcher ? { SMTP_URL: `smtp://127.0.0.1:${mailCatcher.smtp}` } : {}),
    ...(flags.built ? { NODE_ENV: 'production' } : {}),
  };
  if (mailCatcher) {
    group.run({
      name: 'mail',
      command: 'node_modules/.bin/maildev',
      args: [
        '--smtp',
        String(mailCatcher.smtp),
        '--web',
        String(mailCatcher.web),
        '--ip',
        '127.0.0.1',
        '--web-ip',
        '127.0.0.1',
      ],
      env: {},
    });
  }
  await mkdir(path.dirname(REALTIME_PID_FILE), { recursive: true });
  group.run({
    name: 'web',
    command: 'node_modules/.bin/next',
    args: [flags.built ? 'start' : 'dev', '--port', String(env.PORT)],
    env: shared,
  });
  group.run({
    name: 'realtime',
    ...(flags.built
      ? { command: process.execPath, args: ['--enable-source-maps', 'dist/realtime/main.mjs'] }
      : { command: 'node_modules/.bin/tsx', args: ['realtime/main.ts'] }),
    env: shared,
    restartDelayMs: REALTIME_RESTART_DELAY_MS,
    pidFile: REALTIME_PID_FILE,
  });
  if (mailCatcher)
    log(`emails: http://localhost:${mailCatcher.web} (a local mail catcher; set SMTP_URL to send for real)`);
  log(`inbox: ${frontendUrl}   realtime: http://localhost:${env.REALTIME_PORT}   (Ctrl-C stops)`);
} catch (error) {
  log(`failed: ${(error as Error).message}`);
  await group.shutdown(1);
}
