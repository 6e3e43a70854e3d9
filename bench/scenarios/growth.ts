// Scenario 8: growth. The send figures of one realtime node beside the same figures with many idle
// sockets on it, and with two nodes on a real redis-server where every message crosses nodes.
// In each setting, on fresh server processes: closed-loop acked sends as scenario 1 measures ours
// (measureOurSends: same client count, warm-up and duration, every acked id checked in the
// database), then send → recipient latency at one fixed rate as scenario 2 measures a step
// (rateSteps, over the same number of chats, after an untimed one-second step at that rate).
// Settings: one node (the baseline of this run); one node with 10,000 idle authenticated sockets
// (2,000 in quick mode) connected throughout, one per user of its own chat, sending nothing;
// two nodes sharing a redis-server (REDIS_URL) with every guest on node A and every owner on node
// B. The idle sockets and all clients live in the bench process, on the same 2 cores.
import { spawnSync } from 'node:child_process';
import type { Socket } from 'socket.io-client';
import { connectSocket, makeChats, mapLimit, sleep, tokenFor, type ServerProcess } from '../common';
import type { BenchContext } from './context';
import { connectMembers, rateSteps, type LatencyAttempt } from './latency';
import { measureOurSends, type SendRow } from './send';

export interface GrowthSetting {
  nodes: number;
  /** Idle authenticated sockets connected (beside the measuring clients) while measuring. */
  idleSockets: number;
  /** Closed-loop acked sends, as scenario 1's `ours` row; null when skipped. */
  sends: SendRow | null;
  /** One step at `settings.fixedRate` msg/s, as scenario 2's attempts; null when skipped. */
  fixedRate: LatencyAttempt | null;
  /** Why the setting was not measured; null when it was. */
  skipped: string | null;
}

export interface GrowthResult {
  oneNode: GrowthSetting;
  idleSockets: GrowthSetting;
  twoNodes: GrowthSetting;
  /** Each setting's figure over the one node's; null where a setting was skipped. */
  ratios: {
    idleSocketsSends: number | null;
    idleSocketsP99: number | null;
    twoNodesSends: number | null;
    twoNodesP99: number | null;
  };
  settings: {
    clients: number;
    durationSec: number;
    warmupSec: number;
    fixedRate: number;
    fixedRateSec: number;
    fixedRateClients: number;
    idleSockets: number;
  };
}

const FIXED_RATE = 500;

