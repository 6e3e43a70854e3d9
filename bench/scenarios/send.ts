// Scenario 1: send throughput at equal durability (fsync on, synchronous_commit on, every ack
// after the commit). Same chats, same client count and the same fixed duration for three rows:
// ours (the realtime server), the seed's design (bench/seed-design.ts) and the ceiling (raw
// single-row INSERTs with pg, autocommit, as many connections as the servers' pools). Every
// acknowledged message is looked up in the database at the end. The two references run without
// our triggers on messages (unread counters, last_message_at): that bookkeeping is ours, so only
// our row pays for it.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Socket } from 'socket.io-client';
import { connectSocket, makeChats, mapLimit, sleep, tokenFor, type BenchChat, type ServerProcess } from '../common';
import type { BenchContext } from './context';

export interface SendRow {
  msgsPerSec: number;
  acked: number;
  verified: number;
  failed: number;
  durationSec: number;
  clients: number;
  connections: number;
}

export interface SendResult {
  ours: SendRow;
  seed: SendRow;
  ceiling: SendRow;
  ratios: { oursOverSeed: number; oursOverCeiling: number };
  settings: { clients: number; durationSec: number; warmupSec: number; poolSize: number };
}

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

async function runSockets(
  ctx: BenchContext,
  server: ServerProcess,
  chats: BenchChat[],
  sender: Sender,
  joinAsSeed: boolean,
  warmupMs: number,
  durationMs: number,
): Promise<SendRow> {
  const pairs = await mapLimit(chats, 16, async (chat) => {
    const guest = await connectSocket(server.url, await tokenFor(chat.guestId, chat.guestSessionId));
    const owner = await connectSocket(server.url, await tokenFor(chat.ownerId, chat.ownerSessionId));
    // The recipient has the chat open, so every send is delivered as new_message + notification.
    if (joinAsSeed) await owner.timeout(10_000).emitWithAck('join_chat', chat.chatId);
    else await owner.timeout(10_000).emitWithAck('join_chat', { chatId: chat.chatId });
    return { chat, guest, owner };
  });
  let n = 0;
  const run = await timedSends(
    ctx,
    pairs.map(
      ({ chat, guest }) =>
        () =>
          sender(guest, chat, n++),
    ),
    warmupMs,
    durationMs,
  );
  for (const { guest, owner } of pairs) {
    guest.close();
    owner.close();
  }
  return run;
}

/**
 * Calls every worker (one client or connection each) in a loop, each as soon as its previous call
 * returned, for the warm-up and then the measured duration; a call resolves to the id of one
 * stored (acknowledged) message. Counts the calls that finish inside the measured window, and
 * checks every acknowledged id in the database.
 */
async function timedSends(
  ctx: BenchContext,
  workers: Array<() => Promise<string>>,
  warmupMs: number,
  durationMs: number,
): Promise<SendRow> {
  const ids: string[] = [];
  let failed = 0;
  let counted = 0;
  let counting = false;
  let measureStart = 0;
  const end = performance.now() + warmupMs + durationMs;
  setTimeout(() => {
    counting = true;
    measureStart = performance.now();
  }, warmupMs);
  await Promise.all(
    workers.map(async (step) => {
      while (performance.now() < end) {
        try {
          ids.push(await step());
          if (counting && performance.now() <= end) counted++;
        } catch (error) {
          if (failed++ === 0) ctx.log(`first failed send: ${(error as Error).message}`);
          await sleep(10);
        }
      }
    }),
  );
  const measured = (Math.min(performance.now(), end) - measureStart) / 1000;
  return {
    msgsPerSec: round(counted / measured),
    acked: ids.length,
    failed,
    durationSec: round(measured),
    verified: await countStored(ctx.pool, ids),
    clients: workers.length,
    connections: ctx.poolSize,
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

async function runCeiling(
  ctx: BenchContext,
  chats: BenchChat[],
  warmupMs: number,
  durationMs: number,
): Promise<SendRow> {
  const pool = new pg.Pool({ connectionString: ctx.dbUrl, max: ctx.poolSize });
  const clients = await Promise.all(Array.from({ length: ctx.poolSize }, () => pool.connect()));
  let k = 0;
  const insertOne = (client: pg.PoolClient) => async () => {
    const chat = chats[k++ % chats.length]!;
    const id = `bx${randomBytes(10).toString('hex')}`;
    // One statement in autocommit: INSERT; COMMIT (one WAL flush), one round trip.
    await client.query(
      `INSERT INTO messages (id, chat_id, sender_id, recipient_id, property_id, content, client_message_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [id, chat.chatId, chat.guestId, chat.ownerId, chat.propertyId, `bench message ${k}`, `c${id}`],
    );
    return id;
  };
  try {
    return await timedSends(
      ctx,
      clients.map((client) => insertOne(client)),
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

  ctx.log(`send: ours (${clients} clients, ${durationMs / 1000} s)`);
  const oursChats = await makeChats(ctx.pool, 'so', clients);
  let server = await ctx.startRealtime();
  const ours = await runSockets(ctx, server, oursChats, ackSender, false, warmupMs, durationMs);
  await server.stop();

  ctx.log(`send: seed design (${clients} clients, ${durationMs / 1000} s)`);
  const seedChats = await makeChats(ctx.pool, 'ss', clients);
  server = await ctx.startSeed();
  const seed = await withoutMessageTriggers(ctx.pool, seedChats, () =>
    runSockets(ctx, server, seedChats, seedSender, true, warmupMs, durationMs),
  );
  await server.stop();

  ctx.log(`send: ceiling (${ctx.poolSize} connections, ${durationMs / 1000} s)`);
  const ceilingChats = await makeChats(ctx.pool, 'sc', clients);
  const ceiling = await withoutMessageTriggers(ctx.pool, ceilingChats, () =>
    runCeiling(ctx, ceilingChats, warmupMs, durationMs),
  );

  return {
    ours,
    seed,
    ceiling,
    ratios: {
      oursOverSeed: round(ours.msgsPerSec / seed.msgsPerSec),
      oursOverCeiling: round(ours.msgsPerSec / ceiling.msgsPerSec),
    },
    settings: { clients, durationSec: durationMs / 1000, warmupSec: warmupMs / 1000, poolSize: ctx.poolSize },
  };
}

const round = (x: number) => Math.round(x * 100) / 100;

/** Acked sends of our realtime server over `chats` (one guest client each), as the `ours` row measures them. */
export function measureOurSends(
  ctx: BenchContext,
  server: ServerProcess,
  chats: BenchChat[],
  warmupMs: number,
  durationMs: number,
): Promise<SendRow> {
  return runSockets(ctx, server, chats, ackSender, false, warmupMs, durationMs);
}
