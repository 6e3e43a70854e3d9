// Builds a Prisma 7 client over the pg driver adapter (no Rust engine at run time).
// Kept apart from index.ts so scripts can build a client for a URL they computed themselves.
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from './generated/client';

export type Db = PrismaClient;

/**
 * A statement whose text starts with this comment is prepared once per connection under `name`
 * and reused, so PostgreSQL neither parses nor plans it again on every call (planning the send
 * statement costs about as much as running it). Only hot statements of fixed text carry it:
 * a prepared statement stays on its connection for the connection's life.
 */
export function preparedStatementMarker(name: string): string {
  if (!/^[a-z][a-z0-9_]*$/.test(name)) throw new Error(`bad prepared statement name: ${name}`);
  return `/* prepared:${name} */`;
}

const PREPARED = /^\s*\/\* prepared:([a-z][a-z0-9_]*) \*\//;

/** The adapter's statement name for a query: its marker's name, or none (unnamed, not kept). */
export function preparedStatementName(sql: string): string | undefined {
  return PREPARED.exec(sql)?.[1];
}

// The pg pool under a client (the adapter runs on it): see poolOf.
const POOL = Symbol('pg pool');

export function createDb(connectionString: string, max: number): Db {
  const pool = new pg.Pool({ connectionString, max });
  const adapter = new PrismaPg(pool, {
    // pg sends a query without a name as an unnamed statement; the adapter's type asks for a
    // string only because it always passes the result on.
    statementNameGenerator: (query) => preparedStatementName(query.sql) as string,
    // $disconnect ends the pool, as it did when the adapter made its own.
    disposeExternalPool: true,
  });
  return Object.defineProperty(new PrismaClient({ adapter }), POOL, { value: pool });
}

/**
 * The connections under `db`, for the few hot reads whose result Prisma's raw-query path makes
 * costly (message-store.ts pageMessages: through $queryRaw a history page allocated so much
 * that each young-generation GC paused 10-20 ms, against under 1 ms through pg, measured).
 * Same pool, same prepared statements; a write only when it is one autocommit statement (the send
 * group's): anything in a transaction belongs to Prisma's.
 */
export function poolOf(db: Db): pg.Pool {
  return (db as Db & { [POOL]: pg.Pool })[POOL];
}

/**
 * Runs `query` (a Prisma.sql statement) through pg on `db`'s own pool (poolOf says why), prepared
 * under its marker's name when it has one; its rows as pg returns them (text, numbers of int4,
 * Dates of timestamps, parsed json). Only for a read, or a write that is one autocommit statement.
 */
export async function queryThroughPool<T extends pg.QueryResultRow>(
  db: Db,
  query: { text: string; values: unknown[] },
): Promise<T[]> {
  const result = await poolOf(db).query<T>({
    name: preparedStatementName(query.text),
    text: query.text,
    values: query.values,
  });
  return result.rows;
}
