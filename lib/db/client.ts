// Builds a Prisma 7 client over the pg driver adapter (no Rust engine at run time).
// Kept apart from index.ts so scripts can build a client for a URL they computed themselves.
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/client';

export type Db = PrismaClient;

export function createDb(connectionString: string, max: number): Db {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString, max }) });
}
