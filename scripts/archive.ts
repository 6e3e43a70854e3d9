// `npm run archive [-- --dry-run --older-than <days> --empty-chat-days <days> --unclaimed-upload-days <days>
// --batch-size <n> --max-batches <n>]` (ARCHIVE_USAGE in lib/retention/options.ts): one run
// of the retention job (lib/retention) against DATABASE_URL (without it, outside production, the
// embedded database of `npm run dev`, started for the run if it is not running), or with --schedule a worker that
// runs it on ARCHIVE_SCHEDULE. A progress line per batch and a summary on stdout; one clear line
// on stderr and a non-zero exit on failure (codes in ARCHIVE_USAGE).
import { ARCHIVE_USAGE, parseArchiveArgs } from '../lib/retention/options';
import { runArchiveJob } from '../lib/retention/run-archive-job';

const EXIT = { ok: 0, failed: 1, alreadyRunning: 2, usage: 64, interrupted: 130 } as const;

function fail(message: string, code: number): never {
  console.error(`archive: ${message}`);
  process.exit(code);
}

// lib/env throws on an invalid variable when first imported; imported here, not statically, so
// that becomes one line and an exit code instead of a stack trace.
let env: typeof import('../lib/env');
try {
  env = await import('../lib/env');
} catch (error) {
  fail((error as Error).message.replace(/\n\s*/g, ' '), EXIT.failed);
}

const parsed = parseArchiveArgs(process.argv.slice(2), env.env);
if (!parsed.ok) fail(`${parsed.error}\n${ARCHIVE_USAGE}`, EXIT.usage);
const command = parsed.command;
if (command.kind === 'help') {
  console.log(ARCHIVE_USAGE);
  process.exit(EXIT.ok);
}

// Checked before the database is opened, so a refusal leaves no embedded server running.
if (command.kind === 'schedule' && !env.env.ARCHIVE_SCHEDULE) {
  fail('--schedule needs ARCHIVE_SCHEDULE (e.g. "03:30" or "@every 6h")', EXIT.usage);
}

const { openLocalDatabase } = await import('../lib/db/local-database');
let database: Awaited<ReturnType<typeof openLocalDatabase>>;
try {
  database = await openLocalDatabase();
} catch (error) {
  fail((error as Error).message, EXIT.failed);
}
const databaseUrl = database.url;
// Every exit below goes through here: an embedded server this run started is stopped again.
async function exit(code: number): Promise<never> {
  await database.stop();
  process.exit(code);
}

if (command.kind === 'schedule') {
  const schedule = env.env.ARCHIVE_SCHEDULE!;
  const { startArchiveSchedule } = await import('../lib/retention/schedule');
  const handle = startArchiveSchedule({
    schedule,
    run: (signal, log) =>
      runArchiveJob({
        databaseUrl,
        options: command.options,
        signal,
        log: (line, level) => (level === 'error' ? log.error(line) : log.info(line)),
      }),
  });
  const stop = async () => {
    console.log('archive: schedule stopping');
    await handle.stop();
    await exit(EXIT.ok);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} else {
  // First Ctrl-C: finish the open batch, write the audit row, exit 130. Second: exit now, which
  // is safe too (the open transaction rolls back), just without an audit row.
  const abort = new AbortController();
  const interrupt = () => {
    if (abort.signal.aborted) process.exit(EXIT.interrupted);
    console.error('archive: stopping after the current batch (again to stop at once)');
    abort.abort();
  };
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', interrupt);

  const result = await runArchiveJob({
    databaseUrl,
    options: command.options,
    signal: abort.signal,
    log: (line, level) => (level === 'error' ? console.error(line) : console.log(line)),
  });
  if (result.outcome === 'already-running') await exit(EXIT.alreadyRunning);
  if (result.outcome === 'failed' || result.auditError) await exit(EXIT.failed);
  if (result.outcome === 'interrupted') await exit(EXIT.interrupted);
  console.log(`archive: finished in ${(result.durationMs / 1000).toFixed(2)}s${result.dryRun ? ' (dry run)' : ''}`);
  await exit(EXIT.ok);
}
