// One run of the retention job: takes the advisory lock, archives old messages, deletes
// abandoned chats and unclaimed uploads, removes unfinished upload files a day old, writes the
// ARCHIVE_JOB_RUN audit row and reports. Shared by `npm run archive` (scripts/archive.ts) and the scheduled worker (schedule.ts). It never throws for an expected
// failure (unreachable database, SQL error, lock held): the outcome says what happened.
//
// Everything runs on one dedicated pg.Client, not a pooled connection: the advisory lock belongs
// to a session, and the same session does the batches, so if the process dies the server ends
// the session, rolls back the open batch and releases the lock together.
import { randomUUID } from 'node:crypto';
import pg from 'pg';

import { archiveMessages, countArchivable } from './archive-messages';
import { storage as defaultStorage, type AttachmentStorage } from '../attachments/storage';
import { cleanupChats, countAbandonedChats, type CleanupHooks } from './cleanup-chats';
import { DEFAULT_UNCLAIMED_UPLOAD_DAYS, type ArchiveOptions } from './options';
import { countUnclaimedUploads, deleteUnclaimedUploads } from './unclaimed-uploads';

/** pg_try_advisory_lock key of the job (one bigint, arbitrary but fixed: "StayEasy archive"). */
export const ARCHIVE_LOCK_KEY = '5373726368697665';
export const ARCHIVE_AUDIT_ACTION = 'ARCHIVE_JOB_RUN';
export const ALREADY_RUNNING_MESSAGE = 'archive job already running';

export type ArchiveJobOutcome = 'completed' | 'interrupted' | 'failed' | 'already-running';

const PARTIAL_UPLOAD_MAX_AGE_MS = 24 * 60 * 60 * 1000;

export interface ArchiveJobResult {
  outcome: ArchiveJobOutcome;
  dryRun: boolean;
  options: ArchiveOptions;
  /** Moved (or, in a dry run, that would be moved). */
  archivedMessages: number;
  movedFiles: number;
  deletedChats: number;
  /** Uploads no message held, deleted with their bytes. */
  deletedUploads: number;
  /** Unfinished upload files (a process died mid-upload) older than a day, removed. */
  sweptPartialUploads: number;
  /** Messages still due when --max-batches stopped the run; 0 otherwise. */
  remainingMessages: number;
  durationMs: number;
  cutoff: Date | null;
  emptyChatCutoff: Date | null;
  uploadCutoff: Date | null;
  error?: string;
  /** Set when the audit row could not be written (the work itself may have succeeded). */
  auditError?: string;
}

export interface RunArchiveJobParams {
  databaseUrl: string;
  options: ArchiveOptions;
  /** One line per event (progress, summary); the CLI prints them, the worker logs them. */
  log?: (line: string, level: 'info' | 'error') => void;
  /** Aborting stops the run between batches (the open batch commits first). */
  signal?: AbortSignal;
  /** Test seam, see cleanup-chats.ts. */
  cleanupHooks?: CleanupHooks;
  /** Where the bytes of unclaimed uploads are deleted; default: the app's (UPLOAD_DIR). */
  storage?: AttachmentStorage;
}

export async function runArchiveJob(params: RunArchiveJobParams): Promise<ArchiveJobResult> {
  const { options } = params;
  const log: Log = (line, level = 'info') => params.log?.(line, level);
  const started = performance.now();
  const result: ArchiveJobResult = {
    outcome: 'completed',
    dryRun: options.dryRun,
    options,
    archivedMessages: 0,
    movedFiles: 0,
    deletedChats: 0,
    deletedUploads: 0,
    sweptPartialUploads: 0,
    remainingMessages: 0,
    durationMs: 0,
    cutoff: null,
    emptyChatCutoff: null,
    uploadCutoff: null,
  };
  const finish = () => {
    result.durationMs = Math.round(performance.now() - started);
    return result;
  };

  const client = new pg.Client({
    connectionString: params.databaseUrl,
    application_name: 'stayeasy-archive',
    connectionTimeoutMillis: 10_000,
  });
  // A dropped connection emits 'error' on the client; without a listener it would crash the
  // process instead of failing the current query, which we report.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (error) {
    result.outcome = 'failed';
    result.error = `cannot reach the database: ${describeError(error)}`;
    log(`archive: failed: ${result.error}`, 'error');
    return finish();
  }

  try {
    const { rows: lockRows } = await client.query<{ locked: boolean }>(
      'SELECT pg_try_advisory_lock($1::bigint) AS locked',
      [ARCHIVE_LOCK_KEY],
    );
    if (!lockRows[0]!.locked) {
      // Changes nothing, not even the audit log: the run holding the lock writes its own row.
      result.outcome = 'already-running';
      result.error = ALREADY_RUNNING_MESSAGE;
      log(`archive: ${ALREADY_RUNNING_MESSAGE}`, 'error');
      return finish();
    }

    try {
      await work(client, params, result, log);
    } catch (error) {
      result.outcome = 'failed';
      result.error = describeError(error);
      log(`archive: failed: ${result.error}`, 'error');
    }
    finish();
    await writeAudit(client, params.databaseUrl, result).catch((error) => {
      result.auditError = describeError(error);
      log(`archive: could not write the audit log: ${result.auditError}`, 'error');
    });
    return result;
  } finally {
    // Ending the session releases the advisory lock as well.
    await client.end().catch(() => {});
  }
}

