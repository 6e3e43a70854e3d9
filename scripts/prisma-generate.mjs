// Runs `prisma generate` offline. Prisma's CLI insists on locating its Rust schema engine even
// though `generate` never uses it, and the engine cannot be downloaded here; pointing
// PRISMA_SCHEMA_ENGINE_BINARY at any existing file satisfies that check (see DESIGN.md).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const prismaBin = path.join(root, 'node_modules', '.bin', 'prisma');
if (!existsSync(prismaBin)) {
  console.error('prisma-generate: node_modules/.bin/prisma is missing; run npm install first');
  process.exit(1);
}
const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
  CHECKPOINT_DISABLE: '1',
};
const result = spawnSync(prismaBin, ['generate'], { cwd: root, env, stdio: 'inherit' });
process.exit(result.status ?? 1);
