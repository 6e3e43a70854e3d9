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
  startRealtime(): Promise<ServerProcess>;
  startSeed(): Promise<ServerProcess>;
  log(line: string): void;
}
