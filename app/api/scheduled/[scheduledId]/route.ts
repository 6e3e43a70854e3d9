// PATCH { content?, sendAt? }: change one's own scheduled message while it waits (CONFLICT after).
// DELETE: cancel it, or dismiss a failed or late-sent one. Someone else's is 404, as is none.
import { db } from '@/lib/db';
import { authenticateRequest } from '@/lib/auth/authenticate';
import {
  cancelScheduledMessage,
  changeScheduledMessage,
  scheduledChangeSchema,
  scheduledIdParamsSchema,
} from '@/lib/chat';
import { ok, readJson, respond } from '@/lib/http/respond';
import { webRateLimits } from '@/lib/http/send-limits';
import { parseInput } from '@/lib/validation';

type Context = { params: Promise<{ scheduledId: string }> };

export function PATCH(request: Request, context: Context) {
  return respond(async () => {
    const user = await authenticateRequest(request);
    await webRateLimits.consume('edit_message', user.id);
    const { scheduledId } = parseInput(scheduledIdParamsSchema, await context.params, 'scheduled message id');
    const change = parseInput(scheduledChangeSchema, await readJson(request), 'scheduled message');
    return ok(await changeScheduledMessage(db, user.id, scheduledId, change));
  });
}

export function DELETE(request: Request, context: Context) {
  return respond(async () => {
    const user = await authenticateRequest(request);
    const { scheduledId } = parseInput(scheduledIdParamsSchema, await context.params, 'scheduled message id');
    await cancelScheduledMessage(db, user.id, scheduledId);
    return ok({ id: scheduledId });
  });
}
