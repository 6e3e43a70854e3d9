// A real redis-server for the multi-node tests, on a free port, without persistence.
import { spawn } from 'node:child_process';
import { createClient } from 'redis';
import { eventually } from '../realtime/test-support';
import { freePort } from './free-port';

export async function startRedisServer(): Promise<{ url: string; stop(): void }> {
  const port = await freePort();
  const child = spawn(
    process.env.REDIS_SERVER_PATH || 'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const url = `redis://127.0.0.1:${port}`;
  await eventually(async () => {
    const probe = createClient({ url });
    probe.on('error', () => {});
    try {
      await probe.connect();
      await probe.ping();
      return true;
    } catch {
      return false;
    } finally {
      probe.destroy();
    }
  }, 'redis-server to accept connections');
  return { url, stop: () => void child.kill('SIGKILL') };
}
