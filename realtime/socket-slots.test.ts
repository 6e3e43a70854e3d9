// One connection carrying many sockets in turn (the Socket.IO protocol lets a client connect to a
// namespace, disconnect from it and connect again without closing the connection): each socket
// gives its slot of MAX_SOCKETS_PER_USER back when it goes, and leaves no listener behind.
// Spoken at the protocol level with engine.io-client, since socket.io-client never does this.
import { Socket as EngineSocket } from 'engine.io-client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { db } from '../lib/db';
import { bearerToken, createUser } from '../test/fixtures';
import type { RealtimeServer } from './server';
import { connect, eventually, startServer } from './test-support';

const MAX_SOCKETS = 3;
const ROUNDS = 30;

let server: RealtimeServer;

beforeAll(async () => {
  server = await startServer({ maxSocketsPerUser: MAX_SOCKETS });
});

afterAll(async () => {
  await server?.close();
});

it('frees a socket slot at each namespace disconnect, on a connection that stays open', async () => {
  const user = await createUser(db);
  const { token } = await bearerToken(db, user.id);
  const connections = new Set<{ listenerCount(event: string): number }>();
  let disconnects = 0;
  server.io.on('connection', (socket) => {
    connections.add(socket.conn);
    socket.on('disconnect', () => disconnects++);
  });
  const engine = new EngineSocket(server.url, { path: '/socket.io/', transports: ['websocket'] });
  const replies: string[] = [];
  let wake: () => void = () => {};
  engine.on('message', (data) => {
    replies.push(String(data));
    wake();
  });
  await new Promise<void>((resolve, reject) => engine.once('open', () => resolve()).once('error', reject));

  const answers: string[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const seen = replies.length;
    const answered = new Promise<void>((resolve) => (wake = () => replies.length > seen && resolve()));
    engine.send(`0${JSON.stringify({ token })}`); // CONNECT to "/" with the token
    const timedOut = await Promise.race([
      answered.then(() => false),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 5000)),
    ]);
    if (timedOut) {
      answers.push('no answer');
      break;
    }
    const reply = replies.at(-1)!;
    answers.push(reply[0] === '0' ? 'connected' : reply);
    engine.send('1'); // DISCONNECT from "/"
    // The server ignores a CONNECT to a namespace it still holds a socket for.
    if (reply[0] === '0') await eventually(() => disconnects === round + 1, 'the namespace disconnect');
  }

  expect(answers).toEqual(Array.from({ length: ROUNDS }, () => 'connected'));
  expect(connections.size).toBe(1);
  for (const conn of connections) expect(conn.listenerCount('close')).toBeLessThan(5);
  engine.close();

  // The slots are all back: the user may still open MAX_SOCKETS sockets at once.
  const sockets = await Promise.all(Array.from({ length: MAX_SOCKETS }, () => connect(server.url, token)));
  for (const socket of sockets) socket.close();
});
