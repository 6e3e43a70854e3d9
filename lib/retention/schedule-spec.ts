// ARCHIVE_SCHEDULE, parsed: a daily UTC time `HH:MM` (or `@daily`, meaning 00:00) or
// `@every <duration>` (`30m`, `6h`, `1h30m`, `1d`). Pure functions, no imports, so lib/env.ts can
// validate the variable with the same parser the worker uses.
//
// Why no cron library: none is installed (node_modules has no cron parser), the job needs only
// "once a day at a time" or "every N", and a 40-line parser with tests is easier to trust than a
// new dependency and the full cron grammar nobody here needs.

export type ScheduleSpec = { kind: 'daily'; hour: number; minute: number } | { kind: 'every'; ms: number };

export type ParsedSchedule = { ok: true; spec: ScheduleSpec } | { ok: false; error: string };

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
// setTimeout cannot wait longer than 2^31-1 ms (~24.8 days); longer intervals would fire at once.
const MAX_INTERVAL_MS = 24 * UNIT_MS.d;
const MIN_INTERVAL_MS = UNIT_MS.s;

export const SCHEDULE_HELP =
  'expected "HH:MM" (daily, UTC), "@daily" or "@every <duration>" such as 30m, 6h, 1h30m, 1d';

export function parseSchedule(text: string): ParsedSchedule {
  const value = text.trim();
  if (value === '@daily') return { ok: true, spec: { kind: 'daily', hour: 0, minute: 0 } };

  const daily = /^(\d{1,2}):(\d{2})$/.exec(value);
  if (daily) {
    const hour = Number(daily[1]);
    const minute = Number(daily[2]);
    if (hour > 23 || minute > 59) return { ok: false, error: `"${value}" is not a time of day; ${SCHEDULE_HELP}` };
    return { ok: true, spec: { kind: 'daily', hour, minute } };
  }

  const every = /^@every\s+(\S+)$/.exec(value);
  if (every) {
    const ms = parseDuration(every[1]!);
    if (ms === null) return { ok: false, error: `"${every[1]}" is not a duration; ${SCHEDULE_HELP}` };
    if (ms < MIN_INTERVAL_MS || ms > MAX_INTERVAL_MS) {
      return { ok: false, error: `"${every[1]}" is out of range: the interval must be between 1s and 24d` };
    }
    return { ok: true, spec: { kind: 'every', ms } };
  }
  return { ok: false, error: `"${value}" is not a schedule; ${SCHEDULE_HELP}` };
}

/** `1h30m` → 5,400,000; null when the text is not a sequence of <integer><s|m|h|d>. */
export function parseDuration(text: string): number | null {
  if (!/^(\d+[smhd])+$/.test(text)) return null;
  let total = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+)([smhd])/g)) {
    total += Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
  }
  return total;
}

/**
 * When the next run starts, given that the previous one ended (or the worker started) at `from`.
 * Daily: the next HH:MM UTC strictly after `from`. Every: `from` + interval, so a run that takes
 * longer than the interval never overlaps the next one.
 */
export function nextRunAfter(spec: ScheduleSpec, from: Date): Date {
  if (spec.kind === 'every') return new Date(from.getTime() + spec.ms);
  const next = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate(), spec.hour, spec.minute));
  if (next.getTime() <= from.getTime()) next.setUTCDate(next.getUTCDate() + 1);
  return next;
}

export function describeSchedule(spec: ScheduleSpec): string {
  if (spec.kind === 'every') return `every ${spec.ms / 1000}s`;
  return `daily at ${String(spec.hour).padStart(2, '0')}:${String(spec.minute).padStart(2, '0')} UTC`;
}
