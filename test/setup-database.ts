// Runs before each test file: gives the file its own migrated database and points
// DATABASE_URL (read by lib/env, lib/db) at it before any application module is imported.
import { createTestDatabase } from './databases';

const { url } = await createTestDatabase();
process.env.DATABASE_URL = url;
