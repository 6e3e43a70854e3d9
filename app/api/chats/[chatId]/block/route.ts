// PUT /api/chats/:chatId/block [{ userId? }]: block the chat's other member (their sends,
// reactions and typing there are refused BLOCKED). DELETE: unblock them. Both answer the chat's
// block state { chatId, blockedUserIds }; both members' open views learn it live.
import { db } from '@/lib/db';
import { authenticateRequest } from '@/lib/auth/authenticate';
import { blockBodySchema, chatIdParamsSchema, setBlock } from '@/lib/chat';
import { ok, readJson, respond } from '@/lib/http/respond';
import { webRateLimits } from '@/lib/http/send-limits';
import { parseInput } from '@/lib/validation';

type Context = { params: Promise<{ chatId: string }> };

export function PUT(request: Request, context: Context) {
  return respond(async () => {
    const user = await authenticateRequest(request);
    await webRateLimits.consume('mark_read', user.id); // the shared "every other event" budget
    const { chatId } = parseInput(chatIdParamsSchema, await context.params, 'chat id');
    const body = parseInput(blockBodySchema, await readJson(request), 'block');
    return ok(await setBlock(db, user.id, chatId, body, true));
  });
}

export function DELETE(request: Request, context: Context) {
  return respond(async () => {
    const user = await authenticateRequest(request);
    await webRateLimits.consume('mark_read', user.id);
    const { chatId } = parseInput(chatIdParamsSchema, await context.params, 'chat id');
    return ok(await setBlock(db, user.id, chatId, {}, false));
  });
}
