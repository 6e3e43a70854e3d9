// Scenario 6: what delivery receipts cost the send path. One realtime server, guests sending to
// owners who have the chat open (both connected). In alternating phases the owners' clients do
// or do not acknowledge what is pushed to them, exactly as the browser does (lib/client
// DeliveryAcks on message_notification: one mark_delivered per chat per interval), so the server
// batches and writes the markers and tells the guests. Each phase measures closed-loop send
// throughput (every guest sends as soon as its last send was acked) and, at a fixed rate, the
// send → recipient new_message latency. Phases alternate off/on so that drift of the machine
// falls on both; the figures are the means of the rounds.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Socket } from 'socket.io-client';
import { DeliveryAcks } from '../../lib/client/delivery-acks';
import { DELIVERY_RECEIPT_INTERVAL_MS } from '../../lib/chat/schemas';
import { connectSocket, makeChats, mapLimit, sleep, stats, tokenFor, type Stats } from '../common';
import type { BenchContext } from './context';

export interface ReceiptsPhase {
  receipts: boolean;
  /** The raw latency samples, pooled over the phases for the summary (not written to the report). */
  samples?: { closedLoop: number[]; fixedRate: number[] };
  throughputMsgsPerSec: number;
  closedLoopLatency: Stats;
  fixedRate: number;
  fixedRateLatency: Stats;
  /** messages_delivered received by the senders during the phase (0 when off). */
  receiptsSeen: number;
  /** CPU time of the realtime process per 1,000 messages sent in the phase (both parts). */
  serverCpuMsPer1000: number;
}

export interface ReceiptsResult {
  chats: number;
  phaseSec: number;
  fixedRate: number;
  phases: ReceiptsPhase[];
  /** Mean throughput of the phases; p99 of every latency sample of the phases together. */
  off: { throughput: number; closedLoopP99Ms: number; fixedRateP99Ms: number; serverCpuMsPer1000: number };
  on: { throughput: number; closedLoopP99Ms: number; fixedRateP99Ms: number; serverCpuMsPer1000: number };
  /** on / off: 1.00 means no cost. */
  ratios: { throughput: number; closedLoopP99: number; fixedRateP99: number; serverCpuPerMessage: number };
}

/** User + system CPU time of a process so far, in ms (Linux /proc; NaN elsewhere). */
function cpuMsOf(pid: number): number {
  try {
    // Fields 14 and 15 (utime, stime) in clock ticks; the name in field 2 may hold spaces, so count from its ')'.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return NaN;
  }
}

