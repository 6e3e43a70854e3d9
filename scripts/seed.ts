// `npm run db:seed`: loads the demo data into DATABASE_URL (once; a second run changes nothing).
import { db } from '../lib/db';
import { DEMO_ACCOUNTS, loadDemoData } from '../lib/db/demo-data';

const { loaded } = await loadDemoData(db);
console.log(loaded ? 'db:seed: demo data loaded' : 'db:seed: demo data already present');
for (const [role, account] of Object.entries(DEMO_ACCOUNTS)) {
  console.log(`db:seed: ${role}: ${account.email} / ${account.password}`);
}
await db.$disconnect();