type Log = (line: string, level?: 'info' | 'error') => void;

async function work(client: pg.Client, params: RunArchiveJobParams, result: ArchiveJobResult, log: Log) {
  const { options, signal } = params;
  // A batch waits at most this long for a lock it cannot skip (e.g. a file row being edited);
  // failing the run beats hanging behind a stuck transaction.
  await client.query("SET lock_timeout = '30s'");
  // The cutoffs are fixed once, on the database clock, so the estimate holds and a message does
  // not become due half way through the run.
  const { rows } = await client.query<{ cutoff: Date; chat_cutoff: Date; upload_cutoff: Date }>(
    `SELECT now() - make_interval(days => $1) AS cutoff, now() - make_interval(days => $2) AS chat_cutoff,
            now() - make_interval(days => $3) AS upload_cutoff`,
    [options.olderThanDays, options.emptyChatDays, options.unclaimedUploadDays ?? DEFAULT_UNCLAIMED_UPLOAD_DAYS],
  );
  const cutoff = rows[0]!.cutoff;
  const chatCutoff = rows[0]!.chat_cutoff;
  const uploadCutoff = rows[0]!.upload_cutoff;
  result.cutoff = cutoff;
  result.emptyChatCutoff = chatCutoff;
  result.uploadCutoff = uploadCutoff;
  const cap = options.maxBatches === undefined ? undefined : options.maxBatches * options.batchSize;

  if (options.dryRun) {
    const due = await countArchivable(client, cutoff, cap);
    // Chats whose messages are about to be archived keep them (archived), so they are never
    // deleted: the chats a real run would delete are exactly those abandoned now.
    const chats = await countAbandonedChats(client, chatCutoff, cap);
    // Files of messages archived here stay held (by the archived message); only uploads that no
    // message holds now are due.
    const uploads = await countUnclaimedUploads(client, uploadCutoff, cap);
    result.archivedMessages = due.messages;
    result.movedFiles = due.files;
    result.deletedChats = chats;
    result.deletedUploads = uploads;
    log(
      `archive: dry run: would archive ${due.messages} messages (${due.files} files) older than ${cutoff.toISOString()}, ` +
        `delete ${chats} empty chats idle since ${chatCutoff.toISOString()} ` +
        `and ${uploads} unclaimed uploads from before ${uploadCutoff.toISOString()}; nothing changed`,
    );
    return;
  }

  const expected = (await countArchivable(client, cutoff, cap)).messages;
  log(`archive: ${expected} messages older than ${cutoff.toISOString()} to archive, batches of ${options.batchSize}`);
  const archived = await archiveMessages(client, {
    cutoff,
    batchSize: options.batchSize,
    maxBatches: options.maxBatches,
    expected,
    signal,
    onBatch: (p) => {
      // Kept current after every batch, so a failure later still reports what was moved.
      result.archivedMessages = p.totalMessages;
      result.movedFiles = p.totalFiles;
      const eta = p.etaSeconds === null ? '?' : `${p.etaSeconds.toFixed(1)}s`;
      log(
        `archive: batch ${p.batch}: moved ${p.batchMessages} messages (${p.batchFiles} files), ` +
          `${p.totalMessages}/${p.expected} total, ${Math.round(p.rowsPerSecond)} rows/s, ~${eta} left`,
      );
    },
  });
  if (options.maxBatches !== undefined && archived.batches >= options.maxBatches) {
    result.remainingMessages = (await countArchivable(client, cutoff)).messages;
  }

  const cleaned = await cleanupChats(client, {
    cutoff: chatCutoff,
    batchSize: options.batchSize,
    maxBatches: options.maxBatches,
    signal,
    hooks: params.cleanupHooks,
    onBatch: (p) => {
      result.deletedChats = p.totalDeleted;
      log(`archive: cleanup batch ${p.batch}: deleted ${p.deleted} empty chats, ${p.totalDeleted} total`);
    },
  });
  result.deletedChats = cleaned.deleted;

  const swept = await deleteUnclaimedUploads(client, {
    cutoff: uploadCutoff,
    batchSize: options.batchSize,
    maxBatches: options.maxBatches,
    storage: params.storage ?? defaultStorage,
    signal,
    onBatch: (p) => {
      result.deletedUploads = p.totalDeleted;
      log(`archive: uploads batch ${p.batch}: deleted ${p.deleted} unclaimed uploads, ${p.totalDeleted} total`);
    },
    onBytesLeft: (key, error) =>
      log(`archive: could not delete the bytes of upload ${key} (its row is gone): ${describeError(error)}`, 'error'),
  });
  result.deletedUploads = swept.deleted;

  // No upload takes a day: an older unfinished one belongs to a process that died mid-upload.
  result.sweptPartialUploads = await (params.storage ?? defaultStorage).sweepIncoming(
    new Date(Date.now() - PARTIAL_UPLOAD_MAX_AGE_MS),
  );
  if (result.sweptPartialUploads > 0) {
    log(`archive: removed ${result.sweptPartialUploads} unfinished upload files left by interrupted uploads`);
  }

  if (signal?.aborted) {
    result.outcome = 'interrupted';
    result.error = 'interrupted; committed batches stay, run again to continue';
    log(`archive: ${result.error}`);
  }
  const rate =
    archived.messages > 0 && archived.seconds > 0 ? `, ${Math.round(archived.messages / archived.seconds)} rows/s` : '';
  log(
    `archive: ${result.outcome === 'completed' ? 'done' : 'stopped'}: archived ${result.archivedMessages} messages ` +
      `in ${archived.seconds.toFixed(2)}s${rate} ` +
      `(${result.movedFiles} files), deleted ${result.deletedChats} empty chats and ${result.deletedUploads} unclaimed uploads` +
      (result.remainingMessages > 0
        ? `; ${result.remainingMessages} messages still due (--max-batches), run again`
        : ''),
  );
}

