// PATCH { title?, body?, move?: 'up' | 'down' }: change or move one of the host's quick replies.
// DELETE: remove it. Someone else's is 404.
import { db } from '@/lib/db';
import { authenticateRequest } from '@/lib/auth/authenticate';
import { ok, readJson, respond } from '@/lib/http/respond';
import { savedReplyChangeSchema, savedReplyParamsSchema } from '@/lib/saved-replies/placeholders';
import { changeSavedReply, deleteSavedReply } from '@/lib/saved-replies/saved-replies';
import { parseInput } from '@/lib/validation';

type Context = { params: Promise<{ replyId: string }> };

export function PATCH(request: Request, context: Context) {
  return respond(async () => {
    const user = await authenticateRequest(request);
    const { replyId } = parseInput(savedReplyParamsSchema, await context.params, 'saved reply id');
    const change = parseInput(savedReplyChangeSchema, await readJson(request), 'saved reply');
    return ok(await changeSavedReply(db, user.id, replyId, change));
  });
}

export function DELETE(request: Request, context: Context) {
  return respond(async () => {
    const user = await authenticateRequest(request);
    const { replyId } = parseInput(savedReplyParamsSchema, await context.params, 'saved reply id');
    await deleteSavedReply(db, user.id, replyId);
    return ok({ id: replyId });
  });
}
