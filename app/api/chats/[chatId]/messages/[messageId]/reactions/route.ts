// PUT { emoji, on }: put a reaction on a message of the chat, or take it off. Answers the message
// as it is now; both members' tabs get message_updated live.
import { db } from '@/lib/db';
import { authenticateRequest } from '@/lib/auth/authenticate';
import { messageParamsSchema, reactBodySchema, setReaction } from '@/lib/chat';
import { ok, readJson, respond } from '@/lib/http/respond';
import { webRateLimits } from '@/lib/http/send-limits';
import { parseInput } from '@/lib/validation';

type Context = { params: Promise<{ chatId: string; messageId: string }> };

export function PUT(request: Request, context: Context) {
  return respond(async () => {
    const user = await authenticateRequest(request);
    await webRateLimits.consume('react', user.id);
    const target = parseInput(messageParamsSchema, await context.params, 'message id');
    const body = parseInput(reactBodySchema, await readJson(request), 'reaction');
    const change = await setReaction(db, user.id, { ...target, ...body });
    return ok({ message: change.message, changed: change.changed });
  });
}
