// Signing out reaches open sockets: a revoked session's sockets are closed at once (on every
// node, through the same NOTIFY relay as REST sends), and cannot come back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revokeAllSessions, revokeSession } from '../lib/auth/sessions';
import { db } from '../lib/db';
import { bearerToken, createUser } from '../test/fixtures';
import { connect, connectError, eventually, type Client } from './test-support';
import { startServer } from './test-support';
import type { RealtimeServer } from './server';

let server: RealtimeServer;
const clients: Client[] = [];

beforeAll(async () => {
  server = await startServer();
  await server.chatEventsReady();
});
afterAll(async () => {
  for (const c of clients) c.close();
  await server?.close();
});

async function open(token: string) {
  const c = await connect(server.url, token);
  clients.push(c);
  const reasons: string[] = [];
  c.on('disconnect', (reason) => reasons.push(reason));
  return { socket: c, reasons };
}

describe('session revocation', () => {
  it('closes only the sockets of the revoked session, which then cannot reconnect', async () => {
    const user = await createUser(db);
    const revoked = await bearerToken(db, user.id);
    const kept = await bearerToken(db, user.id);
    const a = await open(revoked.token);
    const b = await open(kept.token);

    await revokeSession(db, revoked.sessionId);

    await eventually(() => a.reasons.includes('io server disconnect'), 'the revoked socket to be closed by the server');
    expect(a.socket.connected).toBe(false);
    expect(b.socket.connected).toBe(true);
    const refusal = await connectError(server.url, revoked.token);
    expect(refusal.data?.code).toBe('UNAUTHENTICATED');
  });

  it('sign out everywhere closes every socket of the user and no one else', async () => {
    const user = await createUser(db);
    const other = await createUser(db);
    const tabs = [
      await open((await bearerToken(db, user.id)).token),
      await open((await bearerToken(db, user.id)).token),
    ];
    const bystander = await open((await bearerToken(db, other.id)).token);

    expect(await revokeAllSessions(db, user.id)).toBe(2);

    await eventually(() => tabs.every((t) => t.reasons.includes('io server disconnect')), 'both tabs to be closed');
    expect(bystander.socket.connected).toBe(true);
    expect(bystander.reasons).toEqual([]);
  });
});
