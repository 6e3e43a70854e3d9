// GET ?q=…[&cursor=…&limit=…]: search the user's own conversations (lib/chat/search.ts): chats
// by the other party's or the property's name, and messages by their text, newest first.
import { db } from '@/lib/db';
import { authenticateRequest } from '@/lib/auth/authenticate';
import { searchInbox, searchQuerySchema } from '@/lib/chat';
import { ok, queryOf, respond } from '@/lib/http/respond';
import { parseInput } from '@/lib/validation';

export function GET(request: Request) {
  return respond(async () => {
    const user = await authenticateRequest(request);
    const query = parseInput(searchQuerySchema, queryOf(request), 'search');
    return ok(await searchInbox(db, user.id, query));
  });
}
