// The process environment, parsed once with zod when first imported. Every module reads
// configuration from here, never from process.env directly. Defaults are documented in
// .env.example; they make `npm run dev` work on a fresh machine.
import { z } from 'zod';
import { DEFAULT_RATE_LIMITS } from './rate-limits';
import { DEFAULT_UNCLAIMED_UPLOAD_DAYS } from './retention/options';
import { parseDuration, parseSchedule } from './retention/schedule-spec';

export const DEMO_SECRET = 'stayeasy-demo-secret-change-me-in-production';

const port = z.coerce.number().int().min(0).max(65535);
/** A duration as `30s`, `2m`, `1h30m` (lib/retention/schedule-spec.ts), in milliseconds. */
const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value, ctx) => {
      const ms = parseDuration(value);
      if (ms === null) ctx.addIssue({ code: 'custom', message: 'must be a duration such as 30s, 2m or 1h30m' });
      return ms ?? 0;
    });
// A host (name, IPv4, or IPv6 in brackets) and a port, as in a URL.
const HOST_PORT = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+):(\d{1,5})$/;
const isHostPort = (entry: string) => {
  const port = HOST_PORT.exec(entry)?.[2];
  return port !== undefined && Number(port) <= 65535;
};

const EnvSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    // Set by Next.js; 'phase-production-build' while `next build` runs.
    NEXT_PHASE: z.string().optional(),
    // Absent in development: scripts/dev.ts starts an embedded PostgreSQL and sets it.
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// URL')
      .optional(),
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
    EMBEDDED_PG_PORT: port.default(54329),
    EMBEDDED_PG_DIR: z.string().default('.data/postgres'),
    PORT: port.default(3000),
    REALTIME_PORT: port.default(3001),
    // Defaults follow PORT / REALTIME_PORT (see the transform below).
    FRONTEND_URL: z.string().url().optional(),
    NEXT_PUBLIC_REALTIME_URL: z.string().url().optional(),
    // next-auth reads it itself; listed so a malformed value fails at start.
    NEXTAUTH_URL: z.string().url().optional(),
    JWT_SECRET: z.string().min(16).default(DEMO_SECRET),
    NEXTAUTH_SECRET: z.string().min(16).default(DEMO_SECRET),
    // Per-user write limits, on sockets and REST alike.
    SEND_LIMIT: z.coerce.number().int().min(1).default(DEFAULT_RATE_LIMITS.sendPoints),
    SEND_LIMIT_SECONDS: z.coerce.number().int().min(1).default(DEFAULT_RATE_LIMITS.sendDurationSeconds),
    TYPING_LIMIT: z.coerce.number().int().min(1).default(DEFAULT_RATE_LIMITS.typingPoints),
    TYPING_LIMIT_SECONDS: z.coerce.number().int().min(1).default(DEFAULT_RATE_LIMITS.typingDurationSeconds),
    // Everything else a client sends (joining and leaving chats, read receipts), together.
    EVENT_LIMIT: z.coerce.number().int().min(1).default(DEFAULT_RATE_LIMITS.eventPoints),
    EVENT_LIMIT_SECONDS: z.coerce.number().int().min(1).default(DEFAULT_RATE_LIMITS.eventDurationSeconds),
    // Failed sign-ins per client address per 15 minutes (and 5 per email from one address).
    SIGN_IN_LIMIT_PER_IP: z.coerce.number().int().min(1).default(30),
    // Open sockets per user on one realtime node; unset: the server's default.
    MAX_SOCKETS_PER_USER: z.coerce.number().int().min(1).optional(),
    // Unset: the realtime /metrics is open to whoever reaches it (keep it off the public proxy).
    METRICS_TOKEN: z.string().min(16).optional(),
    REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\//, 'must be a redis:// URL')
      .optional(),
    UPLOAD_DIR: z.string().default('.data/uploads'),
    UPLOAD_MAX_BYTES: z.coerce
      .number()
      .int()
      .min(1)
      .default(10 * 1024 * 1024),
    // Uploads one user may have in flight at once, in one web process (each process counts its own).
    UPLOAD_CONCURRENCY_PER_USER: z.coerce.number().int().min(1).default(3),
    // Uploads a user may hold that no message has claimed yet (uploaded, not sent): their number
    // and their total size.
    UNCLAIMED_UPLOAD_MAX_COUNT: z.coerce.number().int().min(1).default(20),
    UNCLAIMED_UPLOAD_MAX_BYTES: z.coerce
      .number()
      .int()
      .min(1)
      .default(100 * 1024 * 1024),
    // For tests only: `host:port` pairs, comma-separated, as a URL writes them (127.0.0.1:3102,
    // [::1]:8080), that attachments named by URL may come from although their address is not
    // public or their port not 80/443, over plain http too (lib/attachments/remote-fetch.ts,
    // RemoteFetchAllowance): the tests' local file servers. It opens the server's own network to
    // its users' URLs, so a production server refuses to start with it (below).
    ATTACHMENT_FETCH_ALLOW: z
      .string()
      .default('')
      .transform((list) =>
        list
          .split(',')
          .map((entry) => entry.trim().toLowerCase())
          .filter(Boolean),
      )
      .pipe(z.array(z.string().refine(isHostPort, 'must be host:port pairs, comma-separated (127.0.0.1:3102)'))),
    // Set to 1 by scripts/dev.ts in the processes it starts: the whole stack on one machine over
    // an embedded database (`npm run dev`, and the browser tests' production build, which runs
    // with NODE_ENV=production), never a deployment. Only lets those start with
    // ATTACHMENT_FETCH_ALLOW.
    STAYEASY_LOCAL_STACK: z.enum(['0', '1']).optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    // Email for unread messages (lib/notifications). SMTP_URL unset: no emails are sent (npm run
    // dev starts a local mail catcher and sets it). MAIL_FROM is the sender shown.
    SMTP_URL: z
      .string()
      .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
      .optional(),
    MAIL_FROM: z.string().min(3).default('StayEasy <no-reply@stayeasy.localhost>'),
    // A message left unread this long is emailed (if its recipient has no inbox open and visible);
    // the next email for the same conversation waits at least UNREAD_EMAIL_MIN_INTERVAL.
    UNREAD_EMAIL_DELAY: duration('2m'),
    UNREAD_EMAIL_MIN_INTERVAL: duration('15m'),
    // Retention (npm run archive, lib/retention): messages older than ARCHIVE_AFTER_DAYS move to
    // archived_messages; chats with no message at all and no activity for EMPTY_CHAT_DAYS are
    // deleted. ARCHIVE_SCHEDULE unset: the job runs only when started by hand.
    ARCHIVE_AFTER_DAYS: z.coerce.number().int().min(1).default(365),
    EMPTY_CHAT_DAYS: z.coerce.number().int().min(1).default(90),
    // Uploads no message holds (removed from the composer, never sent) are deleted this long
    // after the upload, with their bytes.
    UNCLAIMED_UPLOAD_DAYS: z.coerce.number().int().min(1).default(DEFAULT_UNCLAIMED_UPLOAD_DAYS),
    ARCHIVE_BATCH_SIZE: z.coerce.number().int().min(1).max(100_000).default(5000),
    ARCHIVE_SCHEDULE: z
      .string()
      .optional()
      .superRefine((value, ctx) => {
        if (value === undefined) return;
        const parsed = parseSchedule(value);
        if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.error });
      }),
  })
  .superRefine((value, ctx) => {
    // A build serves nobody: it needs no secrets, and an allowance cannot be misused. The server
    // built checks both when it starts (instrumentation.ts, realtime/main.ts).
    if (value.NODE_ENV !== 'production' || value.NEXT_PHASE === 'phase-production-build') return;
    for (const key of ['JWT_SECRET', 'NEXTAUTH_SECRET'] as const) {
      if (value[key] === DEMO_SECRET) {
        ctx.addIssue({ code: 'custom', path: [key], message: 'must be set to a real secret in production' });
      }
    }
    // The local stack (scripts/dev.ts --built) runs production builds on one machine, for the
    // browser tests: their file server is local too.
    if (value.ATTACHMENT_FETCH_ALLOW.length > 0 && value.STAYEASY_LOCAL_STACK !== '1') {
      ctx.addIssue({
        code: 'custom',
        path: ['ATTACHMENT_FETCH_ALLOW'],
        message: 'is for tests: it lets attachment URLs reach local addresses, so production refuses it',
      });
    }
  })
  .transform((value) => ({
    ...value,
    FRONTEND_URL: value.FRONTEND_URL ?? `http://localhost:${value.PORT}`,
    NEXT_PUBLIC_REALTIME_URL: value.NEXT_PUBLIC_REALTIME_URL ?? `http://localhost:${value.REALTIME_PORT}`,
  }));

export type Env = z.output<typeof EnvSchema>;

export function parseEnv(source: Record<string, string | undefined>): Env {
  // Empty strings (as left by `FOO=` in a .env file) mean "not set".
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const result = EnvSchema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join('\n')}`);
  }
  return result.data;
}

export const env: Env = parseEnv(process.env);

export function requireDatabaseUrl(): string {
  if (!env.DATABASE_URL) {
    throw new Error(
      'DATABASE_URL is not set (npm run dev sets it for its embedded PostgreSQL; a production server must be given it)',
    );
  }
  return env.DATABASE_URL;
}
