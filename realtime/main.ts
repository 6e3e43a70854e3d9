// The realtime process entry point (placeholder until the realtime issue lands): answers
// /health and /ready so `npm run dev` can supervise it.
import { createServer } from 'node:http';
import { env } from '../lib/env';
import { db } from '../lib/db';

const server = createServer(async (req, res) => {
  if (req.url === '/health') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'ok' }));
    return;
  }
  if (req.url === '/ready') {
    try {
      await db.$queryRaw`SELECT 1`;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'ready' }));
    } catch {
      res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'database unreachable' }));
    }
    return;
  }
  res.writeHead(404).end();
});
server.listen(env.REALTIME_PORT, () => console.log(`realtime listening on :${env.REALTIME_PORT}`));
