// The arguments of `npm run archive`: defaults from the environment, flags override, bad values
// are refused with the flag's name.
import { describe, expect, it } from 'vitest';

import { parseArchiveArgs } from './options';

const env = { ARCHIVE_AFTER_DAYS: 365, EMPTY_CHAT_DAYS: 90, UNCLAIMED_UPLOAD_DAYS: 7, ARCHIVE_BATCH_SIZE: 5000 };

describe('parseArchiveArgs', () => {
  it('takes the defaults from the environment', () => {
    expect(parseArchiveArgs([], env)).toEqual({
      ok: true,
      command: {
        kind: 'run',
        options: { olderThanDays: 365, emptyChatDays: 90, unclaimedUploadDays: 7, batchSize: 5000, dryRun: false },
      },
    });
  });

  it('lets flags override them', () => {
    expect(
      parseArchiveArgs(
        [
          '--dry-run',
          '--older-than',
          '30',
          '--batch-size=200',
          '--max-batches',
          '3',
          '--empty-chat-days',
          '7',
          '--unclaimed-upload-days',
          '2',
        ],
        env,
      ),
    ).toEqual({
      ok: true,
      command: {
        kind: 'run',
        options: {
          olderThanDays: 30,
          emptyChatDays: 7,
          unclaimedUploadDays: 2,
          batchSize: 200,
          maxBatches: 3,
          dryRun: true,
        },
      },
    });
    expect(parseArchiveArgs(['--schedule'], env)).toMatchObject({ ok: true, command: { kind: 'schedule' } });
    expect(parseArchiveArgs(['--help'], env)).toEqual({ ok: true, command: { kind: 'help' } });
  });

  it.each([
    [['--older-than', 'abc'], '--older-than "abc": must be a whole number'],
    [['--older-than', '-5'], "Option '--older-than' argument is ambiguous"],
    [['--batch-size', '1.5'], '--batch-size "1.5": must be a whole number'],
    [['--unclaimed-upload-days', '0'], '--unclaimed-upload-days "0": must be at least 1'],
    [['--batch-size', '0'], '--batch-size "0": must be at least 1'],
    [['--batch-size', '100001'], '--batch-size "100001": must be at most 100000'],
    [['--max-batches', ''], '--max-batches "": must be a whole number'],
    [['--dry-run=yes'], "Option '--dry-run' does not take an argument"],
    [['extra'], "Unexpected argument 'extra'"],
    [['--batch'], "Unknown option '--batch'"],
  ])('refuses %j', (argv, message) => {
    const parsed = parseArchiveArgs(argv, env);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toContain(message);
  });
});
