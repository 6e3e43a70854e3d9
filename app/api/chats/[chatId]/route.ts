// PATCH /api/chats/:chatId { starred?, archived? }: the member's own view of the chat (the other
// member never sees it). Answers the chat's preferences as they are now.
import { db } from '@/lib/db';
import { authenticateRequest } from '@/lib/auth/authenticate';
import { chatIdParamsSchema, chatPreferencesSchema, setChatPreferences } from '@/lib/chat';
import { ok, readJson, respond } from '@/lib/http/respond';
import { webRateLimits } from '@/lib/http/send-limits';
import { parseInput } from '@/lib/validation';

type Context = { params: Promise<{ chatId: string }> };

export function PATCH(request: Request, context: Context) {
  return respond(async () => {
    const user = await authenticateRequest(request);
    // The shared budget of "every other" client event (the contract's mark_read spends it too).
    await webRateLimits.consume('mark_read', user.id);
    const { chatId } = parseInput(chatIdParamsSchema, await context.params, 'chat id');
    const input = parseInput(chatPreferencesSchema, await readJson(request), 'chat preferences');
    return ok(await setChatPreferences(db, user.id, chatId, input));
  });
}
