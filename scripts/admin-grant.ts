// `npm run admin:grant -- <email>`: makes that user an ADMIN (sees /admin/reports);
// `npm run admin:grant -- --revoke <email>` takes it back. Works on DATABASE_URL, or without it
// (outside production) on the embedded database of `npm run dev`. Exit codes: 0 done, 1 failed
// (one line on stderr), 64 bad usage.
import { createDb } from '../lib/db/client';
import { openLocalDatabase } from '../lib/db/local-database';
import { setAdmin } from '../lib/moderation/admins';

const args = process.argv.slice(2);
const revoke = args.includes('--revoke');
const emails = args.filter((a) => a !== '--revoke');
if (emails.length !== 1 || emails[0]!.startsWith('-')) {
  console.error('usage: npm run admin:grant -- [--revoke] <email>');
  process.exit(64);
}

const database = await openLocalDatabase().catch((error: Error) => {
  console.error(`admin:grant: ${error.message}`);
  process.exit(1);
});
const db = createDb(database.url, 2);
let code = 0;
try {
  const { from, to } = await setAdmin(db, emails[0]!, !revoke);
  console.log(
    from === to ? `admin:grant: ${emails[0]} is already ${to}` : `admin:grant: ${emails[0]}: ${from} → ${to}`,
  );
} catch (error) {
  console.error(`admin:grant: ${(error as Error).message}`);
  code = 1;
} finally {
  await db.$disconnect();
  await database.stop();
}
process.exit(code);
