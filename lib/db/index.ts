// The one database client of the process, used by the web app, the realtime server, scripts and
// tests alike. DATABASE_URL and DATABASE_POOL_SIZE come from lib/env.
//
// Created on first use, not at import: `next build` imports every route module to collect its
// page data, and a build needs neither a database nor its URL.
import { env, requireDatabaseUrl } from '../env';
import { createDb, type Db } from './client';

export { createDb, type Db } from './client';
export { Prisma } from './generated/client';

// Next.js dev reloads modules on every change; keep one pool per process, not one per reload.
const globalForDb = globalThis as unknown as { stayeasyDb?: Db };

let instance: Db | undefined;
function database(): Db {
  if (!instance) {
    instance = globalForDb.stayeasyDb ?? createDb(requireDatabaseUrl(), env.DATABASE_POOL_SIZE);
    if (env.NODE_ENV !== 'production') globalForDb.stayeasyDb = instance;
  }
  return instance;
}

// Methods are bound once, not at every call: every query of the process goes through here.
const boundMethods = new Map<PropertyKey, unknown>();

export const db: Db = new Proxy({} as Db, {
  get(_target, property) {
    const client = database();
    const value: unknown = Reflect.get(client, property, client);
    if (typeof value !== 'function') return value;
    let bound = boundMethods.get(property);
    if (!bound) boundMethods.set(property, (bound = value.bind(client)));
    return bound;
  },
  // `'$transaction' in db` must answer as the client would: sendMessages tells a client (it opens
  // its own transaction) from a transaction it was given by it. Without this trap the empty target
  // answered, and sends with attachments ran their steps in autocommit.
  has(_target, property) {
    return Reflect.has(database(), property);
  },
});
