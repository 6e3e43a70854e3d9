// The flooding user of realtime/flood.test.ts, in its own process (a client flooding from the
// test's own process would slow the measured user's round trips with its own CPU, not the
// server's). Opens `sockets` connections and emits `events` per socket as fast as it can,
// alternating join_chat for chats that do not exist and mark_read with 500 ids; prints the
// count of each answer code as one JSON line (NO_ANSWER: the server cut the socket off first).
import { io } from 'socket.io-client';

const [url, token, chatId, messageId, sockets, events] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
  string,
];
const ids = Array.from({ length: 500 }, () => messageId);
const codes: Record<string, number> = {};

await Promise.all(
  Array.from({ length: Number(sockets) }, async (_, n) => {
    const socket = io(url, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
    await new Promise<void>((resolve, reject) => socket.once('connect', () => resolve()).once('connect_error', reject));
    const acks = Array.from({ length: Number(events) }, (_, i) =>
      (i % 2 === 0
        ? socket.timeout(60_000).emitWithAck('join_chat', { chatId: `nochat${n}x${i}` })
        : socket.timeout(60_000).emitWithAck('mark_read', { chatId, messageIds: ids })
      ).catch(() => ({ ok: false, error: { code: 'NO_ANSWER' } })),
    );
    for (const ack of await Promise.all(acks)) {
      const code = ack.ok ? 'ok' : ack.error.code;
      codes[code] = (codes[code] ?? 0) + 1;
    }
    socket.close();
  }),
);
console.log(JSON.stringify(codes));
