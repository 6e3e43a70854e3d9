// Test helpers of lib/retention (not a test file itself): bulk history made with generate_series
// on the file's own database, snapshots that prove nothing was lost, and a runner of the real CLI.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';

export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
const TSX = path.join(REPO_ROOT, 'node_modules/.bin/tsx');

export function databaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set (the Vitest setup sets it)');
  return url;
}

export async function connect(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: databaseUrl() });
  client.on('error', () => {});
  await client.connect();
  return client;
}

export async function withClient<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = await connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** An owner, a property and `chats` guests each with one chat, ids prefixed by `prefix`. */
export async function seedChats(
  client: pg.ClientBase,
  prefix: string,
  chats: number,
  chat: { createdDaysAgo?: number; updatedDaysAgo?: number; lastMessageDaysAgo?: number | null } = {},
): Promise<string[]> {
  await client.query(
    `INSERT INTO users (id, email, name, password_hash, role, updated_at)
     VALUES ($1 || 'owner', $1 || 'owner@retention.test', 'Owner', 'x', 'OWNER', now())
     ON CONFLICT DO NOTHING`,
    [prefix],
  );
  await client.query(
    `INSERT INTO properties (id, owner_id, name) VALUES ($1 || 'prop', $1 || 'owner', 'P') ON CONFLICT DO NOTHING`,
    [prefix],
  );
  const created = chat.createdDaysAgo ?? 1200;
  const { rows } = await client.query<{ id: string }>(
    `WITH guests AS (
       INSERT INTO users (id, email, name, password_hash, updated_at)
       SELECT $1 || 'guest' || g, $1 || 'guest' || g || '@retention.test', 'Guest ' || g, 'x', now()
       FROM generate_series(1, $2::int) g
       RETURNING id
     )
     INSERT INTO chats (id, guest_id, owner_id, property_id, created_at, updated_at, last_message_at)
     SELECT replace(id, 'guest', 'chat'), id, $1 || 'owner', $1 || 'prop',
            now() - make_interval(days => $3), now() - make_interval(days => $4),
            CASE WHEN $5::int IS NULL THEN NULL ELSE now() - make_interval(days => $5::int) END
     FROM guests
     RETURNING id`,
    [
      prefix,
      chats,
      created,
      chat.updatedDaysAgo ?? created,
      chat.lastMessageDaysAgo === undefined ? 0 : chat.lastMessageDaysAgo,
    ],
  );
  return rows.map((r) => r.id).sort();
}

/**
 * `count` messages spread evenly over the last `spanDays` days (message 1 newest), round-robin
 * over the chats of seedChats(prefix, chats); every `filesEvery`-th message has an attachment.
 * A third are unread, a fifth carry a clientMessageId, so every column has something to copy.
 */
export async function seedMessages(
  client: pg.ClientBase,
  options: { prefix: string; chats: number; count: number; spanDays: number; offsetDays?: number; filesEvery?: number },
): Promise<void> {
  const { prefix, chats, count, spanDays } = options;
  await client.query(
    `INSERT INTO messages (id, chat_id, sender_id, recipient_id, property_id, content, client_message_id, created_at, read_at)
     SELECT $1 || 'm' || i, $1 || 'chat' || (i % $2 + 1),
            CASE WHEN i % 2 = 0 THEN $1 || 'guest' || (i % $2 + 1) ELSE $1 || 'owner' END,
            CASE WHEN i % 2 = 0 THEN $1 || 'owner' ELSE $1 || 'guest' || (i % $2 + 1) END,
            $1 || 'prop', 'message ' || i || ' of ' || $1,
            CASE WHEN i % 5 = 0 THEN 'client-' || i END,
            t, CASE WHEN i % 3 = 0 THEN NULL ELSE t + interval '1 minute' END
     FROM generate_series(1, $3::int) i,
          LATERAL (SELECT now() - make_interval(days => $5::int)
                         - make_interval(secs => (i - 0.5) * $4::float8 * 86400 / $3::int) AS t) ts`,
    [prefix, chats, count, spanDays, options.offsetDays ?? 0],
  );
  if (options.filesEvery) {
    await client.query(
      `INSERT INTO files (id, uploader_id, message_id, original_name, mime_type, size, storage_key)
       SELECT $1 || 'f' || i, $1 || 'owner', $1 || 'm' || i, 'photo-' || i || '.jpg', 'image/jpeg', 1000 + i, $1 || 'uploads/' || i
       FROM generate_series($3::int, $2::int, $3::int) i`,
      [prefix, count, options.filesEvery],
    );
  }
}

export interface Snapshot {
  live: number;
  archived: number;
  chats: number;
  files: number;
  auditLogs: number;
  /** Ids in both tables at once: must always be 0. */
  inBoth: number;
  /** Digest of every message (live or archived) over the columns both tables share. */
  messagesDigest: string;
  /** Digest of every file with the message it belongs to, wherever that message lives. */
  filesDigest: string;
  /** Files that lost their message link. */
  detachedFiles: number;
}

export async function snapshot(client: pg.ClientBase): Promise<Snapshot> {
  const { rows } = await client.query<Snapshot>(`
    SELECT (SELECT count(*) FROM messages)::int AS live,
           (SELECT count(*) FROM archived_messages)::int AS archived,
           (SELECT count(*) FROM chats)::int AS chats,
           (SELECT count(*) FROM files)::int AS files,
           (SELECT count(*) FROM audit_logs)::int AS "auditLogs",
           (SELECT count(*) FROM messages m JOIN archived_messages a USING (id))::int AS "inBoth",
           (SELECT coalesce(md5(string_agg(concat_ws('|', id, chat_id, sender_id, recipient_id, property_id, content,
                                                      client_message_id, created_at, read_at), ',' ORDER BY id)), '')
              FROM (SELECT id, chat_id, sender_id, recipient_id, property_id, content, client_message_id, created_at, read_at FROM messages
                    UNION ALL
                    SELECT id, chat_id, sender_id, recipient_id, property_id, content, client_message_id, created_at, read_at FROM archived_messages) u
           ) AS "messagesDigest",
           (SELECT coalesce(md5(string_agg(concat_ws('|', id, coalesce(message_id, archived_message_id), storage_key), ',' ORDER BY id)), '')
              FROM files) AS "filesDigest",
           (SELECT count(*) FROM files WHERE message_id IS NULL AND archived_message_id IS NULL)::int AS "detachedFiles"`);
  return rows[0]!;
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Starts `tsx scripts/archive.ts` in its own process group (tsx runs the script in a child
 * process, so killing only tsx would leave the job running): kill it with killGroup().
 */
export function spawnArchive(args: string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(TSX, ['scripts/archive.ts', ...args], {
    cwd: REPO_ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DATABASE_URL: databaseUrl(), LOG_LEVEL: 'silent', ...env },
  });
}

export function killGroup(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): void {
  if (child.pid) process.kill(-child.pid, signal);
}

export function collect(child: ChildProcess): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => (stdout += d));
  child.stderr?.on('data', (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

export function runArchiveCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return collect(spawnArchive(args, env));
}

/** Resolves once the running archive job has reported its first batch (rejects if it ends first). */
export function firstBatchReported(child: ChildProcess): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let seen = '';
    child.stdout!.on('data', (chunk) => {
      seen += chunk;
      if (/archive: batch \d+:/.test(seen)) resolve();
    });
    child.on('close', () => reject(new Error(`the run ended before its first batch was reported:\n${seen}`)));
  });
}
