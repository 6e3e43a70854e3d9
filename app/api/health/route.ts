// Liveness and database reachability of the web app (used by the dev orchestration and the
// browser tests to know the app is up).
import { db } from '@/lib/db';

export async function GET() {
  try {
    await db.$queryRaw`SELECT 1`;
    return Response.json({ data: { status: 'ok', database: 'reachable' } });
  } catch {
    return Response.json({ error: { code: 'INTERNAL', message: 'database unreachable' } }, { status: 503 });
  }
}
