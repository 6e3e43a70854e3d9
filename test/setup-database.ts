// Runs before each test file: gives the file its own migrated database and upload folder, and
// points DATABASE_URL / UPLOAD_DIR (read by lib/env) at them before any application module is
// imported, so tests never touch the dev data.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDatabase } from './databases';

const { url } = await createTestDatabase();
process.env.DATABASE_URL = url;
process.env.UPLOAD_DIR = await mkdtemp(path.join(tmpdir(), 'stayeasy-uploads-'));
