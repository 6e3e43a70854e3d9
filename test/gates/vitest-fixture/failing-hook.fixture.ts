// As realtime/cluster.test.ts did on a machine without redis-server: the suite's setup throws.
import { beforeAll, it } from 'vitest';

beforeAll(() => {
  throw new Error('setup failed');
});
it('is skipped because its suite failed to set up', () => {
  throw new Error('a test ran although beforeAll failed');
});
