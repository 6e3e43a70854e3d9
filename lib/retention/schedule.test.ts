// ARCHIVE_SCHEDULE: the pure parser and next-run arithmetic, and the worker loop on fake timers
// (the job itself is a stub here; the job is tested on a real database elsewhere).
import { afterEach, describe, expect, it, vi } from 'vitest';

import { parseEnv } from '../env';
import type { ArchiveJobResult } from './run-archive-job';
import { startArchiveSchedule } from './schedule';
import { nextRunAfter, parseDuration, parseSchedule } from './schedule-spec';

describe('parseSchedule', () => {
  it.each([
    ['03:30', { kind: 'daily', hour: 3, minute: 30 }],
    ['0:05', { kind: 'daily', hour: 0, minute: 5 }],
    ['23:59', { kind: 'daily', hour: 23, minute: 59 }],
    [' 12:00 ', { kind: 'daily', hour: 12, minute: 0 }],
    ['@daily', { kind: 'daily', hour: 0, minute: 0 }],
    ['@every 30m', { kind: 'every', ms: 30 * 60_000 }],
    ['@every 6h', { kind: 'every', ms: 6 * 3_600_000 }],
    ['@every 1h30m', { kind: 'every', ms: 90 * 60_000 }],
    ['@every 1d', { kind: 'every', ms: 86_400_000 }],
    ['@every 45s', { kind: 'every', ms: 45_000 }],
  ])('accepts %j', (text, spec) => {
    expect(parseSchedule(text)).toEqual({ ok: true, spec });
  });

  it.each([
    ['24:00', /not a time of day/],
    ['12:60', /not a time of day/],
    ['3:5', /not a schedule/],
    ['0 3 * * *', /not a schedule/],
    ['@every', /not a schedule/],
    ['@every 10', /not a duration/],
    ['@every 1.5h', /not a duration/],
    ['@every 5x', /not a duration/],
    ['@every 0s', /out of range/],
    ['@every 25d', /out of range/],
    ['', /not a schedule/],
  ])('refuses %j', (text, message) => {
    const parsed = parseSchedule(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(message);
  });

  it('parses durations by adding their parts', () => {
    expect(parseDuration('1d2h3m4s')).toBe(86_400_000 + 2 * 3_600_000 + 3 * 60_000 + 4_000);
    expect(parseDuration('h')).toBeNull();
  });

  it('is what lib/env uses to validate ARCHIVE_SCHEDULE', () => {
    expect(parseEnv({ ARCHIVE_SCHEDULE: '@every 6h' }).ARCHIVE_SCHEDULE).toBe('@every 6h');
    expect(() => parseEnv({ ARCHIVE_SCHEDULE: '25:00' })).toThrow(/ARCHIVE_SCHEDULE: "25:00" is not a time of day/);
    expect(parseEnv({})).toMatchObject({ ARCHIVE_AFTER_DAYS: 365, EMPTY_CHAT_DAYS: 90, ARCHIVE_BATCH_SIZE: 5000 });
    expect(parseEnv({}).ARCHIVE_SCHEDULE).toBeUndefined();
    expect(() => parseEnv({ ARCHIVE_BATCH_SIZE: '0' })).toThrow(/ARCHIVE_BATCH_SIZE/);
  });
});

describe('nextRunAfter', () => {
  const daily = { kind: 'daily', hour: 3, minute: 30 } as const;

  it('is later the same UTC day before the time, the next day at or after it', () => {
    expect(nextRunAfter(daily, new Date('2026-03-10T01:00:00Z'))).toEqual(new Date('2026-03-10T03:30:00Z'));
    expect(nextRunAfter(daily, new Date('2026-03-10T03:30:00Z'))).toEqual(new Date('2026-03-11T03:30:00Z'));
    expect(nextRunAfter(daily, new Date('2026-03-10T22:00:00Z'))).toEqual(new Date('2026-03-11T03:30:00Z'));
  });

  it('crosses month and year ends', () => {
    expect(nextRunAfter(daily, new Date('2026-12-31T04:00:00Z'))).toEqual(new Date('2027-01-01T03:30:00Z'));
    expect(nextRunAfter(daily, new Date('2028-02-28T04:00:00Z'))).toEqual(new Date('2028-02-29T03:30:00Z'));
  });

  it('adds the interval for @every', () => {
    expect(nextRunAfter({ kind: 'every', ms: 60_000 }, new Date('2026-03-10T01:00:30Z'))).toEqual(
      new Date('2026-03-10T01:01:30Z'),
    );
  });
});

describe('startArchiveSchedule', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  const result = (): ArchiveJobResult => ({
    outcome: 'completed',
    dryRun: false,
    options: { olderThanDays: 365, emptyChatDays: 90, batchSize: 5000, dryRun: false },
    archivedMessages: 7,
    movedFiles: 0,
    deletedChats: 1,
    deletedUploads: 0,
    sweptPartialUploads: 0,
    remainingMessages: 0,
    durationMs: 5,
    cutoff: null,
    emptyChatCutoff: null,
    uploadCutoff: null,
  });
  const quiet = () => {
    const lines: string[] = [];
    return { lines, log: { info: (m: string) => lines.push(m), error: (m: string) => lines.push(`ERROR ${m}`) } };
  };

  it('runs daily at HH:MM UTC', async () => {
    vi.useFakeTimers({ now: new Date('2026-03-10T01:00:00Z') });
    const starts: string[] = [];
    const { log, lines } = quiet();
    const handle = startArchiveSchedule({
      schedule: '03:30',
      log,
      run: async () => {
        starts.push(new Date().toISOString());
        return result();
      },
    });
    expect(handle.nextRunAt()).toEqual(new Date('2026-03-10T03:30:00Z'));
    await vi.advanceTimersByTimeAsync(2.5 * 3_600_000 - 1);
    expect(starts).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(starts).toEqual(['2026-03-10T03:30:00.000Z']);
    await vi.advanceTimersByTimeAsync(24 * 3_600_000);
    expect(starts).toEqual(['2026-03-10T03:30:00.000Z', '2026-03-11T03:30:00.000Z']);
    expect(lines).toContain(
      'archive schedule: run completed: archived 7 messages, deleted 1 chats and 0 unclaimed uploads in 5ms',
    );
    await handle.stop();
    expect(handle.nextRunAt()).toBeNull();
  });

  it('@every waits the interval after a run ends, so runs never overlap, and keeps going after a failure', async () => {
    vi.useFakeTimers({ now: new Date('2026-03-10T00:00:00Z') });
    const starts: number[] = [];
    let running = 0;
    let maxRunning = 0;
    const { log, lines } = quiet();
    const handle = startArchiveSchedule({
      schedule: '@every 10m',
      log,
      run: async () => {
        starts.push(Date.now());
        running += 1;
        maxRunning = Math.max(maxRunning, running);
        // Each run takes 15 minutes: longer than the interval.
        await new Promise((r) => setTimeout(r, 15 * 60_000));
        running -= 1;
        if (starts.length === 1) throw new Error('database went away');
        return result();
      },
    });
    await vi.advanceTimersByTimeAsync(60 * 60_000);
    const t0 = Date.parse('2026-03-10T00:00:00Z');
    // Starts at 10m, then 10m after each 15-minute run ends: 10, 35, 60.
    expect(starts.map((t) => (t - t0) / 60_000)).toEqual([10, 35, 60]);
    expect(maxRunning).toBe(1);
    expect(lines).toContain('ERROR archive schedule: run threw: database went away');
    await vi.advanceTimersByTimeAsync(15 * 60_000);
    await handle.stop();
  });

  it('stop() cancels the timer and aborts a running job', async () => {
    vi.useFakeTimers({ now: new Date('2026-03-10T00:00:00Z') });
    let signal: AbortSignal | undefined;
    let runs = 0;
    const handle = startArchiveSchedule({
      schedule: '@every 1m',
      log: quiet().log,
      run: (s) => {
        runs += 1;
        signal = s;
        // A job that stops between batches when aborted, as runArchiveJob does.
        return new Promise((resolve) =>
          s.addEventListener('abort', () => resolve({ ...result(), outcome: 'interrupted' })),
        );
      },
    });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(runs).toBe(1);
    await handle.stop();
    expect(signal?.aborted).toBe(true);
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(runs).toBe(1);
  });

  it('refuses an invalid schedule at start-up', () => {
    expect(() => startArchiveSchedule({ schedule: 'daily', run: async () => result() })).toThrow(
      /ARCHIVE_SCHEDULE: "daily" is not a schedule/,
    );
  });
});
