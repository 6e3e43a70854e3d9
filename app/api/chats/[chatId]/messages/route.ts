// GET: a page of the chat's history, or (with `changedAfter`) the messages edited or unsent since
// a page's changeCursor. POST: send a message (201; idempotent by clientMessageId),
// announced to the realtime server so the other party gets it live.
import { db } from '@/lib/db';
import { authenticateRequest } from '@/lib/auth/authenticate';
import {
  chatIdParamsSchema,
  listMessageChanges,
  listMessages,
  listMessagesQuerySchema,
  messageChangesQuerySchema,
  sendMessage,
  sendMessageBodySchema,
} from '@/lib/chat';
import { ok, queryOf, readJson, respond } from '@/lib/http/respond';
import { webRateLimits } from '@/lib/http/send-limits';
import { parseInput } from '@/lib/validation';

type Context = { params: Promise<{ chatId: string }> };

export function GET(request: Request, context: Context) {
  return respond(async () => {
    const user = await authenticateRequest(request);
    const { chatId } = parseInput(chatIdParamsSchema, await context.params, 'chat id');
    const params = queryOf(request);
    if ('changedAfter' in params) {
      const { changedAfter } = parseInput(messageChangesQuerySchema, params, 'query');
      return ok(await listMessageChanges(db, user.id, chatId, BigInt(changedAfter)));
    }
    const query = parseInput(listMessagesQuerySchema, params, 'query');
    return ok(await listMessages(db, user.id, chatId, query));
  });
}

export function POST(request: Request, context: Context) {
  return respond(async () => {
    const user = await authenticateRequest(request);
    const { chatId } = parseInput(chatIdParamsSchema, await context.params, 'chat id');
    await webRateLimits.consume('send_message', user.id);
    const body = parseInput(sendMessageBodySchema, await readJson(request), 'message');
    const sent = await sendMessage(db, user.id, { ...body, chatId });
    return ok(sent.message, sent.duplicate ? 200 : 201);
  });
}
