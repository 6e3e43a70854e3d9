// Scenario 1: send throughput at equal durability (fsync on, synchronous_commit on, every ack
// after the commit). Same chats, same client count and the same fixed duration for six rows:
// ours (the realtime server), the seed's design (bench/seed-design.ts), and three ceilings: the
// single-row one (raw single-row INSERTs with pg, autocommit, as many connections as the servers'
// pools; measured right before ours and again right after), the batch one (the same with 50 rows
// per INSERT) and the transport one (the same clients against bench/transport-server.ts, which
// acks and delivers without a database). Every acknowledged message of a row that writes is
// looked up in the database at the end. The references that write run without our triggers on
// messages (unread counters, last_message_at): that bookkeeping is ours, so only our row pays for it.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Socket } from 'socket.io-client';
import { connectSocket, makeChats, mapLimit, sleep, tokenFor, type BenchChat, type ServerProcess } from '../common';
import { cpuShareBetween, readCpu, type CpuReading } from '../server-metrics';
import type { BenchContext } from './context';

export interface SendRow {
  msgsPerSec: number;
  acked: number;
  /** Acked messages found in the database; null for the transport ceiling, which stores nothing. */
  verified: number | null;
  failed: number;
  durationSec: number;
  clients: number;
  connections: number;
  /**
   * CPU during the measured window: cores busy (1 = one core all the time) and core-ms per 1,000
   * messages, for the server process(es), PostgreSQL and this bench process (the clients). On 2
   * shared cores it says which process a row's throughput is paid by.
   */
  cpu: { cores: CpuShare; msPerThousand: CpuShare };
}

type CpuShare = ReturnType<typeof cpuShareBetween>;

export interface SendResult {
  ours: SendRow;
  seed: SendRow;
  /**
   * Single-row INSERTs in autocommit (the key predates the other two ceilings), measured right
   * before ours, and again right after (`ceilingAfter`; absent from runs before it existed).
   */
  ceiling: SendRow;
  ceilingAfter?: SendRow;
  batchCeiling: SendRow;
  transportCeiling: SendRow;
  ratios: {
    oursOverSeed: number;
    /** Over the mean of `ceiling` and `ceilingAfter` (runs before it: over `ceiling`, measured after the seed row). */
    oursOverCeiling: number;
    oursOverBatchCeiling: number;
    oursOverTransportCeiling: number;
  };
  settings: { clients: number; durationSec: number; warmupSec: number; poolSize: number; batchRows: number };
}

const BATCH_ROWS = 50;

type Sender = (socket: Socket, chat: BenchChat, n: number) => Promise<string>;

/** Ours: a per-emit acknowledgement, as our client does; the ack means "committed". */
const ackSender: Sender = async (socket, chat, n) => {
  const response = await socket.timeout(30_000).emitWithAck('send_message', {
    chatId: chat.chatId,
    content: `bench message ${n}`,
    clientMessageId: `b${randomBytes(8).toString('hex')}`,
  });
  if (!response.ok) throw new Error(`${response.error.code}: ${response.error.message}`);
  return response.data.message.id as string;
};

/** The seed's client: emit, then socket.once('message_sent') (one send in flight per client). */
const seedSender: Sender = (socket, chat, n) =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error('Message send timeout')), 30_000);
    const onSent = (r: { messageId: string }) => finish(null, r.messageId);
    const onError = (e: { error: string }) => finish(new Error(e.error));
    function finish(error: Error | null, id?: string) {
      clearTimeout(timer);
      socket.off('message_sent', onSent);
      socket.off('message_error', onError);
      if (error) reject(error);
      else resolve(id!);
    }
    socket.emit('send_message', { chatId: chat.chatId, content: `bench message ${n}` });
    socket.once('message_sent', onSent);
    socket.once('message_error', onError);
  });

interface SocketRun {
  /** Where the guests (the senders) connect. */
  server: ServerProcess;
  /** Where the owners (the recipients) connect, when not on the guests' server (two nodes). */
  ownerServer?: ServerProcess;
  sender: Sender;
  joinAsSeed?: boolean;
  /** False for a server that stores nothing (the transport ceiling). */
  verify?: boolean;
}

async function runSockets(
  ctx: BenchContext,
  chats: BenchChat[],
  run: SocketRun,
  warmupMs: number,
  durationMs: number,
): Promise<SendRow> {
  const ownerServer = run.ownerServer ?? run.server;
  const pairs = await mapLimit(chats, 16, async (chat) => {
    const guest = await connectSocket(run.server.url, await tokenFor(chat.guestId, chat.guestSessionId));
    const owner = await connectSocket(ownerServer.url, await tokenFor(chat.ownerId, chat.ownerSessionId));
    // The recipient has the chat open, so every send is delivered as new_message + notification.
    if (run.joinAsSeed) await owner.timeout(10_000).emitWithAck('join_chat', chat.chatId);
    else await owner.timeout(10_000).emitWithAck('join_chat', { chatId: chat.chatId });
    return { chat, guest, owner };
  });
  let n = 0;
  const row = await timedSends(
    ctx,
    pairs.map(({ chat, guest }) => async () => [await run.sender(guest, chat, n++)]),
    warmupMs,
    durationMs,
    run.verify ?? true,
    [...new Set([run.server.pid, ownerServer.pid])],
  );
  for (const { guest, owner } of pairs) {
    guest.close();
    owner.close();
  }
  return row;
}

