// Prometheus gauges of the retention job's last real (not dry) run, for a /metrics endpoint:
// the caller (e.g. the realtime server) passes its registry. The numbers are read from the
// newest ARCHIVE_JOB_RUN audit row at scrape time, so they are right whichever process ran the
// job (CLI, worker, another node), and survive restarts.
import { Gauge, type Registry } from 'prom-client';
import type { Db } from '../db/client';
import { ARCHIVE_AUDIT_ACTION } from './run-archive-job';

export interface ArchiveRunSnapshot {
  finishedAt: Date;
  durationMs: number;
  archivedMessages: number;
  movedFiles: number;
  deletedChats: number;
  deletedUploads: number;
  success: boolean;
}

export type ArchiveRunSource = () => Promise<ArchiveRunSnapshot | null>;

/** The last non-dry run, from the audit log (one indexed query on (action, created_at)). */
export function lastRunFromAuditLog(db: Pick<Db, '$queryRaw'>): ArchiveRunSource {
  return async () => {
    const rows = await db.$queryRaw<Array<{ created_at: Date; details: Record<string, unknown> }>>`
      SELECT created_at, details FROM audit_logs
      WHERE action = ${ARCHIVE_AUDIT_ACTION} AND (details->>'dryRun') IS DISTINCT FROM 'true'
      ORDER BY created_at DESC LIMIT 1`;
    const row = rows[0];
    if (!row) return null;
    const d = row.details;
    const num = (v: unknown) => (typeof v === 'number' ? v : 0);
    return {
      finishedAt: row.created_at,
      durationMs: num(d.durationMs),
      archivedMessages: num(d.archivedMessages),
      movedFiles: num(d.movedFiles),
      deletedChats: num(d.deletedChats),
      deletedUploads: num(d.deletedUploads),
      success: d.outcome === 'completed' && d.error === undefined,
    };
  };
}

/**
 * Registers the gauges on `registry`. Never having run reads as timestamp 0. Scrapes within
 * `cacheMs` share one read of the source (all gauges are collected in the same scrape).
 */
export function registerArchiveMetrics(
  registry: Registry,
  source: ArchiveRunSource,
  options: { cacheMs?: number } = {},
) {
  const cacheMs = options.cacheMs ?? 1_000;
  let cached: { at: number; value: Promise<ArchiveRunSnapshot | null> } | null = null;
  const read = () => {
    const at = Date.now();
    if (!cached || at - cached.at > cacheMs) {
      // A failed read must not poison the cache nor break the whole scrape: report "unknown" (0).
      cached = { at, value: source().catch(() => null) };
    }
    return cached.value;
  };

  const gauge = (name: string, help: string, pick: (run: ArchiveRunSnapshot) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        const run = await read();
        this.set(run ? pick(run) : 0);
      },
    });

  return {
    lastRunTimestamp: gauge(
      'stayeasy_archive_last_run_timestamp_seconds',
      'When the last archive job run (not dry) finished, Unix seconds; 0 if none',
      (r) => r.finishedAt.getTime() / 1000,
    ),
    lastRunDuration: gauge(
      'stayeasy_archive_last_run_duration_seconds',
      'Duration of the last archive job run',
      (r) => r.durationMs / 1000,
    ),
    lastRunArchived: gauge(
      'stayeasy_archive_last_run_archived_messages',
      'Messages moved to the archive by the last run',
      (r) => r.archivedMessages,
    ),
    lastRunMovedFiles: gauge(
      'stayeasy_archive_last_run_moved_files',
      'Attachments moved with them by the last run',
      (r) => r.movedFiles,
    ),
    lastRunDeletedChats: gauge(
      'stayeasy_archive_last_run_deleted_chats',
      'Abandoned empty chats deleted by the last run',
      (r) => r.deletedChats,
    ),
    lastRunDeletedUploads: gauge(
      'stayeasy_archive_last_run_deleted_uploads',
      'Uploads no message held, deleted by the last run',
      (r) => r.deletedUploads,
    ),
    lastRunSuccess: gauge(
      'stayeasy_archive_last_run_success',
      '1 if the last archive job run completed, else 0',
      (r) => (r.success ? 1 : 0),
    ),
  };
}
