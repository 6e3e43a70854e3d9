// GET /api/chats: the user's chats. POST /api/chats: open (or get back) a chat about a property.
import { db } from '@/lib/db';
import { authenticateRequest } from '@/lib/auth/authenticate';
import { listChatsForUser, openChat, openChatSchema } from '@/lib/chat';
import { ok, readJson, respond } from '@/lib/http/respond';
import { parseInput } from '@/lib/validation';

export function GET(request: Request) {
  return respond(async () => {
    const user = await authenticateRequest(request);
    return ok(await listChatsForUser(db, user.id));
  });
}

export function POST(request: Request) {
  return respond(async () => {
    const user = await authenticateRequest(request);
    const input = parseInput(openChatSchema, await readJson(request), 'chat');
    const { chat, created } = await openChat(db, user.id, input);
    return ok(chat, created ? 201 : 200);
  });
}
