// A member's own view of a chat: starred, archived (chat_preferences), read for the chat list and
// set by the member only. What "archived" means is archived.ts (shared with the browser).
import type { Db } from '../db';
import { getChatForMember } from './access';
import type { ChatPreferences } from './archived';
import type { ChatPreferencesInput } from './schemas';

/** Each chat's preferences of `userId` (defaults for a chat with none). */
export async function preferencesOf(db: Db, userId: string, chatIds: string[]): Promise<Map<string, ChatPreferences>> {
  const rows = await db.chatPreference.findMany({ where: { userId, chatId: { in: chatIds } } });
  return new Map(rows.map((r) => [r.chatId, { starred: r.starred, archivedAt: r.archivedAt?.toISOString() ?? null }]));
}

export const DEFAULT_PREFERENCES: ChatPreferences = { starred: false, archivedAt: null };

/** Stars or archives (or undoes either) a chat for its member `userId`; NOT_FOUND for anyone else. */
export async function setChatPreferences(
  db: Db,
  userId: string,
  chatId: string,
  input: ChatPreferencesInput,
): Promise<ChatPreferences> {
  await getChatForMember(db, userId, chatId);
  const archivedAt = input.archived === undefined ? undefined : input.archived ? new Date() : null;
  const row = await db.chatPreference.upsert({
    where: { chatId_userId: { chatId, userId } },
    create: { chatId, userId, starred: input.starred ?? false, archivedAt: archivedAt ?? null },
    update: { starred: input.starred, archivedAt },
  });
  return { starred: row.starred, archivedAt: row.archivedAt?.toISOString() ?? null };
}
