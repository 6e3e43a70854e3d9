// POST /api/reports { chatId, messageId?, reason, note? }: report a message of one's chat, or the
// chat's other member, for moderation. 201 with { id, status: 'open', createdAt }.
import { db } from '@/lib/db';
import { authenticateRequest } from '@/lib/auth/authenticate';
import { ok, readJson, respond } from '@/lib/http/respond';
import { webRateLimits } from '@/lib/http/send-limits';
import { createReport } from '@/lib/moderation/reports';
import { reportInputSchema } from '@/lib/moderation/schemas';
import { parseInput } from '@/lib/validation';

export function POST(request: Request) {
  return respond(async () => {
    const user = await authenticateRequest(request);
    await webRateLimits.consume('mark_read', user.id); // the shared "every other event" budget
    const input = parseInput(reportInputSchema, await readJson(request), 'report');
    return ok(await createReport(db, user.id, input), 201);
  });
}
