// The scheduled worker: runs the retention job on ARCHIVE_SCHEDULE (see schedule-spec.ts) in
// the long-lived process that starts it (`npm run archive -- --schedule`). Several processes may
// run a schedule: the job's advisory lock lets one run at a time and the others log "already
// running" and wait for their next turn.
import type { ArchiveJobResult } from './run-archive-job';
import { describeSchedule, nextRunAfter, parseSchedule, type ScheduleSpec } from './schedule-spec';

/** What the worker logs through; a pino logger fits. */
export interface ScheduleLogger {
  info(message: string): void;
  error(message: string): void;
}

export interface ArchiveScheduleHandle {
  /** When the next run starts; null once stopped. */
  nextRunAt(): Date | null;
  /** Cancels the timer and interrupts a running job between batches; resolves when it stopped. */
  stop(): Promise<void>;
}

export interface StartArchiveScheduleParams {
  schedule: string | ScheduleSpec;
  log?: ScheduleLogger;
  /** The job (scripts/archive.ts passes runArchiveJob with the command line's options). */
  run: (signal: AbortSignal, log: ScheduleLogger) => Promise<ArchiveJobResult>;
  now?: () => Date;
}

export function startArchiveSchedule(params: StartArchiveScheduleParams): ArchiveScheduleHandle {
  let spec: ScheduleSpec;
  if (typeof params.schedule === 'string') {
    const parsed = parseSchedule(params.schedule);
    // Thrown at start-up on purpose: a typo must not turn into "retention silently never runs".
    if (!parsed.ok) throw new Error(`ARCHIVE_SCHEDULE: ${parsed.error}`);
    spec = parsed.spec;
  } else {
    spec = params.schedule;
  }
  const log = params.log ?? { info: (m: string) => console.log(m), error: (m: string) => console.error(m) };
  const now = params.now ?? (() => new Date());
  const { run } = params;

  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let next: Date | null = null;
  let running: Promise<void> | null = null;
  const abort = new AbortController();

  const plan = () => {
    if (stopped) return;
    // Planned from the end of the previous run, so runs never overlap in this process.
    next = nextRunAfter(spec, now());
    timer = setTimeout(fire, Math.max(0, next.getTime() - now().getTime()));
    log.info(`archive schedule: next run at ${next.toISOString()} (${describeSchedule(spec)})`);
  };

  const fire = () => {
    running = (async () => {
      try {
        const result = await run(abort.signal, log);
        const line = `archive schedule: run ${result.outcome}: archived ${result.archivedMessages} messages, deleted ${result.deletedChats} chats and ${result.deletedUploads} unclaimed uploads in ${result.durationMs}ms`;
        if (result.outcome === 'failed') log.error(`${line}: ${result.error}`);
        else log.info(line);
      } catch (error) {
        log.error(`archive schedule: run threw: ${(error as Error).message}`);
      } finally {
        running = null;
        plan();
      }
    })();
  };

  plan();
  return {
    nextRunAt: () => (stopped ? null : next),
    stop: async () => {
      stopped = true;
      next = null;
      if (timer) clearTimeout(timer);
      abort.abort();
      await running;
    },
  };
}