export async function growthScenario(ctx: BenchContext): Promise<GrowthResult> {
  const clients = ctx.quick ? 16 : 32;
  const durationMs = ctx.quick ? 5_000 : 15_000;
  const warmupMs = ctx.quick ? 1_000 : 2_000;
  const rateChats = ctx.quick ? 100 : 500;
  const rateMs = ctx.quick ? 4_000 : 10_000;
  const idleCount = ctx.quick ? 2_000 : 10_000;

  const measure = async (tag: string, guests: ServerProcess, owners: ServerProcess) => {
    ctx.log(`growth ${tag}: closed-loop sends (${clients} clients, ${durationMs / 1000} s)`);
    const sends = await measureOurSends(
      ctx,
      guests,
      await makeChats(ctx.pool, `g${tag}s`, clients),
      warmupMs,
      durationMs,
      owners,
    );
    ctx.log(`growth ${tag}: ${sends.msgsPerSec} msg/s; ${FIXED_RATE} msg/s over ${rateChats * 2} clients`);
    const members = await connectMembers(await makeChats(ctx.pool, `g${tag}r`, rateChats), (role) =>
      role === 'guest' ? guests : owners,
    );
    try {
      const step = rateSteps(ctx, members);
      await step(FIXED_RATE, 1_000); // untimed: the new clients' and the server's first sends
      const fixedRate = await step(FIXED_RATE, rateMs);
      ctx.log(`growth ${tag}: p99 ${fixedRate.latency.p99Ms} ms, sustained: ${fixedRate.sustained}`);
      return { sends, fixedRate };
    } finally {
      for (const m of members) m.socket.close();
    }
  };

  ctx.log('growth: one node');
  const one = await ctx.startRealtime();
  const oneNode: GrowthSetting = await measure('a', one, one)
    .then((figures) => ({ nodes: 1, idleSockets: 0, ...figures, skipped: null }))
    .finally(() => one.stop());

  ctx.log(`growth: one node with ${idleCount} idle sockets`);
  const idleChats = await makeChats(ctx.pool, 'gi', idleCount / 2);
  const idleTokens = await mapLimit(
    idleChats.flatMap((c) => [
      [c.guestId, c.guestSessionId],
      [c.ownerId, c.ownerSessionId],
    ]),
    50,
    ([userId, sessionId]) => tokenFor(userId!, sessionId!),
  );
  const crowded = await ctx.startRealtime();
  const idle: Socket[] = [];
  let idleSockets: GrowthSetting;
  try {
    let refused = 0;
    await mapLimit(idleTokens, 100, async (token) => {
      try {
        idle.push(await connectSocket(crowded.url, token, 60_000));
      } catch {
        refused++;
      }
    });
    if (refused > 0) ctx.log(`growth: ${refused} idle sockets failed to connect`);
    await sleep(2_000); // their presence announcements and the GC they cause, before measuring
    idleSockets = { nodes: 1, idleSockets: idle.length, ...(await measure('b', crowded, crowded)), skipped: null };
  } finally {
    for (const s of idle) s.close();
    await crowded.stop();
  }

  let twoNodes: GrowthSetting;
  const redis = await startRedis();
  if (typeof redis === 'string') {
    ctx.log(`growth: two nodes skipped: ${redis}`);
    twoNodes = { nodes: 2, idleSockets: 0, sends: null, fixedRate: null, skipped: redis };
  } else {
    ctx.log('growth: two nodes on a redis-server, guests on A, owners on B');
    const nodes: ServerProcess[] = [];
    try {
      for (let i = 0; i < 2; i++) nodes.push(await ctx.startRealtime({ REDIS_URL: redis.url }));
      twoNodes = { nodes: 2, idleSockets: 0, ...(await measure('c', nodes[0]!, nodes[1]!)), skipped: null };
    } finally {
      await Promise.all(nodes.map((n) => n.stop()));
      redis.stop();
    }
  }

  const ratio = (x: number | undefined, base: number) => {
    const r = x === undefined ? NaN : x / base;
    return Number.isFinite(r) ? Math.round(r * 100) / 100 : null;
  };
  return {
    oneNode,
    idleSockets,
    twoNodes,
    ratios: {
      idleSocketsSends: ratio(idleSockets.sends?.msgsPerSec, oneNode.sends!.msgsPerSec),
      idleSocketsP99: ratio(idleSockets.fixedRate?.latency.p99Ms, oneNode.fixedRate!.latency.p99Ms),
      twoNodesSends: ratio(twoNodes.sends?.msgsPerSec, oneNode.sends!.msgsPerSec),
      twoNodesP99: ratio(twoNodes.fixedRate?.latency.p99Ms, oneNode.fixedRate!.latency.p99Ms),
    },
    settings: {
      clients,
      durationSec: durationMs / 1000,
      warmupSec: warmupMs / 1000,
      fixedRate: FIXED_RATE,
      fixedRateSec: rateMs / 1000,
      fixedRateClients: rateChats * 2,
      idleSockets: idleCount,
    },
  };
}

/** The tests' redis-server (free port, no persistence), or why there is none. */
async function startRedis(): Promise<{ url: string; stop(): void } | string> {
  const binary = process.env.REDIS_SERVER_PATH || 'redis-server';
  // Checked first: spawning a missing binary inside startRedisServer would be an uncaught error.
  const probe = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0)
    return `${binary} not found or not runnable (${probe.error?.message ?? `exit ${probe.status}`}); install redis-server (Debian: apt-get install redis-server) or set REDIS_SERVER_PATH`;
  const { startRedisServer } = await import('../../test/redis-server');
  try {
    return await startRedisServer();
  } catch (error) {
    return `${binary} did not start: ${(error as Error).message}`;
  }
}
