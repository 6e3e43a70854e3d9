// `npm run db:seed`: loads the demo data into DATABASE_URL, or without it (outside production)
// into the embedded database of `npm run dev` (once; a second run changes nothing).
import { createDb } from '../lib/db/client';
import { DEMO_ACCOUNTS, loadDemoData } from '../lib/db/demo-data';
import { openLocalDatabase } from '../lib/db/local-database';

const database = await openLocalDatabase().catch((error: Error) => {
  console.error(`db:seed: ${error.message}`);
  process.exit(1);
});
const db = createDb(database.url, 2);
try {
  const { loaded } = await loadDemoData(db);
  console.log(loaded ? `db:seed: demo data loaded into ${database.description}` : 'db:seed: demo data already present');
  for (const [role, account] of Object.entries(DEMO_ACCOUNTS)) {
    console.log(`db:seed: ${role}: ${account.email} / ${account.password}`);
  }
} finally {
  await db.$disconnect();
  await database.stop();
}
