// POST: mark messages read (by ids, or everything up to one), announced to the realtime server.
import { db } from '@/lib/db';
import { authenticateRequest } from '@/lib/auth/authenticate';
import { chatIdParamsSchema, markMessagesRead, markReadBodySchema } from '@/lib/chat';
import { ok, readJson, respond } from '@/lib/http/respond';
import { webRateLimits } from '@/lib/http/send-limits';
import { parseInput } from '@/lib/validation';

type Context = { params: Promise<{ chatId: string }> };

export function POST(request: Request, context: Context) {
  return respond(async () => {
    const user = await authenticateRequest(request);
    await webRateLimits.consume('mark_read', user.id);
    const { chatId } = parseInput(chatIdParamsSchema, await context.params, 'chat id');
    const body = parseInput(markReadBodySchema, await readJson(request), 'read receipt');
    return ok(await markMessagesRead(db, user.id, { ...body, chatId }));
  });
}
