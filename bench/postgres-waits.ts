// What the send statements are doing inside PostgreSQL during a window: pg_stat_activity sampled
// every few milliseconds from the bench's own connection. The server's store stage is one figure
// (statement and commit, one autocommit round trip); these shares split it into running on a CPU,
// flushing the WAL to disk, waiting for the WAL writer's lock and waiting for a row another
// group locked. Sampling is the only way to see it from outside: PostgreSQL keeps no per-wait
// timings (pg_stat_activity shows the current wait only).
import type pg from 'pg';
import { sleep } from './common';

/** Share of the samples of active send statements (0-1) per kind of wait; `cpu` means no wait. */
export interface PostgresWaits {
  /** Polls of pg_stat_activity in the window. */
  samples: number;
  /** Mean number of send statements active at a poll (in PostgreSQL, between parse and commit). */
  activeMean: number;
  shares: { cpu: number; walSync: number; walWrite: number; rowLock: number; other: number };
}

const SAMPLE_EVERY_MS = 5;

// The send group's statements carry this marker (lib/chat/send-messages.ts).
const SEND_STATEMENT = '%prepared:store_group%';

const kindOf = (type: string | null, event: string | null): keyof PostgresWaits['shares'] => {
  if (type === null) return 'cpu';
  if (event === 'WalSync' || event === 'WalInitSync') return 'walSync';
  if (event === 'WALWrite' || event === 'WalWrite' || event === 'WalInitWrite') return 'walWrite';
  if (type === 'Lock') return 'rowLock';
  return 'other';
};

/** Starts sampling on a connection of `pool`; `stop` ends it and gives the shares. */
export async function sampleSendWaits(pool: pg.Pool): Promise<{ stop(): Promise<PostgresWaits> }> {
  const client = await pool.connect();
  const counts = { cpu: 0, walSync: 0, walWrite: 0, rowLock: 0, other: 0 };
  let samples = 0;
  let active = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const { rows } = await client.query<{ type: string | null; event: string | null }>({
        name: 'bench_send_waits',
        text: `SELECT wait_event_type AS type, wait_event AS event FROM pg_stat_activity
               WHERE state = 'active' AND backend_type = 'client backend' AND query LIKE $1`,
        values: [SEND_STATEMENT],
      });
      samples++;
      for (const row of rows) counts[kindOf(row.type, row.event)]++;
      active += rows.length;
      await sleep(SAMPLE_EVERY_MS);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop.finally(() => client.release());
      const share = (n: number) => (active ? Math.round((n / active) * 1000) / 1000 : 0);
      return {
        samples,
        activeMean: samples ? Math.round((active / samples) * 100) / 100 : 0,
        shares: {
          cpu: share(counts.cpu),
          walSync: share(counts.walSync),
          walWrite: share(counts.walWrite),
          rowLock: share(counts.rowLock),
          other: share(counts.other),
        },
      };
    },
  };
}
