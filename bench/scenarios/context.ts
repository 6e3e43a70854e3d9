import type pg from 'pg';
import type { ServerProcess } from '../common';

export interface BenchContext {
  quick: boolean;
  /** The benchmark's own connections (fixtures, verification, the ceiling). */
  pool: pg.Pool;
  dbUrl: string;
  /** The bench's PostgreSQL data folder (its postmaster.pid names the server's processes). */
  pgDataDir: string;
  /** Connections per server process (ours and the seed's alike), and of the ceiling. */
  poolSize: number;
  /** `env`: more of the server's environment (REDIS_URL for a node among several). */
  startRealtime(env?: Record<string, string>): Promise<ServerProcess>;
  startSeed(): Promise<ServerProcess>;
  /** bench/transport-server.ts: Socket.IO without a database, for the transport ceiling. */
  startTransport(): Promise<ServerProcess>;
  log(line: string): void;
}
