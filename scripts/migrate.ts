// `npm run db:migrate [-- --dir <migrations folder>]`: applies pending SQL migrations to
// DATABASE_URL, or without it (outside production) to the embedded database of `npm run dev`.
// One clear line and a non-zero exit on any failure; a failed run changes nothing.
import { parseArgs } from 'node:util';
import { openLocalDatabase } from '../lib/db/local-database';
import { migrate, MigrationError, MIGRATIONS_DIR } from '../lib/db/migrate';

const { values } = parseArgs({ options: { dir: { type: 'string', default: MIGRATIONS_DIR } } });

let exitCode = 0;
const database = await openLocalDatabase().catch((error: Error) => {
  console.error(`db:migrate: ${error.message}`);
  process.exit(1);
});
try {
  console.log(`db:migrate: using ${database.description}`);
  const result = await migrate(database.url, { dir: values.dir, log: (line) => console.log(`db:migrate: ${line}`) });
  console.log(`db:migrate: ${result.applied.length} applied, ${result.alreadyApplied.length} already applied`);
} catch (error) {
  const message = error instanceof MigrationError ? error.message : `unexpected failure: ${(error as Error).message}`;
  console.error(`db:migrate: ${message}`);
  exitCode = 1;
} finally {
  await database.stop();
}
process.exit(exitCode);
