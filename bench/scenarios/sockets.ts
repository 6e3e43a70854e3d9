// Scenario 3: idle authenticated sockets. A fresh realtime process; N users with a live session
// each connect one socket (handshake: token check + session row), in steps up to 10,000; after
// each step the process's VmRSS is read from /proc. RSS per socket = (RSS − RSS before any
// socket) / sockets. Connect rate = sockets added in the step / its wall time (the client runs in
// this process, on the same 2 cores).
import type { Socket } from 'socket.io-client';
import { connectSocket, makeChats, mapLimit, rssOf, sleep, tokenFor } from '../common';
import type { BenchContext } from './context';

export interface SocketsStep {
  count: number;
  rssBytes: number;
  rssBytesPerSocket: number;
  connectsPerSec: number;
  failed: number;
}

export interface SocketsResult {
  count: number;
  /** (RSS at the last step − baseline after warm-up) / sockets. */
  rssBytesPerSocket: number;
  /** (RSS at the last step − RSS at the first step) / sockets added in between: the slope. */
  marginalRssBytesPerSocket: number;
  baselineRssBytes: number;
  connectsPerSec: number;
  steps: SocketsStep[];
}

export async function socketsScenario(ctx: BenchContext): Promise<SocketsResult> {
  const steps = ctx.quick ? [500, 1000, 2000] : [1000, 2500, 5000, 10000];
  const max = steps.at(-1)!;
  const chats = await makeChats(ctx.pool, 'ks', max / 2);
  const users = chats.flatMap((c) => [
    { userId: c.guestId, sessionId: c.guestSessionId },
    { userId: c.ownerId, sessionId: c.ownerSessionId },
  ]);
  const tokens = await mapLimit(users, 50, (u) => tokenFor(u.userId, u.sessionId));
  const server = await ctx.startRealtime();
  // Warm-up: code paths compiled, pools and buffers allocated; these sockets are closed again.
  const warm = await mapLimit(tokens.slice(0, 200), 50, (token) => connectSocket(server.url, token, 60_000));
  for (const s of warm) s.close();
  await sleep(3_000);
  const baselineRssBytes = rssOf(server.pid);
  const sockets: Socket[] = [];
  const out: SocketsStep[] = [];
  for (const target of steps) {
    const from = sockets.length;
    let failed = 0;
    const started = performance.now();
    await mapLimit(tokens.slice(from, target), 100, async (token) => {
      try {
        sockets.push(await connectSocket(server.url, token, 60_000));
      } catch {
        failed++;
      }
    });
    const seconds = (performance.now() - started) / 1000;
    await sleep(2_000); // let the server settle (presence announcements, GC)
    const rssBytes = rssOf(server.pid);
    const step = {
      count: sockets.length,
      rssBytes,
      rssBytesPerSocket: Math.round((rssBytes - baselineRssBytes) / sockets.length),
      connectsPerSec: Math.round((target - from) / seconds),
      failed,
    };
    out.push(step);
    ctx.log(
      `sockets: ${step.count} open, RSS ${(rssBytes / 2 ** 20).toFixed(0)} MiB, ${(step.rssBytesPerSocket / 1024).toFixed(1)} KiB/socket, ${step.connectsPerSec} connects/s`,
    );
    if (failed > 0) break;
  }
  for (const s of sockets) s.close();
  await server.stop();
  const last = out.at(-1)!;
  return {
    count: last.count,
    rssBytesPerSocket: last.rssBytesPerSocket,
    marginalRssBytesPerSocket:
      out.length > 1
        ? Math.round((last.rssBytes - out[0]!.rssBytes) / (last.count - out[0]!.count))
        : last.rssBytesPerSocket,
    baselineRssBytes,
    connectsPerSec: Math.round(out.reduce((a, s) => a + s.connectsPerSec, 0) / out.length),
    steps: out,
  };
}
