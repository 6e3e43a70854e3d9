// The one database client of the process, used by the web app, the realtime server, scripts and
// tests alike. DATABASE_URL and DATABASE_POOL_SIZE come from lib/env.
import { env, requireDatabaseUrl } from '../env';
import { createDb, type Db } from './client';

export { createDb, type Db } from './client';
export { Prisma } from './generated/client';

// Next.js dev reloads modules on every change; keep one pool per process, not one per reload.
const globalForDb = globalThis as unknown as { stayeasyDb?: Db };

export const db: Db = globalForDb.stayeasyDb ?? createDb(requireDatabaseUrl(), env.DATABASE_POOL_SIZE);
if (env.NODE_ENV !== 'production') globalForDb.stayeasyDb = db;
