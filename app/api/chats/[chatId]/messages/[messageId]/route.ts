// PATCH: edit one's own message ({ content }). DELETE: unsend it. Both answer the message as it
// is now; the other member and the user's other tabs get message_updated live.
import { db } from '@/lib/db';
import { authenticateRequest } from '@/lib/auth/authenticate';
import { storage } from '@/lib/attachments/storage';
import { editMessage, editMessageBodySchema, messageParamsSchema, unsendMessage } from '@/lib/chat';
import { logger } from '@/lib/logger';
import { ok, readJson, respond } from '@/lib/http/respond';
import { webRateLimits } from '@/lib/http/send-limits';
import { parseInput } from '@/lib/validation';

type Context = { params: Promise<{ chatId: string; messageId: string }> };

export function PATCH(request: Request, context: Context) {
  return respond(async () => {
    const user = await authenticateRequest(request);
    await webRateLimits.consume('edit_message', user.id);
    const target = parseInput(messageParamsSchema, await context.params, 'message id');
    const body = parseInput(editMessageBodySchema, await readJson(request), 'edit');
    const change = await editMessage(db, user.id, { ...target, ...body });
    return ok({ message: change.message, changed: change.changed });
  });
}

export function DELETE(request: Request, context: Context) {
  return respond(async () => {
    const user = await authenticateRequest(request);
    await webRateLimits.consume('unsend_message', user.id);
    const target = parseInput(messageParamsSchema, await context.params, 'message id');
    const log = (error: unknown) => logger.warn({ err: error }, 'could not delete an unsent attachment');
    const change = await unsendMessage(db, storage, user.id, target, { log });
    return ok({ message: change.message, changed: change.changed });
  });
}
