// npm run bench:uploads: the web process's memory while 24 uploads of 10 MB are in flight
// at once, through the route handlers in a server process of their own (bench/upload-server.ts),
// over its own embedded PostgreSQL and a temp UPLOAD_DIR. Two runs: 24 uploads from one user (the
// per-user cap refuses all but UPLOAD_CONCURRENCY_PER_USER), and one upload each from 24 users
// (all accepted: the cost of an upload in flight). Prints VmRSS before, its peak while the
// uploads run (sampled every 10 ms) and VmHWM, and writes them to bench/results/upload-memory.json
// (git-ignored). Bounded: 48 uploads, each body sent in about 2 s.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ensureDatabase, startEmbeddedPostgres } from '../lib/db/embedded';
import { migrate } from '../lib/db/migrate';
import { freePort } from '../test/free-port';
import { rssOf, sleep, startNodeServer } from './common';

const UPLOADS = 24;
const FILE_BYTES = 10 * 1024 * 1024 - 1024;
const CHUNK = 256 * 1024;
const CHUNK_EVERY_MS = 50; // 10 MB in about 2 s per upload

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
const file = Buffer.concat([PNG, randomBytes(FILE_BYTES - PNG.length)]);
const mb = (bytes: number) => `${(bytes / (1024 * 1024)).toFixed(0)} MB`;

function hwmOf(pid: number): number {
  const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) * 1024;
}

/** One upload, its multipart body sent in paced chunks; resolves with the status. */
async function upload(url: string, cookie: string): Promise<number> {
  const boundary = `----bench${randomBytes(8).toString('hex')}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="bench.png"\r\nContent-Type: image/png\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  let offset = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (offset === 0) controller.enqueue(head);
      if (offset >= file.length) {
        controller.enqueue(tail);
        controller.close();
        return;
      }
      await sleep(CHUNK_EVERY_MS);
      controller.enqueue(file.subarray(offset, offset + CHUNK));
      offset += CHUNK;
    },
  });
  const response = await fetch(`${url}/api/attachments`, {
    method: 'POST',
    headers: {
      cookie,
      'content-type': `multipart/form-data; boundary=${boundary}`,
      'content-length': String(head.length + file.length + tail.length),
    },
    body,
    duplex: 'half',
  } as RequestInit);
  await response.arrayBuffer();
  return response.status;
}

async function measure(pid: number, run: () => Promise<number[]>) {
  const before = rssOf(pid);
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, rssOf(pid))), 10);
  const started = performance.now();
  const statuses = await run();
  clearInterval(sampler);
  const counts: Record<number, number> = {};
  for (const s of statuses) counts[s] = (counts[s] ?? 0) + 1;
  return { before, peak, seconds: (performance.now() - started) / 1000, counts };
}

const folder = await mkdtemp(path.join(os.tmpdir(), 'stayeasy-upload-bench-'));
const pg = await startEmbeddedPostgres({ dir: path.join(folder, 'data'), port: await freePort() });
try {
  await ensureDatabase(pg.adminUrl, 'bench');
  const dbUrl = pg.urlFor('bench');
  await migrate(dbUrl);
  const secret = randomBytes(24).toString('hex');
  const env = {
    NODE_ENV: 'production',
    DATABASE_URL: dbUrl,
    JWT_SECRET: secret,
    NEXTAUTH_SECRET: secret,
    LOG_LEVEL: 'silent',
    UPLOAD_DIR: path.join(folder, 'uploads'),
  };
  Object.assign(process.env, env);
  const { db } = await import('../lib/db');
  const { createUser, sessionCookie } = await import('../test/fixtures');
  const cookies: string[] = [];
  for (let i = 0; i < UPLOADS; i++) cookies.push((await sessionCookie(db, (await createUser(db)).id)).cookie);

  const port = await freePort();
  const server = await startNodeServer('bench/upload-server.ts', { ...env, PORT: String(port) }, port, '/api/health');
  try {
    await upload(server.url, cookies[0]!); // warm-up: the route modules load
    await db.file.deleteMany({});
    const oneUser = await measure(server.pid, () => Promise.all(cookies.map(() => upload(server.url, cookies[0]!))));
    await db.file.deleteMany({});
    const manyUsers = await measure(server.pid, () => Promise.all(cookies.map((c) => upload(server.url, c))));
    const hwm = hwmOf(server.pid);
    for (const [name, r] of [
      [`${UPLOADS} uploads of 10 MB from one user`, oneUser],
      [`1 upload of 10 MB from each of ${UPLOADS} users`, manyUsers],
    ] as const) {
      console.log(
        `${name}: statuses ${JSON.stringify(r.counts)}, RSS ${mb(r.before)} before, peak ${mb(r.peak)} ` +
          `(+${mb(r.peak - r.before)}), ${r.seconds.toFixed(1)} s`,
      );
    }
    console.log(`web process VmHWM (peak RSS over its life): ${mb(hwm)}`);
    const results = {
      date: new Date().toISOString(),
      uploads: UPLOADS,
      fileBytes: FILE_BYTES,
      oneUser,
      manyUsers,
      hwm,
    };
    mkdirSync('bench/results', { recursive: true });
    writeFileSync('bench/results/upload-memory.json', `${JSON.stringify(results, null, 2)}\n`);
    console.log('wrote bench/results/upload-memory.json');
  } finally {
    await server.stop();
    await db.$disconnect();
  }
} finally {
  await pg.stop();
  await rm(folder, { recursive: true, force: true });
}
