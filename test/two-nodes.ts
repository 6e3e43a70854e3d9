// Two realtime nodes behind one real redis-server (free port, no persistence), wired as in
// production, for the multi-node tests: started, seeing each other (presence, typing and rate
// limits cross through Redis once they do), and closed with every client opened on them.
import { db } from '../lib/db';
import type { RealtimeServer, RealtimeServerOptions } from '../realtime/server';
import { connect, eventually, startServer, type Client } from '../realtime/test-support';
import { bearerToken } from './fixtures';
import { startRedisServer } from './redis-server';

export async function startTwoNodes(options: Partial<RealtimeServerOptions> = {}) {
  const redis = await startRedisServer();
  const [nodeA, nodeB] = await Promise.all([
    startServer({ ...options, redisUrl: redis.url }),
    startServer({ ...options, redisUrl: redis.url }),
  ]);
  await seeEachOther([nodeA, nodeB]);
  const clients: Client[] = [];
  return {
    nodeA,
    nodeB,
    redisUrl: redis.url,
    /** A client of `userId` on `node`, closed with the nodes. */
    async open(node: RealtimeServer, userId: string): Promise<Client> {
      const client = await connect(node.url, (await bearerToken(db, userId)).token);
      clients.push(client);
      return client;
    },
    async close() {
      for (const client of clients) client.close();
      await Promise.all([nodeA.close(), nodeB.close()]);
      redis.stop();
    },
  };
}

/** Waits until each node counts all of `nodes` (the Redis adapter's heartbeats). */
export async function seeEachOther(nodes: RealtimeServer[]) {
  for (const node of nodes) {
    await eventually(
      async () => (await node.io.of('/').adapter.serverCount()) >= nodes.length,
      'the nodes to see each other',
    );
  }
}