/**
 * Calls every worker (one client or connection each) in a loop, each as soon as its previous call
 * returned, for the warm-up and then the measured duration; a call resolves to the ids of the
 * messages it stored (acknowledged): one for a client, a batch for the batch ceiling. Counts the
 * messages of the calls that finish inside the measured window, and checks every acknowledged id
 * in the database when `verify`.
 */
async function timedSends(
  ctx: BenchContext,
  workers: Array<() => Promise<string[]>>,
  warmupMs: number,
  durationMs: number,
  verify = true,
  serverPids: number[] = [],
): Promise<SendRow> {
  const ids: string[] = [];
  let failed = 0;
  let counted = 0;
  let counting = false;
  let measureStart = 0;
  const end = performance.now() + warmupMs + durationMs;
  let cpuBefore: CpuReading | null = null;
  setTimeout(() => {
    counting = true;
    measureStart = performance.now();
    cpuBefore = readCpu(serverPids, ctx.pgDataDir);
  }, warmupMs);
  await Promise.all(
    workers.map(async (step) => {
      while (performance.now() < end) {
        try {
          const stored = await step();
          ids.push(...stored);
          if (counting && performance.now() <= end) counted += stored.length;
        } catch (error) {
          if (failed++ === 0) ctx.log(`first failed send: ${(error as Error).message}`);
          await sleep(10);
        }
      }
    }),
  );
  const measured = (Math.min(performance.now(), end) - measureStart) / 1000;
  const cores = cpuShareBetween(cpuBefore!, readCpu(serverPids, ctx.pgDataDir));
  // Core-seconds per message × 1e6 = core-ms per 1,000 messages (one decimal).
  const perThousand = (share: number) => (counted ? Math.round(((share * measured) / counted) * 1e7) / 10 : NaN);
  return {
    msgsPerSec: round(counted / measured),
    acked: ids.length,
    failed,
    durationSec: round(measured),
    verified: verify ? await countStored(ctx.pool, ids) : null,
    clients: workers.length,
    connections: ctx.poolSize,
    cpu: {
      cores,
      msPerThousand: {
        server: perThousand(cores.server),
        postgres: perThousand(cores.postgres),
        bench: perThousand(cores.bench),
      },
    },
  };
}

async function countStored(pool: pg.Pool, ids: string[]): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM messages WHERE id = ANY($1::text[])',
    [ids],
  );
  return rows[0]!.n;
}

/**
 * Runs a reference row without our triggers on messages (prisma/migrations/…_unread_counters):
 * neither the seed's design nor a raw INSERT has them, and they must not pay for our
 * bookkeeping. Afterwards the triggers are back on and what they keep for the chats written
 * meanwhile (unread counters, last_message_at) is rebuilt from the messages by the migration's
 * chats_recount, so the database stays true.
 */
async function withoutMessageTriggers<T>(pool: pg.Pool, chats: BenchChat[], run: () => Promise<T>): Promise<T> {
  await pool.query('ALTER TABLE messages DISABLE TRIGGER USER'); // ours only: not the foreign-key checks
  try {
    return await run();
  } finally {
    await pool.query('ALTER TABLE messages ENABLE TRIGGER USER');
    await pool.query('SELECT chats_recount($1::text[])', [chats.map((c) => c.chatId)]);
  }
}

/**
 * The database ceilings: `rowsPerInsert` rows per INSERT statement in autocommit (INSERT; COMMIT,
 * one WAL flush per statement, one round trip), over as many connections as the servers' pools,
 * each sending its next statement when the previous one returned. 1: the single-row ceiling;
 * 50: the batch ceiling, what group commit could reach at best. msgs/s counts rows.
 */
async function runInsertCeiling(
  ctx: BenchContext,
  chats: BenchChat[],
  rowsPerInsert: number,
  warmupMs: number,
  durationMs: number,
): Promise<SendRow> {
  const pool = new pg.Pool({ connectionString: ctx.dbUrl, max: ctx.poolSize });
  const clients = await Promise.all(Array.from({ length: ctx.poolSize }, () => pool.connect()));
  const columns = 7;
  const sql =
    'INSERT INTO messages (id, chat_id, sender_id, recipient_id, property_id, content, client_message_id) VALUES ' +
    Array.from(
      { length: rowsPerInsert },
      (_, r) => `(${Array.from({ length: columns }, (_, c) => `$${r * columns + c + 1}`).join(', ')})`,
    ).join(', ');
  let k = 0;
  const insert = (client: pg.PoolClient) => async () => {
    const ids: string[] = [];
    const values: string[] = [];
    for (let r = 0; r < rowsPerInsert; r++) {
      const chat = chats[k++ % chats.length]!;
      const id = `bx${randomBytes(10).toString('hex')}`;
      ids.push(id);
      values.push(id, chat.chatId, chat.guestId, chat.ownerId, chat.propertyId, `bench message ${k}`, `c${id}`);
    }
    await client.query(sql, values);
    return ids;
  };
  try {
    return await timedSends(
      ctx,
      clients.map((client) => insert(client)),
      warmupMs,
      durationMs,
    );
  } finally {
    clients.forEach((c) => c.release());
    await pool.end();
  }
}

