// npm run bench [-- --quick] [-- --only send,latency,...] [-- --no-record]
// Starts its own embedded PostgreSQL (temp folder, fsync on, default settings), migrates it, runs
// the scenarios of issue 7 against real server processes on 127.0.0.1, prints a table, writes
// bench/results/latest.json and appends a dated section to BENCHMARKS.md. With --no-record (a
// check, not a result to keep) the figures go to bench/results/run-<time>.json instead (ignored by
// git), and the committed ones stay as they are. Every loop is bounded by a count and a time.
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { ensureDatabase, startEmbeddedPostgres } from '../lib/db/embedded';
import { migrate } from '../lib/db/migrate';
import { freePort } from '../test/free-port';
import { readKernelMemoryMonitor, ROOT, startNodeServer, timeRepeated } from './common';
import type { BenchContext } from './scenarios/context';
import { formatReport } from './report';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const record = !args.includes('--no-record');
const onlyArg = args.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const only = onlyArg ? new Set(onlyArg.split(',')) : null;
const wanted = (name: string) => !only || only.has(name);
const POOL_SIZE = 10;

const t0 = performance.now();
const log = (line: string) =>
  console.log(`[bench ${((performance.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${line}`);

async function main() {
  const folder = await mkdtemp(path.join(os.tmpdir(), 'stayeasy-bench-pg-'));
  const pgPort = await freePort();
  log(`starting PostgreSQL in ${folder} (fsync on, default settings)`);
  const server = await startEmbeddedPostgres({ dir: path.join(folder, 'data'), port: pgPort });
  let pool: pg.Pool | null = null;
  const cleanup = async () => {
    await pool?.end().catch(() => {});
    await server.stop().catch(() => {});
    await rm(folder, { recursive: true, force: true }).catch(() => {});
  };
  process.once('SIGINT', () => void cleanup().finally(() => process.exit(130)));
  try {
    await ensureDatabase(server.adminUrl, 'bench');
    const dbUrl = server.urlFor('bench');
    await migrate(dbUrl);

    // The environment of this process and of the servers it starts; lib/env reads it on import.
    const secret = randomBytes(24).toString('hex');
    Object.assign(process.env, {
      DATABASE_URL: dbUrl,
      DATABASE_POOL_SIZE: String(POOL_SIZE),
      JWT_SECRET: secret,
      NEXTAUTH_SECRET: secret,
      LOG_LEVEL: 'silent',
    });
    pool = new pg.Pool({ connectionString: dbUrl, max: 4 });

    const serverEnv = (port: number): Record<string, string> => ({
      NODE_ENV: 'production',
      DATABASE_URL: dbUrl,
      DATABASE_POOL_SIZE: String(POOL_SIZE),
      JWT_SECRET: secret,
      NEXTAUTH_SECRET: secret,
      LOG_LEVEL: 'silent',
      REALTIME_PORT: String(port),
      SEED_PORT: String(port),
      // The per-user send limit (30 per 10 s by default) would cap one client; its cost is still paid.
      SEND_LIMIT: '1000000',
      SEND_LIMIT_SECONDS: '1',
    });
    const ctx: BenchContext = {
      quick,
      pool,
      dbUrl,
      pgDataDir: path.join(folder, 'data'),
      poolSize: POOL_SIZE,
      log,
      async startRealtime(env = {}) {
        const port = await freePort();
        return startNodeServer('realtime/main.ts', { ...serverEnv(port), ...env }, port);
      },
      async startSeed() {
        const port = await freePort();
        return startNodeServer('bench/seed-design.ts', serverEnv(port), port);
      },
      async startTransport() {
        const port = await freePort();
        return startNodeServer('bench/transport-server.ts', serverEnv(port), port);
      },
    };

    const { rows: versionRows } = await pool.query<{ server_version: string }>('SHOW server_version');
    const settingNames = [
      'fsync',
      'synchronous_commit',
      'full_page_writes',
      'wal_sync_method',
      'shared_buffers',
      'max_connections',
      'work_mem',
    ];
    const settings: Record<string, string> = {};
    for (const name of settingNames) settings[name] = (await pool.query(`SHOW ${name}`)).rows[0][name];

    const commitLatency = await measureCommitLatency(pool, quick ? 200 : 500);
    log(`disk: one-row INSERT in autocommit p50 ${commitLatency.p50Ms} ms, p99 ${commitLatency.p99Ms} ms`);

    const results: Record<string, unknown> = {};
    const scenarios: Array<[string, () => Promise<unknown>]> = [
      ['send', async () => (await import('./scenarios/send')).sendScenario(ctx)],
      ['latency', async () => (await import('./scenarios/latency')).latencyScenario(ctx)],
      ['sockets', async () => (await import('./scenarios/sockets')).socketsScenario(ctx)],
      ['history', async () => (await import('./scenarios/history')).historyScenario(ctx)],
      ['unread', async () => (await import('./scenarios/unread')).unreadScenario(ctx)],
      ['receipts', async () => (await import('./scenarios/receipts')).receiptsScenario(ctx)],
      ['search', async () => (await import('./scenarios/search')).searchScenario(ctx)],
      ['growth', async () => (await import('./scenarios/growth')).growthScenario(ctx)],
    ];
    for (const [name, run] of scenarios) {
      if (!wanted(name)) continue;
      const started = performance.now();
      results[name] = await run();
      log(`${name} done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }

    const report = {
      date: new Date().toISOString(),
      mode: quick ? 'quick' : 'full',
      scenarios: only ? [...only] : scenarios.map(([n]) => n),
      durationSec: Math.round((performance.now() - t0) / 100) / 10,
      machine: {
        cpuModel: os.cpus()[0]?.model ?? 'unknown',
        cores: os.cpus().length,
        memoryBytes: os.totalmem(),
        platform: `${os.type()} ${os.release()} ${os.arch()}`,
        node: process.version,
        postgres: versionRows[0]!.server_version,
        loadAverageAtEnd: os.loadavg(),
        commitLatency,
        kernelMemoryMonitor: readKernelMemoryMonitor(),
      },
      settings: { postgres: settings, serverPoolSize: POOL_SIZE, host: '127.0.0.1' },
      ...results,
    };
    const text = formatReport(report);
    console.log(`\n${text}`);
    mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
    const file = record ? 'latest.json' : `run-${report.date.replace(/[:.]/g, '-')}.json`;
    writeFileSync(path.join(ROOT, 'bench/results', file), `${JSON.stringify(report, null, 2)}\n`);
    log(`wrote bench/results/${file}`);
    if (record) {
      const md = path.join(ROOT, 'BENCHMARKS.md');
      if (!existsSync(md))
        writeFileSync(md, '# Benchmarks\n\nFigures of `npm run bench` (see bench/run.ts); newest last.\n');
      appendFileSync(md, `\n## ${report.date.slice(0, 16).replace('T', ' ')} UTC, ${report.mode} run\n\n${text}\n`);
      log('appended to BENCHMARKS.md');
    }
  } finally {
    await cleanup();
  }
}

/**
 * What one commit costs on this disk: single-row INSERTs in autocommit from one connection, one
 * WAL flush each, nothing else running (before the scenarios). Sends can only be as quick as it.
 */
async function measureCommitLatency(pool: pg.Pool, count: number) {
  const client = await pool.connect();
  try {
    await client.query('CREATE TABLE bench_commit_probe (id serial PRIMARY KEY, note text NOT NULL)');
    for (let i = 0; i < 20; i++) await client.query("INSERT INTO bench_commit_probe (note) VALUES ('warm-up')");
    return await timeRepeated(count, 10_000, () =>
      client.query("INSERT INTO bench_commit_probe (note) VALUES ('probe')"),
    );
  } finally {
    await client.query('DROP TABLE IF EXISTS bench_commit_probe').catch(() => {});
    client.release();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
