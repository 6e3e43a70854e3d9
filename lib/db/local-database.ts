// The database of the command-line tools (`npm run dev`, db:migrate, db:seed, archive):
// DATABASE_URL when set; otherwise, outside production, the embedded PostgreSQL of
// `npm run dev` (EMBEDDED_PG_DIR on EMBEDDED_PG_PORT), reused when it runs, started when not,
// with its `stayeasy` database created on first use.
import { rm } from 'node:fs/promises';
import { env } from '../env';

export const LOCAL_DATABASE_NAME = 'stayeasy';

export interface LocalDatabase {
  url: string;
  /** How the URL was found, for one line of log. */
  description: string;
  /** Stops the embedded server if this call started it; a no-op otherwise. */
  stop(): Promise<void>;
}

export async function openLocalDatabase(
  options: { resetData?: boolean; onServerLog?: (line: string) => void } = {},
): Promise<LocalDatabase> {
  if (env.DATABASE_URL) return { url: env.DATABASE_URL, description: 'DATABASE_URL', stop: async () => {} };
  if (env.NODE_ENV === 'production') {
    // A production tool silently working on a local throw-away database would be worse than none.
    throw new Error('DATABASE_URL is not set (in production the embedded PostgreSQL is never used)');
  }
  // Loaded only now: a tool given DATABASE_URL never loads the embedded server's package.
  const { ensureDatabase, startEmbeddedPostgres } = await import('./embedded');
  if (options.resetData) await rm(env.EMBEDDED_PG_DIR, { recursive: true, force: true });
  const server = await startEmbeddedPostgres({
    dir: env.EMBEDDED_PG_DIR,
    port: env.EMBEDDED_PG_PORT,
    onLog: options.onServerLog,
  });
  await ensureDatabase(server.adminUrl, LOCAL_DATABASE_NAME);
  const where = `127.0.0.1:${env.EMBEDDED_PG_PORT} (data in ${env.EMBEDDED_PG_DIR})`;
  return {
    url: server.urlFor(LOCAL_DATABASE_NAME),
    description: `${server.reused ? 'the running' : 'a started'} embedded PostgreSQL on ${where}`,
    stop: () => server.stop(),
  };
}