export async function sendScenario(ctx: BenchContext): Promise<SendResult> {
  const clients = ctx.quick ? 16 : 32;
  const durationMs = ctx.quick ? 5_000 : 15_000;
  const warmupMs = ctx.quick ? 1_000 : 2_000;

  // The database ceilings on their own chats, our triggers off (see withoutMessageTriggers).
  const insertCeiling = async (label: string, prefix: string, rowsPerInsert: number) => {
    ctx.log(`send: ${label} (${ctx.poolSize} connections, ${durationMs / 1000} s)`);
    const chats = await makeChats(ctx.pool, prefix, clients);
    return withoutMessageTriggers(ctx.pool, chats, () =>
      runInsertCeiling(ctx, chats, rowsPerInsert, warmupMs, durationMs),
    );
  };
  // The single-row ceiling right before ours and again right after: this machine's disk moved it
  // from 3,400 to 6,300 msg/s within ten minutes (2 December 2026), so ours is set against the
  // mean of the two, measured on both sides of it, not against one reading a minute away.
  const singleRowCeiling = (when: string, prefix: string) =>
    insertCeiling(`ceiling ${when} ours, single-row INSERT`, prefix, 1);
  const ceiling = await singleRowCeiling('before', 'sc');

  ctx.log(`send: ours (${clients} clients, ${durationMs / 1000} s)`);
  const oursChats = await makeChats(ctx.pool, 'so', clients);
  const oursServer = await ctx.startRealtime();
  const ours = await measureOurSends(ctx, oursServer, oursChats, warmupMs, durationMs);
  await oursServer.stop();

  const ceilingAfter = await singleRowCeiling('after', 'sa');

  ctx.log(`send: seed design (${clients} clients, ${durationMs / 1000} s)`);
  const seedChats = await makeChats(ctx.pool, 'ss', clients);
  const seedServer = await ctx.startSeed();
  const seed = await withoutMessageTriggers(ctx.pool, seedChats, () =>
    runSockets(ctx, seedChats, { server: seedServer, sender: seedSender, joinAsSeed: true }, warmupMs, durationMs),
  );
  await seedServer.stop();

  const batchCeiling = await insertCeiling(`batch ceiling, ${BATCH_ROWS}-row INSERT`, 'sb', BATCH_ROWS);

  ctx.log(`send: transport ceiling (${clients} clients, ${durationMs / 1000} s)`);
  const transportChats = await makeChats(ctx.pool, 'st', clients);
  const transportServer = await ctx.startTransport();
  const transportRow = await runSockets(
    ctx,
    transportChats,
    { server: transportServer, sender: ackSender, verify: false },
    warmupMs,
    durationMs,
  );
  await transportServer.stop();
  const transportCeiling = { ...transportRow, connections: 0 }; // it has no database

  return {
    ours,
    seed,
    ceiling,
    ceilingAfter,
    batchCeiling,
    transportCeiling,
    ratios: {
      oursOverSeed: round(ours.msgsPerSec / seed.msgsPerSec),
      oursOverCeiling: round(ours.msgsPerSec / ((ceiling.msgsPerSec + ceilingAfter.msgsPerSec) / 2)),
      oursOverBatchCeiling: round(ours.msgsPerSec / batchCeiling.msgsPerSec),
      oursOverTransportCeiling: round(ours.msgsPerSec / transportCeiling.msgsPerSec),
    },
    settings: {
      clients,
      durationSec: durationMs / 1000,
      warmupSec: warmupMs / 1000,
      poolSize: ctx.poolSize,
      batchRows: BATCH_ROWS,
    },
  };
}

const round = (x: number) => Math.round(x * 100) / 100;

/**
 * Acked sends of our realtime server over `chats` (one guest client each), as the `ours` row
 * measures them; with `ownerServer`, the owners connect there instead (every message crosses nodes).
 */
export function measureOurSends(
  ctx: BenchContext,
  server: ServerProcess,
  chats: BenchChat[],
  warmupMs: number,
  durationMs: number,
  ownerServer?: ServerProcess,
): Promise<SendRow> {
  return runSockets(ctx, chats, { server, ownerServer, sender: ackSender }, warmupMs, durationMs);
}
