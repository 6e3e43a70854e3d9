// Which chats the inbox list shows: All (what is not archived), Unread, Starred, Archived, and for
// hosts one property. The filter lives in the URL (/inbox?filter=unread&property=<id>), so it is
// addressable and kept across reloads. Pure: the list component renders what these decide.
import { isArchived } from '@/lib/chat/archived';
import type { ChatSummary } from '@/lib/chat/chats';

export const CHAT_FILTERS = ['all', 'unread', 'starred', 'archived'] as const;
export type ChatFilter = (typeof CHAT_FILTERS)[number];
export const CHAT_FILTER_LABELS: Record<ChatFilter, string> = {
  all: 'All',
  unread: 'Unread',
  starred: 'Starred',
  archived: 'Archived',
};

/** The filter a URL names (anything else: all). */
export function chatFilterOf(value: string | null): ChatFilter {
  return (CHAT_FILTERS as readonly string[]).includes(value ?? '') ? (value as ChatFilter) : 'all';
}

type Filterable = Pick<ChatSummary, 'unreadCount' | 'starred' | 'archivedAt' | 'lastMessageAt' | 'property'>;

function matches(chat: Filterable, filter: ChatFilter): boolean {
  const archived = isArchived(chat);
  if (filter === 'archived') return archived;
  if (filter === 'starred') return chat.starred;
  if (archived) return false;
  return filter === 'all' || chat.unreadCount > 0;
}

/** The chats a filter (and, when given, a property) shows, in the list's order. */
export function filterChats<T extends Filterable>(
  chats: readonly T[],
  filter: ChatFilter,
  propertyId: string | null,
): T[] {
  return chats.filter((c) => matches(c, filter) && (!propertyId || c.property.id === propertyId));
}

/** How many chats each filter shows (within the property, when given). */
export function filterCounts(chats: readonly Filterable[], propertyId: string | null): Record<ChatFilter, number> {
  const counts = { all: 0, unread: 0, starred: 0, archived: 0 };
  for (const filter of CHAT_FILTERS) counts[filter] = filterChats(chats, filter, propertyId).length;
  return counts;
}
