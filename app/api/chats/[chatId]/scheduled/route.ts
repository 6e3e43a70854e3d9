// GET: the user's own scheduled messages of this chat (waiting, failed, sent late); nobody else's.
// POST { content, sendAt, replyToId? }: schedule one (201). Spends the send budget, as a send does.
import { db } from '@/lib/db';
import { authenticateRequest } from '@/lib/auth/authenticate';
import { chatIdParamsSchema, listScheduledMessages, scheduleMessage, scheduleMessageSchema } from '@/lib/chat';
import { ok, readJson, respond } from '@/lib/http/respond';
import { webRateLimits } from '@/lib/http/send-limits';
import { parseInput } from '@/lib/validation';

type Context = { params: Promise<{ chatId: string }> };

export function GET(request: Request, context: Context) {
  return respond(async () => {
    const user = await authenticateRequest(request);
    const { chatId } = parseInput(chatIdParamsSchema, await context.params, 'chat id');
    return ok(await listScheduledMessages(db, user.id, chatId));
  });
}

export function POST(request: Request, context: Context) {
  return respond(async () => {
    const user = await authenticateRequest(request);
    await webRateLimits.consume('send_message', user.id);
    const { chatId } = parseInput(chatIdParamsSchema, await context.params, 'chat id');
    const input = parseInput(scheduleMessageSchema, await readJson(request), 'scheduled message');
    return ok(await scheduleMessage(db, user.id, chatId, input), 201);
  });
}
