// GET /api/admin/reports?status=open|resolved: reports for moderators (ADMIN); others FORBIDDEN.
import { db } from '@/lib/db';
import { authenticateRequest } from '@/lib/auth/authenticate';
import { ok, queryOf, respond } from '@/lib/http/respond';
import { listReports } from '@/lib/moderation/reports';
import { reportListQuerySchema } from '@/lib/moderation/schemas';
import { parseInput } from '@/lib/validation';

export function GET(request: Request) {
  return respond(async () => {
    const user = await authenticateRequest(request);
    const { status } = parseInput(reportListQuerySchema, queryOf(request), 'report query');
    return ok(await listReports(db, user.id, status));
  });
}
