// A flood from one user (20 sockets emitting join_chat for chats that do not exist and mark_read
// with 500 ids each, as fast as they can) against a second user's sends on the same node: every
// client event has a per-user budget, so the flooder is refused with RATE_LIMITED and the other
// user's round trips are all answered. Their timings (quiet vs flooded) are printed for the
// record, never asserted.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sendMessage } from '../lib/chat';
import { db } from '../lib/db';
import { bearerToken, createChat } from '../test/fixtures';
import type { RealtimeServer } from './server';
import { connect, startServer, type Client } from './test-support';

const FLOOD_SOCKETS = 20;
const EVENTS_PER_SOCKET = 1000;
const ROUND_TRIPS = 100;
const TSX = path.resolve(import.meta.dirname, '../node_modules/.bin/tsx');

let server: RealtimeServer;
let sender: Client;
let world: Awaited<ReturnType<typeof createChat>>;
let floodersChat: Awaited<ReturnType<typeof createChat>>;

beforeAll(async () => {
  server = await startServer({ rateLimits: { sendPoints: 10_000 }, maxSocketsPerUser: FLOOD_SOCKETS });
  world = await createChat(db);
  floodersChat = await createChat(db);
  sender = await connect(server.url, (await bearerToken(db, world.guest.id)).token);
  await sender.emitWithAck('join_chat', { chatId: world.chat.id });
});

afterAll(async () => {
  sender?.close();
  await server?.close();
});

async function roundTrips(label: string): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < ROUND_TRIPS; i++) {
    const started = performance.now();
    const ack = await sender.timeout(30_000).emitWithAck('send_message', {
      chatId: world.chat.id,
      content: `${label} ${i}`,
      clientMessageId: `${label}-${i}-${randomBytes(4).toString('hex')}`,
    });
    expect(ack).toMatchObject({ ok: true });
    times.push(performance.now() - started);
  }
  return times;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
const summary = (times: number[]) => {
  const sorted = [...times].sort((a, b) => a - b);
  return `p50 ${percentile(sorted, 0.5).toFixed(1)} ms, p99 ${percentile(sorted, 0.99).toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms`;
};

it("refuses a flood of join_chat and mark_read with RATE_LIMITED while another user's sends are all answered", async () => {
  const quiet = await roundTrips('quiet');

  // Messages to the flooder, so its mark_read floods name real ids of a chat it is in.
  const toFlooder = await Promise.all(
    Array.from({ length: 5 }, (_, i) =>
      sendMessage(db, floodersChat.owner.id, { chatId: floodersChat.chat.id, content: `to flooder ${i}` }),
    ),
  );

  const flooder = spawn(
    TSX,
    [
      'realtime/flood-client.ts',
      server.url,
      (await bearerToken(db, floodersChat.guest.id)).token,
      floodersChat.chat.id,
      toFlooder[0]!.message.id,
      String(FLOOD_SOCKETS),
      String(EVENTS_PER_SOCKET),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let output = '';
  flooder.stdout.on('data', (chunk) => (output += chunk));
  const flood = new Promise<Record<string, number>>((resolve, reject) =>
    flooder.on('close', (code) =>
      code === 0 ? resolve(JSON.parse(output)) : reject(new Error(`flooder exited ${code}`)),
    ),
  );
  // Let the flood start before measuring.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const flooded = await roundTrips('flooded');
  const codes = await flood;

  console.log(
    `flood of ${FLOOD_SOCKETS * EVENTS_PER_SOCKET} events from ${FLOOD_SOCKETS} sockets: ${JSON.stringify(codes)}\n` +
      `  another user's send round trips, quiet:   ${summary(quiet)}\n` +
      `  another user's send round trips, flooded: ${summary(flooded)}`,
  );
  expect(flooded).toHaveLength(ROUND_TRIPS);
  // The budget (60 per 10 s by default) let the first events through, as a real client's are;
  // then refusals; then, the refusals ignored, each socket was cut off, its events unanswered.
  expect((codes.ok ?? 0) + (codes.NOT_FOUND ?? 0)).toBeGreaterThan(0);
  expect(codes.RATE_LIMITED ?? 0).toBeGreaterThan(0);
  expect(codes.NO_ANSWER ?? 0).toBeGreaterThan(FLOOD_SOCKETS * EVENTS_PER_SOCKET * 0.5);
  expect(server.io.of('/').sockets.size).toBe(1); // the measured user's socket alone
}, 120_000);

it('cuts off the socket that floods, not the same user’s quiet tab that is refused meanwhile', async () => {
  const { guest } = await createChat(db);
  const { token } = await bearerToken(db, guest.id);
  const [flooding, quiet] = await Promise.all([connect(server.url, token), connect(server.url, token)]);
  const quietDisconnected = new Promise<string>((resolve) => quiet.once('disconnect', resolve));
  const floodingDisconnected = new Promise<string>((resolve) => flooding.once('disconnect', resolve));

  const floodAcks = Array.from({ length: 200 }, (_, i) =>
    flooding
      .timeout(10_000)
      .emitWithAck('join_chat', { chatId: `nochatquiet${i}` })
      .catch(() => ({ ok: false, error: { code: 'NO_ANSWER' } })),
  );
  expect(await floodingDisconnected).toBe('io server disconnect');
  await Promise.all(floodAcks);

  // The user's budget is spent: the quiet tab is refused, and stays connected.
  const refused = await quiet.timeout(10_000).emitWithAck('join_chat', { chatId: 'nochatquiettab' });
  expect(refused).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
  const stillThere = await Promise.race([quietDisconnected, new Promise((r) => setTimeout(() => r('connected'), 500))]);
  expect(stillThere).toBe('connected');
  expect(quiet.connected).toBe(true);
  quiet.close();
});
