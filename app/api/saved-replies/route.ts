// GET: the host's quick replies, in their order. POST { title, body }: a new one, at the end.
import { db } from '@/lib/db';
import { authenticateRequest } from '@/lib/auth/authenticate';
import { ok, readJson, respond } from '@/lib/http/respond';
import { savedReplyInputSchema } from '@/lib/saved-replies/placeholders';
import { createSavedReply, listSavedReplies } from '@/lib/saved-replies/saved-replies';
import { parseInput } from '@/lib/validation';

export function GET(request: Request) {
  return respond(async () => {
    const user = await authenticateRequest(request);
    return ok(await listSavedReplies(db, user.id));
  });
}

export function POST(request: Request) {
  return respond(async () => {
    const user = await authenticateRequest(request);
    const input = parseInput(savedReplyInputSchema, await readJson(request), 'saved reply');
    return ok(await createSavedReply(db, user.id, input), 201);
  });
}