export async function receiptsScenario(ctx: BenchContext): Promise<ReceiptsResult> {
  const chatsN = ctx.quick ? 100 : 250;
  const phaseMs = ctx.quick ? 3_000 : 6_000;
  const rounds = ctx.quick ? 2 : 6;
  const fixedRate = ctx.quick ? 300 : 500;
  const chats = await makeChats(ctx.pool, 'rc', chatsN);
  const server = await ctx.startRealtime();
  ctx.log(`receipts: connecting ${chatsN * 2} clients`);

  let receiptsOn = false;
  let receiptsSeen = 0;
  const sentAt = new Map<string, number>();
  let samples: number[] = [];
  const pairs = await mapLimit(chats, 20, async (chat) => {
    const guest = await connectSocket(server.url, await tokenFor(chat.guestId, chat.guestSessionId));
    const owner = await connectSocket(server.url, await tokenFor(chat.ownerId, chat.ownerSessionId));
    for (const socket of [guest, owner]) {
      const joined = await socket.timeout(15_000).emitWithAck('join_chat', { chatId: chat.chatId });
      if (!joined.ok) throw new Error(`join_chat: ${joined.error.code}`);
    }
    const acks = new DeliveryAcks(
      (claims) =>
        void owner
          .timeout(30_000)
          .emitWithAck('mark_delivered', { claims })
          .catch(() => {}),
      DELIVERY_RECEIPT_INTERVAL_MS,
    );
    owner.on('message_notification', (n: { chatId: string; message: { id: string; createdAt: string } }) => {
      if (receiptsOn) acks.received(n.chatId, n.message);
    });
    owner.on('new_message', (m: { clientMessageId: string | null }) => {
      const t = m.clientMessageId ? sentAt.get(m.clientMessageId) : undefined;
      if (t === undefined) return;
      sentAt.delete(m.clientMessageId!);
      samples.push(performance.now() - t);
    });
    guest.on('messages_delivered', () => receiptsSeen++);
    return { chat, guest, owner, acks };
  });

  const send = (guest: Socket, chatId: string) => {
    sentInPhase++;
    const clientMessageId = `r${randomBytes(8).toString('hex')}`;
    sentAt.set(clientMessageId, performance.now());
    return guest
      .timeout(30_000)
      .emitWithAck('send_message', { chatId, content: 'receipts bench', clientMessageId })
      .then((r: { ok: boolean }) => r.ok);
  };

  let sentInPhase = 0;
  async function closedLoop(): Promise<{ rate: number; latency: Stats; samples: number[] }> {
    samples = [];
    let acked = 0;
    const end = performance.now() + phaseMs;
    await Promise.all(
      pairs.map(async ({ guest, chat }) => {
        while (performance.now() < end) if (await send(guest, chat.chatId).catch(() => false)) acked++;
      }),
    );
    return { rate: Math.round(acked / (phaseMs / 1000)), latency: stats(samples), samples };
  }

  async function steadyRate(): Promise<{ latency: Stats; samples: number[] }> {
    samples = [];
    let sent = 0;
    let next = 0;
    const start = performance.now();
    while (performance.now() < start + phaseMs) {
      const due = Math.floor(((performance.now() - start) * fixedRate) / 1000);
      for (; sent < due; sent++) {
        const { guest, chat } = pairs[next++ % pairs.length]!;
        void send(guest, chat.chatId).catch(() => false);
      }
      await sleep(5);
    }
    const drainUntil = performance.now() + 3_000;
    while (sentAt.size > 0 && performance.now() < drainUntil) await sleep(20);
    return { latency: stats(samples), samples };
  }

  // Warm-up, not counted: the first seconds of a fresh process (JIT, pools) would fall on "off".
  await closedLoop();
  await sleep(500);
  const phases: ReceiptsPhase[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const on of [false, true]) {
      receiptsOn = on;
      receiptsSeen = 0;
      sentAt.clear();
      sentInPhase = 0;
      const cpuBefore = cpuMsOf(server.pid);
      const loop = await closedLoop();
      await sleep(500);
      const steady = await steadyRate();
      // Let the last batch of receipts land before it is counted and the mode changes.
      await sleep(DELIVERY_RECEIPT_INTERVAL_MS * 3);
      if (!on) for (const p of pairs) p.acks.clear();
      const serverCpuMsPer1000 = Math.round(((cpuMsOf(server.pid) - cpuBefore) / sentInPhase) * 1000 * 10) / 10;
      phases.push({
        receipts: on,
        throughputMsgsPerSec: loop.rate,
        closedLoopLatency: loop.latency,
        fixedRate,
        fixedRateLatency: steady.latency,
        receiptsSeen,
        serverCpuMsPer1000,
        samples: { closedLoop: loop.samples, fixedRate: steady.samples },
      });
      ctx.log(
        `receipts ${on ? 'on ' : 'off'}: ${loop.rate} msg/s closed loop (p99 ${loop.latency.p99Ms} ms); ` +
          `${fixedRate} msg/s p99 ${steady.latency.p99Ms} ms; receipts seen ${receiptsSeen}; server CPU ${serverCpuMsPer1000} ms per 1,000 sends`,
      );
    }
  }
  for (const { guest, owner, acks } of pairs) {
    acks.clear();
    guest.close();
    owner.close();
  }
  await server.stop();

  const mean = (on: boolean, pick: (p: ReceiptsPhase) => number) => {
    const chosen = phases.filter((p) => p.receipts === on).map(pick);
    return Math.round((chosen.reduce((a, b) => a + b, 0) / chosen.length) * 100) / 100;
  };
  // A p99 of each phase is a handful of samples' worth: one stall moves it. Pooled, the p99 of all
  // the samples of a mode is the figure, and drift of the machine falls on both modes alike.
  const pooledP99 = (on: boolean, pick: (s: NonNullable<ReceiptsPhase['samples']>) => number[]) =>
    stats(phases.filter((p) => p.receipts === on).flatMap((p) => pick(p.samples!))).p99Ms;
  const summary = (on: boolean) => ({
    throughput: mean(on, (p) => p.throughputMsgsPerSec),
    closedLoopP99Ms: pooledP99(on, (s) => s.closedLoop),
    fixedRateP99Ms: pooledP99(on, (s) => s.fixedRate),
    serverCpuMsPer1000: mean(on, (p) => p.serverCpuMsPer1000),
  });
  const off = summary(false);
  const on = summary(true);
  for (const phase of phases) delete phase.samples;
  const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
  return {
    chats: chatsN,
    phaseSec: phaseMs / 1000,
    fixedRate,
    phases,
    off,
    on,
    ratios: {
      throughput: ratio(on.throughput, off.throughput),
      closedLoopP99: ratio(on.closedLoopP99Ms, off.closedLoopP99Ms),
      fixedRateP99: ratio(on.fixedRateP99Ms, off.fixedRateP99Ms),
      serverCpuPerMessage: ratio(on.serverCpuMsPer1000, off.serverCpuMsPer1000),
    },
  };
}
