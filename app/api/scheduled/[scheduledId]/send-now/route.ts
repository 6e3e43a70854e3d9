// POST: send one's own waiting scheduled message now, as the job would at its time. Answers the
// row as it is after: sent (with sentMessageId), or failed with its code.
import { db } from '@/lib/db';
import { authenticateRequest } from '@/lib/auth/authenticate';
import { scheduledIdParamsSchema, sendScheduledMessageNow } from '@/lib/chat';
import { ok, respond } from '@/lib/http/respond';
import { webRateLimits } from '@/lib/http/send-limits';
import { parseInput } from '@/lib/validation';

type Context = { params: Promise<{ scheduledId: string }> };

export function POST(request: Request, context: Context) {
  return respond(async () => {
    const user = await authenticateRequest(request);
    await webRateLimits.consume('send_message', user.id);
    const { scheduledId } = parseInput(scheduledIdParamsSchema, await context.params, 'scheduled message id');
    return ok(await sendScheduledMessageNow(db, user.id, scheduledId));
  });
}
