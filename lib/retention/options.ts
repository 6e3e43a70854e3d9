// The retention job's options: their zod schema and the parser of `npm run archive` arguments.
// Defaults come from the environment (ARCHIVE_AFTER_DAYS, EMPTY_CHAT_DAYS, UNCLAIMED_UPLOAD_DAYS,
// ARCHIVE_BATCH_SIZE);
// flags override them. Kept apart from the CLI so the parser is unit-tested without a process.
import { parseArgs } from 'node:util';
import { z } from 'zod';

// CLI values arrive as strings: accept only plain digits, so "1e3", "12abc" or "-5" are refused
// instead of being coerced into something the operator did not mean.
const wholeNumber = (min: number, max: number) =>
  z
    .union([z.number(), z.string()])
    .transform((value, ctx) => {
      if (typeof value === 'number') return value;
      if (/^\d+$/.test(value)) return Number(value);
      ctx.addIssue({ code: 'custom', message: 'must be a whole number' });
      return z.NEVER;
    })
    .pipe(
      z.number().int('must be a whole number').min(min, `must be at least ${min}`).max(max, `must be at most ${max}`),
    );

export const ArchiveOptionsSchema = z.object({
  /** Messages created more than this many days ago are archived. */
  olderThanDays: wholeNumber(1, 36_500),
  /** Chats with no message at all and no activity for this many days are deleted. */
  emptyChatDays: wholeNumber(1, 36_500),
  /** Uploads no message holds are deleted this many days after the upload (unset: 7). */
  unclaimedUploadDays: wholeNumber(1, 36_500).optional(),
  /** Rows per transaction, for messages, chats and uploads. */
  batchSize: wholeNumber(1, 100_000),
  /** Stop each phase (archive, chat cleanup, uploads) after this many batches; unset: run to the end. */
  maxBatches: wholeNumber(1, 10_000_000).optional(),
  /** Count what would be done, change nothing (but the audit row of the run). */
  dryRun: z.boolean(),
});

export type ArchiveOptions = z.infer<typeof ArchiveOptionsSchema>;

export const DEFAULT_UNCLAIMED_UPLOAD_DAYS = 7;

export interface RetentionEnv {
  ARCHIVE_AFTER_DAYS: number;
  EMPTY_CHAT_DAYS: number;
  UNCLAIMED_UPLOAD_DAYS: number;
  ARCHIVE_BATCH_SIZE: number;
}

export type CliCommand =
  { kind: 'run'; options: ArchiveOptions } | { kind: 'schedule'; options: ArchiveOptions } | { kind: 'help' };

export type ParsedCli = { ok: true; command: CliCommand } | { ok: false; error: string };

export const ARCHIVE_USAGE = `usage: npm run archive -- [options]
  --dry-run               count what would be archived and deleted, change nothing
  --older-than <days>     archive messages older than this (default ARCHIVE_AFTER_DAYS, 365)
  --empty-chat-days <d>   delete empty chats idle this long (default EMPTY_CHAT_DAYS, 90)
  --unclaimed-upload-days <d>
                          delete uploads no message holds this long after upload
                          (default UNCLAIMED_UPLOAD_DAYS, 7)
  --batch-size <n>        rows per transaction (default ARCHIVE_BATCH_SIZE, 5000)
  --max-batches <n>       stop each phase after n batches (default: run to the end)
  --schedule              stay running and start the job on ARCHIVE_SCHEDULE
  --help                  this text
exit codes: 0 done, 1 failed, 2 another run holds the lock, 64 bad options, 130 interrupted`;

export function parseArchiveArgs(argv: string[], env: RetentionEnv): ParsedCli {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        'dry-run': { type: 'boolean', default: false },
        'older-than': { type: 'string' },
        'empty-chat-days': { type: 'string' },
        'unclaimed-upload-days': { type: 'string' },
        'batch-size': { type: 'string' },
        'max-batches': { type: 'string' },
        schedule: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
  if (values.help) return { ok: true, command: { kind: 'help' } };

  const raw = {
    olderThanDays: values['older-than'] ?? env.ARCHIVE_AFTER_DAYS,
    emptyChatDays: values['empty-chat-days'] ?? env.EMPTY_CHAT_DAYS,
    unclaimedUploadDays: values['unclaimed-upload-days'] ?? env.UNCLAIMED_UPLOAD_DAYS,
    batchSize: values['batch-size'] ?? env.ARCHIVE_BATCH_SIZE,
    maxBatches: values['max-batches'],
    dryRun: values['dry-run'] === true,
  };
  const parsed = ArchiveOptionsSchema.safeParse(raw);
  if (!parsed.success) {
    const flag: Record<string, string> = {
      olderThanDays: '--older-than',
      emptyChatDays: '--empty-chat-days',
      unclaimedUploadDays: '--unclaimed-upload-days',
      batchSize: '--batch-size',
      maxBatches: '--max-batches',
    };
    const issues = parsed.error.issues.map((i) => {
      const key = String(i.path[0]);
      const given = raw[key as keyof typeof raw];
      return `${flag[key] ?? key} ${JSON.stringify(String(given))}: ${i.message}`;
    });
    return { ok: false, error: issues.join('; ') };
  }
  return { ok: true, command: { kind: values.schedule ? 'schedule' : 'run', options: parsed.data } };
}
