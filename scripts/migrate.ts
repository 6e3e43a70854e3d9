// `npm run db:migrate [-- --dir <migrations folder>]`: applies pending SQL migrations to
// DATABASE_URL. One clear line and a non-zero exit on any failure; a failed run changes nothing.
import { parseArgs } from 'node:util';
import { migrate, MigrationError, MIGRATIONS_DIR } from '../lib/db/migrate';

const { values } = parseArgs({ options: { dir: { type: 'string', default: MIGRATIONS_DIR } } });

const url = process.env.DATABASE_URL;
if (!url) {
  console.error('db:migrate: DATABASE_URL is not set (npm run dev migrates the embedded database itself)');
  process.exit(1);
}
try {
  const result = await migrate(url, { dir: values.dir, log: (line) => console.log(`db:migrate: ${line}`) });
  console.log(
    `db:migrate: ${result.applied.length} applied, ${result.alreadyApplied.length} already applied`,
  );
} catch (error) {
  const message = error instanceof MigrationError ? error.message : `unexpected failure: ${(error as Error).message}`;
  console.error(`db:migrate: ${message}`);
  process.exit(1);
}