async function writeAudit(client: pg.Client, databaseUrl: string, result: ArchiveJobResult): Promise<void> {
  const details = {
    archivedMessages: result.archivedMessages,
    movedFiles: result.movedFiles,
    deletedChats: result.deletedChats,
    deletedUploads: result.deletedUploads,
    sweptPartialUploads: result.sweptPartialUploads,
    remainingMessages: result.remainingMessages,
    durationMs: result.durationMs,
    options: result.options,
    dryRun: result.dryRun,
    outcome: result.outcome,
    cutoff: result.cutoff?.toISOString() ?? null,
    emptyChatCutoff: result.emptyChatCutoff?.toISOString() ?? null,
    uploadCutoff: result.uploadCutoff?.toISOString() ?? null,
    ...(result.error === undefined ? {} : { error: result.error }),
  };
  const sql = 'INSERT INTO audit_logs (id, action, details) VALUES ($1, $2, $3::jsonb)';
  const values = [randomUUID(), ARCHIVE_AUDIT_ACTION, JSON.stringify(details)];
  try {
    await client.query(sql, values);
  } catch (first) {
    // The job's session may be the thing that failed (killed by an admin, network blip): one
    // more try on a fresh connection before giving up.
    const fresh = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5_000 });
    fresh.on('error', () => {});
    try {
      await fresh.connect();
      await fresh.query(sql, values);
    } catch {
      throw first;
    } finally {
      await fresh.end().catch(() => {});
    }
  }
}

/** One readable line for any error, including Node's AggregateError (e.g. ECONNREFUSED on ::1 and 127.0.0.1). */
export function describeError(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) {
    return [...new Set(error.errors.map((e) => describeError(e)))].join('; ');
  }
  if (error instanceof Error) {
    const code = (error as { code?: string }).code;
    return error.message || code || error.name;
  }
  return String(error);
}
