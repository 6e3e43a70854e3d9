// The crash test: the realtime server runs as its own process (realtime/main.ts, as in
// production); clients send continuously with acks; the process is SIGKILLed mid-stream and
// started again; the clients reconnect and retry every unacked message with its clientMessageId.
// Afterwards every message is stored exactly once (acked or not), and the recipient never got an
// id twice. Finally SIGTERM stops the second process cleanly (exit code 0).
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { listMessages } from '../lib/chat';
import { db } from '../lib/db';
import { env } from '../lib/env';
import { freePort } from '../test/free-port';
import { bearerToken, createChat } from '../test/fixtures';
import { connect, eventually, Recorder, RetryingSender } from './test-support';

const MESSAGES = 300;
const KILL_AFTER_ACKS = 80;

const children: ChildProcess[] = [];

function startProcess(port: number): ChildProcess {
  const child = spawn('node_modules/.bin/tsx', ['realtime/main.ts'], {
    env: {
      ...process.env,
      DATABASE_URL: process.env.DATABASE_URL,
      REALTIME_PORT: String(port),
      JWT_SECRET: env.JWT_SECRET,
      LOG_LEVEL: 'warn',
      SEND_LIMIT: '100000',
    },
    // Its own process group: tsx runs the server in a child process, and SIGKILL must hit both.
    detached: true,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  return child;
}

const exited = (child: ChildProcess) =>
  new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null)
      resolve({ code: child.exitCode, signal: child.signalCode });
    else child.once('exit', (code, signal) => resolve({ code, signal }));
  });

const healthy = (port: number) =>
  eventually(
    () =>
      fetch(`http://127.0.0.1:${port}/ready`).then(
        (r) => r.ok,
        () => false,
      ),
    'the server to be ready',
  );

afterAll(() => {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
});

describe('crash of the realtime process mid-stream', () => {
  it('loses nothing and duplicates nothing', { timeout: 120_000 }, async () => {
    const { guest, owner, chat } = await createChat(db);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    let child = startProcess(port);
    await healthy(port);

    const reconnecting = { reconnection: true, reconnectionDelay: 50, reconnectionDelayMax: 250 };
    const sender = await connect(url, (await bearerToken(db, guest.id)).token, reconnecting);
    const recipient = await connect(url, (await bearerToken(db, owner.id)).token, reconnecting);
    const received = new Recorder(recipient);
    const join = () => void recipient.emitWithAck('join_chat', { chatId: chat.id });
    recipient.on('connect', join); // a restarted server has no rooms: join again
    join();

    const ids = Array.from({ length: MESSAGES }, (_, i) => `crash-${i}`);
    const retrying = new RetryingSender(sender, chat.id, { window: 16, ackTimeoutMs: 2_000 });
    let killed: Promise<unknown> | null = null;
    await retrying.sendAll(ids, (ackedCount) => {
      if (ackedCount === KILL_AFTER_ACKS && !killed) {
        const victim = child;
        process.kill(-victim.pid!, 'SIGKILL');
        killed = exited(victim).then(() => {
          child = startProcess(port);
        });
      }
    });
    expect(killed).not.toBeNull();
    expect(await exited(children[0]!)).toMatchObject({ signal: 'SIGKILL' });

    // Every message exactly once in the database, and every ack names its stored row.
    const rows = await db.message.findMany({ where: { chatId: chat.id }, select: { id: true, clientMessageId: true } });
    expect(rows).toHaveLength(MESSAGES);
    expect(new Set(rows.map((r) => r.clientMessageId))).toEqual(new Set(ids));
    const idOf = new Map(rows.map((r) => [r.clientMessageId!, r.id]));
    for (const [clientMessageId, messageId] of retrying.acked) expect(idOf.get(clientMessageId)).toBe(messageId);
    // Some sends really were retried (the kill hit messages in flight).
    expect([...retrying.attempts.values()].some((n) => n > 1)).toBe(true);

    // The recipient: live events never repeat an id; what it missed while the server was down
    // comes from the history API (`after` its newest message), which completes the set.
    const barrier = await sender.emitWithAck('send_message', {
      chatId: chat.id,
      content: 'barrier',
      clientMessageId: 'crash-barrier',
    });
    if (!barrier.ok) throw new Error(barrier.error.message);
    await received.waitFor('new_message', (m) => m.id === barrier.data.message.id);
    const live: string[] = received.of('new_message').map((m) => m.id);
    expect(new Set(live).size).toBe(live.length);
    const all = new Set(live);
    let after = '1970-01-01T00:00:00Z'; // a bare ISO time is a cursor too: the whole chat
    for (;;) {
      const page = await listMessages(db, owner.id, chat.id, { limit: 100, after });
      for (const m of page.messages) all.add(m.id);
      if (!page.pagination.hasMore || !page.pagination.nextCursor) break;
      after = page.pagination.nextCursor;
    }
    for (const id of idOf.values()) expect(all.has(id)).toBe(true);

    // A clean stop of the second process: SIGTERM → in-flight sends finish → exit 0.
    sender.close();
    recipient.close();
    const second = child;
    process.kill(second.pid!, 'SIGTERM');
    expect(await exited(second)).toEqual({ code: 0, signal: null });
  });
});
