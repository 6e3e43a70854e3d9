// POST /api/admin/reports/:reportId/resolve { note? }: a moderator (ADMIN) resolves an open
// report; others FORBIDDEN, an unknown report NOT_FOUND, one resolved already CONFLICT.
import { db } from '@/lib/db';
import { authenticateRequest } from '@/lib/auth/authenticate';
import { ok, readJson, respond } from '@/lib/http/respond';
import { resolveReport } from '@/lib/moderation/reports';
import { reportIdParamsSchema, resolveReportSchema } from '@/lib/moderation/schemas';
import { parseInput } from '@/lib/validation';

type Context = { params: Promise<{ reportId: string }> };

export function POST(request: Request, context: Context) {
  return respond(async () => {
    const user = await authenticateRequest(request);
    const { reportId } = parseInput(reportIdParamsSchema, await context.params, 'report id');
    const input = parseInput(resolveReportSchema, await readJson(request), 'resolution');
    return ok(await resolveReport(db, user.id, reportId, input));
  });
}
