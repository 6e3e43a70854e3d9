// /metrics behind METRICS_TOKEN: without it the realtime server's figures (users online, errors,
// latencies) are open to anyone who reaches the port.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RealtimeServer } from './server';
import { startServer } from './test-support';

const TOKEN = 'metrics-token-for-the-test-0123456789';
let server: RealtimeServer;

beforeAll(async () => {
  server = await startServer({ metricsToken: TOKEN });
});

afterAll(async () => {
  await server?.close();
});

it('answers /metrics only with its bearer token', async () => {
  const anonymous = await fetch(`${server.url}/metrics`);
  expect(anonymous.status).toBe(401);
  expect(await anonymous.json()).toEqual({ error: { code: 'UNAUTHENTICATED', message: 'metrics need their token' } });

  const wrong = await fetch(`${server.url}/metrics`, {
    headers: { authorization: `Bearer ${TOKEN.replace('0', '1')}` },
  });
  expect(wrong.status).toBe(401);

  const allowed = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(allowed.status).toBe(200);
  expect(await allowed.text()).toMatch(/stayeasy_realtime_/);

  // Health and readiness stay open to the load balancer.
  expect((await fetch(`${server.url}/health`)).status).toBe(200);
});
