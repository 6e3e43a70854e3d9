// React Query is the browser's source of truth for server data. Query keys and fetchers come
// from these factories only; the cache updaters below apply live events in place (no refetch
// storm), through the same pure merge the catch-up uses.
import { infiniteQueryOptions, queryOptions, type InfiniteData, type QueryClient, type QueryKey } from '@tanstack/react-query';
import type { ChatSummary } from '../chat/chats';
import type { MessagePage } from '../chat/messages';
import { HISTORY_PAGE_DEFAULT } from '../chat/schemas';
import type { MessageDto } from '../chat/message-dto';
import { apiFetch } from './api';
import { applyReadReceipt, mergeMessages } from './merge';

/** How far before its newest message a thread catches up after a reconnect. */
export const CATCH_UP_OVERLAP_MS = 10_000;

export const chatQueries = {
  all: () => ['chats'] as const,
  list: () =>
    queryOptions({
      queryKey: [...chatQueries.all(), 'list'] as const,
      queryFn: () => apiFetch<ChatSummary[]>('/api/chats'),
      staleTime: 30_000,
    }),
  thread: (chatId: string) =>
    infiniteQueryOptions({
      queryKey: [...chatQueries.all(), chatId, 'messages'] as const,
      // Pages go back in time: page 0 is the newest, each next page is older.
      queryFn: ({ pageParam }) => {
        const params = new URLSearchParams({ limit: String(HISTORY_PAGE_DEFAULT) });
        if (pageParam) params.set('before', pageParam);
        return apiFetch<MessagePage>(`/api/chats/${chatId}/messages?${params}`);
      },
      initialPageParam: undefined as string | undefined,
      getNextPageParam: (last) => (last.pagination.hasMore ? (last.pagination.nextCursor ?? undefined) : undefined),
      // Live events keep it fresh; a refetch would drop the pages scrolled back to.
      staleTime: Infinity,
    }),
};

type Thread = InfiniteData<MessagePage, unknown>;

/** Every stored message of a cached thread, oldest first. */
export function threadMessages(data: Thread | undefined): MessageDto[] {
  if (!data) return [];
  return mergeMessages([], data.pages.flatMap((p) => p.messages));
}

/**
 * Applies a live change to a cached query now and, if a fetch of that query is in flight, again
 * when it lands. That fetch may have been answered before the change happened (a refetch after a
 * reconnect, an older page scrolled back to, the first page still loading), and its answer
 * replaces the cache: without the second pass a message the user just sent vanishes from the
 * screen although it is stored. Only for updates that are harmless twice: a thread's messages and
 * read times only grow, and a chat-list entry only moves on to a newer message. (Not for
 * setChatUnread: a list fetched after the read may also count a newer message, which a second
 * pass would hide.)
 */
function applyNowAndAfterFetch(client: QueryClient, queryKey: QueryKey, apply: () => void) {
  apply();
  const cache = client.getQueryCache();
  const query = cache.find({ queryKey, exact: true });
  if (!query || query.state.fetchStatus === 'idle') return;
  const unsubscribe = cache.subscribe((event) => {
    if (event.query !== query) return;
    if (event.type === 'removed') return unsubscribe();
    if (event.type === 'updated' && query.state.fetchStatus === 'idle') {
      unsubscribe();
      applyNowAndAfterFetch(client, queryKey, apply);
    }
  });
}

/** Adds messages (live, acked or caught up) to a cached thread; no-op if the thread is not loaded. */
export function addMessagesToThread(client: QueryClient, chatId: string, messages: MessageDto[]) {
  if (!messages.length) return;
  const key = chatQueries.thread(chatId).queryKey;
  applyNowAndAfterFetch(client, key, () =>
    client.setQueryData<Thread>(key, (data) => {
      if (!data?.pages.length) return data;
      const [newest, ...older] = data.pages;
      return { ...data, pages: [{ ...newest!, messages: mergeMessages(newest!.messages, messages) }, ...older] };
    }),
  );
}

export function applyReadToThread(client: QueryClient, chatId: string, messageIds: string[], readAt: string) {
  const key = chatQueries.thread(chatId).queryKey;
  applyNowAndAfterFetch(client, key, () =>
    client.setQueryData<Thread>(key, (data) =>
      data ? { ...data, pages: data.pages.map((p) => ({ ...p, messages: applyReadReceipt(p.messages, messageIds, readAt) })) } : data,
    ),
  );
}

/**
 * Moves a chat to the top of the cached list with its new last message and unread count.
 * Returns false when the chat is not in the list (a new chat): the caller refetches the list.
 */
export function applyMessageToChatList(client: QueryClient, message: MessageDto, chatUnreadCount?: number): boolean {
  const key = chatQueries.list().queryKey;
  let found = false;
  applyNowAndAfterFetch(client, key, () =>
    client.setQueryData<ChatSummary[]>(key, (chats) => {
      if (!chats) return chats;
      const chat = chats.find((c) => c.id === message.chatId);
      if (!chat) return chats;
      found = true;
      // Only news moves a chat: a list that already shows this message or a later one (an event
      // that came late, or a list fetched after the message was stored) keeps its preview and
      // its unread count, which may already count reads this event does not know of.
      const last = chat.lastMessage;
      if (last && (last.id === message.id || last.createdAt > message.createdAt)) return chats;
      const updated: ChatSummary = {
        ...chat,
        lastMessageAt: message.createdAt,
        lastMessage: { id: message.id, senderId: message.senderId, content: message.content, createdAt: message.createdAt, readAt: message.readAt, attachmentCount: message.files.length },
        unreadCount: chatUnreadCount ?? chat.unreadCount,
      };
      return [updated, ...chats.filter((c) => c.id !== chat.id)].sort((a, b) => (b.lastMessageAt ?? b.createdAt).localeCompare(a.lastMessageAt ?? a.createdAt));
    }),
  );
  return found;
}

export function setChatUnread(client: QueryClient, chatId: string, unreadCount: number) {
  client.setQueryData<ChatSummary[]>(chatQueries.list().queryKey, (chats) => chats?.map((c) => (c.id === chatId ? { ...c, unreadCount } : c)));
}

/** After a reconnect that was not recovered: fetch what each open thread missed. */
export async function catchUpThreads(client: QueryClient, fetchAfter: (chatId: string, afterId: string) => Promise<MessageDto[]>) {
  const threads = client.getQueriesData<Thread>({ queryKey: chatQueries.all() }).filter(([key]) => key[2] === 'messages');
  await Promise.all(
    threads.map(async ([key, data]) => {
      const chatId = key[1] as string;
      const newest = threadMessages(data).at(-1);
      if (!newest) return client.invalidateQueries({ queryKey: key });
      // Ask from a little before the newest message, not after it: a message can be stored with
      // an earlier timestamp than one that committed before it (concurrent sends), and the merge
      // drops what we already have.
      const since = new Date(new Date(newest.createdAt).getTime() - CATCH_UP_OVERLAP_MS).toISOString();
      addMessagesToThread(client, chatId, await fetchAfter(chatId, since));
    }),
  );
  await client.invalidateQueries({ queryKey: chatQueries.list().queryKey });
}
