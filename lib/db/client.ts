// Builds a Prisma 7 client over the pg driver adapter (no Rust engine at run time).
// Kept apart from index.ts so scripts can build a client for a URL they computed themselves.
import { PrismaPg } from '@prisma/adapter-pg';
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

export function createDb(connectionString: string, max: number): Db {
  const adapter = new PrismaPg(
    { connectionString, max },
    // pg sends a query without a name as an unnamed statement; the adapter's type asks for a
    // string only because it always passes the result on.
    { statementNameGenerator: (query) => preparedStatementName(query.sql) as string },
  );
  return new PrismaClient({ adapter });
}
