// Shared helpers of the benchmark: statistics, process RSS, spawning a server process, sockets,
// bulk fixtures (users, chats, sessions, tokens) written with plain SQL so that setting up
// thousands of them takes milliseconds, not minutes. Nothing here touches lib/env at import
// time: run.ts sets the environment first, then imports the scenarios.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { io as connectClient, type Socket } from 'socket.io-client';

export const ROOT = path.resolve(import.meta.dirname, '..');

export interface Stats {
  n: number;
  minMs: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export function stats(samples: number[]): Stats {
  if (samples.length === 0) return { n: 0, minMs: NaN, p50Ms: NaN, p99Ms: NaN, maxMs: NaN };
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
  const r = (x: number) => Math.round(x * 1000) / 1000;
  return { n: s.length, minMs: r(s[0]!), p50Ms: r(at(0.5)), p99Ms: r(at(0.99)), maxMs: r(s.at(-1)!) };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `fn` repeatedly: at most `count` times and at most `budgetMs` (at least once). */
export async function timeRepeated(count: number, budgetMs: number, fn: () => Promise<unknown>): Promise<Stats> {
  const samples: number[] = [];
  const until = performance.now() + budgetMs;
  for (let i = 0; i < count && (i === 0 || performance.now() < until); i++) {
    const t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  return stats(samples);
}

/** VmRSS of a process, bytes (Linux). */
export function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
  if (!kb) throw new Error(`no VmRSS for ${pid}`);
  return Number(kb) * 1024;
}

/**
 * The kernel's memory monitor (DAMON), when one runs: the first kdamond's state, sampling
 * interval and first scheme's action. On this project's VMs it is on (sampling every 500 ms,
 * paging out cold page cache), and the realtime server's event loop stalled 18-37 ms about every
 * 0.55 s while it ran (BENCHMARKS.md, "The machine"): a run's tail is read against it.
 */
export function readKernelMemoryMonitor(): { state: string; sampleMs: number | null; action: string | null } | null {
  const base = '/sys/kernel/mm/damon/admin/kdamonds/0';
  const read = (file: string) => {
    try {
      return readFileSync(path.join(base, file), 'utf8').trim();
    } catch {
      return null;
    }
  };
  const state = read('state');
  if (state === null) return null;
  const sampleUs = read('contexts/0/monitoring_attrs/intervals/sample_us');
  return {
    state,
    sampleMs: sampleUs === null ? null : Number(sampleUs) / 1000,
    action: read('contexts/0/schemes/0/action'),
  };
}

export interface ServerProcess {
  pid: number;
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts `node --import tsx <script>` (so the pid IS the server, not a tsx wrapper) and waits
 * for `healthPath` (/health). Its stdout/stderr go nowhere unless BENCH_DEBUG is set.
 */
export async function startNodeServer(
  script: string,
  env: Record<string, string>,
  port: number,
  healthPath = '/health',
): Promise<ServerProcess> {
  // BENCH_CPU_PROF=<folder>: each server writes a V8 CPU profile there when it exits.
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const child: ChildProcess = spawn(process.execPath, [...profile, '--import', 'tsx', script], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', process.env.BENCH_DEBUG ? 'inherit' : 'ignore', process.env.BENCH_DEBUG ? 'inherit' : 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${script} exited (${child.exitCode}): ${stderr}`);
    try {
      const res = await fetch(`${url}${healthPath}`);
      if (res.ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${script} did not answer ${healthPath} in 60 s: ${stderr}`);
    }
    await sleep(100);
  }
  return {
    pid: child.pid!,
    url,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export function connectSocket(url: string, token: string, timeoutMs = 30_000): Promise<Socket> {
  const socket = connectClient(url, {
    auth: { token },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error('connect timed out'));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('connect_error', (error) => {
      clearTimeout(timer);
      socket.close();
      reject(error);
    });
  });
}

/** Runs `fn` over items with at most `limit` at once. */
export async function mapLimit<T, R>(
  items: T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!, i);
      }
    }),
  );
  return out;
}

export interface BenchChat {
  chatId: string;
  guestId: string;
  ownerId: string;
  propertyId: string;
  guestSessionId: string;
  ownerSessionId: string;
}

/**
 * `n` chats, each between its own guest and owner about the owner's property, with a live
 * session per user. Ids are lowercase alphanumerics (what the API's id schema accepts).
 */
export async function makeChats(pool: pg.Pool, prefix: string, n: number): Promise<BenchChat[]> {
  const p = `b${prefix}`;
  const q = (sql: string) => pool.query(sql, [p, n]);
  await q(`INSERT INTO users (id, email, name, password_hash, role, updated_at)
    SELECT $1 || 'g' || lpad(i::text, 6, '0'), $1 || 'g' || lpad(i::text, 6, '0') || '@bench.test', 'Guest ' || lpad(i::text, 6, '0'), 'x', 'GUEST'::role, now() FROM generate_series(1, $2::int) i
    UNION ALL
    SELECT $1 || 'o' || lpad(i::text, 6, '0'), $1 || 'o' || lpad(i::text, 6, '0') || '@bench.test', 'Owner ' || lpad(i::text, 6, '0'), 'x', 'OWNER'::role, now() FROM generate_series(1, $2::int) i`);
  await q(
    `INSERT INTO properties (id, owner_id, name) SELECT $1 || 'p' || lpad(i::text, 6, '0'), $1 || 'o' || lpad(i::text, 6, '0'), 'Villa ' || lpad(i::text, 6, '0') FROM generate_series(1, $2::int) i`,
  );
  await q(`INSERT INTO chats (id, guest_id, owner_id, property_id, updated_at)
    SELECT $1 || 'c' || lpad(i::text, 6, '0'), $1 || 'g' || lpad(i::text, 6, '0'), $1 || 'o' || lpad(i::text, 6, '0'), $1 || 'p' || lpad(i::text, 6, '0'), now() FROM generate_series(1, $2::int) i`);
  await q(`INSERT INTO sessions (id, user_id, expires_at)
    SELECT $1 || 's' || k || lpad(i::text, 6, '0'), $1 || k || lpad(i::text, 6, '0'), now() + interval '1 day' FROM generate_series(1, $2::int) i, unnest(ARRAY['g','o']) k`);
  return Array.from({ length: n }, (_, j) => {
    const i = String(j + 1).padStart(6, '0');
    return {
      chatId: `${p}c${i}`,
      guestId: `${p}g${i}`,
      ownerId: `${p}o${i}`,
      propertyId: `${p}p${i}`,
      guestSessionId: `${p}sg${i}`,
      ownerSessionId: `${p}so${i}`,
    };
  });
}

/** A realtime token as the web app issues it (1 h, so a long run never sees one expire). */
export async function tokenFor(userId: string, sessionId: string): Promise<string> {
  const { issueRealtimeToken } = await import('../lib/auth/realtime-token');
  return (await issueRealtimeToken({ userId, sessionId }, { ttlSeconds: 3600 })).token;
}

let seq = 0;
export const uniqueId = (tag: string) =>
  `${tag}${process.pid.toString(36)}${Date.now().toString(36)}${(seq++).toString(36)}`;
