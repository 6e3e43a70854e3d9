// React Query is the browser's source of truth for server data. Query keys and fetchers come
// from these factories only; the cache updaters below apply live events in place, through the
// same pure merge the catch-up uses. The chat list is fetched again only when an unread count
// cannot be placed in time (an event that came late, or one during a list fetch).
import {
  infiniteQueryOptions,
  queryOptions,
  type InfiniteData,
  type Query,
  type QueryClient,
  type QueryKey,
} from '@tanstack/react-query';
import type { ChatPreferences } from '../chat/archived';
import type { SavedReply } from '../saved-replies/saved-replies';
import type { ScheduledMessageDto } from '../chat/scheduled-messages';
import type { ChatSummary } from '../chat/chats';
import type { MessagePage } from '../chat/messages';
import type { SearchResults } from '../chat/search';
import type { EmailNotificationSetting } from '../notifications/schemas';
import { encodeCursor } from '../chat/cursor';
import { HISTORY_PAGE_DEFAULT } from '../chat/schemas';
import type { MessageDto } from '../chat/message-dto';
import { apiFetch } from './api';
import { applyMessageUpdate, applyReadReceipt, mergeMessages } from './merge';

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
      // Pages go back in time: page 0 is the newest, each next page is older. A thread opened
      // around a message (showMessageInThread) starts with that page instead; until its newest
      // page reaches the present, "previous" pages are the newer ones.
      queryFn: ({ pageParam }) => {
        const params = new URLSearchParams({ limit: String(HISTORY_PAGE_DEFAULT), ...pageParam });
        return apiFetch<MessagePage>(`/api/chats/${chatId}/messages?${params}`);
      },
      initialPageParam: {} as ThreadPageParam,
      getNextPageParam: (last): ThreadPageParam | undefined =>
        last.pagination.hasMore && last.pagination.nextCursor ? { before: last.pagination.nextCursor } : undefined,
      getPreviousPageParam: (first): ThreadPageParam | undefined => {
        const newest = first.messages.at(-1);
        return first.pagination.hasNewer && newest
          ? { after: encodeCursor({ createdAt: new Date(newest.createdAt), id: newest.id }) }
          : undefined;
      },
      // Live events keep it fresh; a refetch would drop the pages scrolled back to.
      staleTime: Infinity,
    }),
};

/** Where a page of a thread starts: the newest page ({}), older or newer than a cursor, or around a message. */
export type ThreadPageParam = { before?: string; after?: string; around?: string };

type Thread = InfiniteData<MessagePage, unknown>;

/** Search in the user's conversations (GET /api/search): pages of older results by cursor. */
export const searchQueries = {
  results: (q: string) =>
    infiniteQueryOptions({
      queryKey: ['search', q] as const,
      queryFn: ({ pageParam }) => {
        const params = new URLSearchParams({ q, ...(pageParam ? { cursor: pageParam } : {}) });
        return apiFetch<SearchResults>(`/api/search?${params}`);
      },
      initialPageParam: null as string | null,
      getNextPageParam: (last) => last.nextCursor,
      // New messages arrive all the time; a result list a little old is still useful.
      staleTime: 10_000,
    }),
};

/** The user's own settings: emails about unread messages (lib/notifications). */
export const accountQueries = {
  emailNotifications: () =>
    queryOptions({
      queryKey: ['account', 'email-notifications'] as const,
      queryFn: () => apiFetch<{ emailNotifications: EmailNotificationSetting }>('/api/account/notifications'),
    }),
};

/** A host's quick replies (lib/saved-replies), for the composer and the settings page. */
export const savedReplyQueries = {
  list: () =>
    queryOptions({
      queryKey: ['saved-replies'] as const,
      queryFn: () => apiFetch<SavedReply[]>('/api/saved-replies'),
    }),
};

/**
 * The user's own scheduled messages of a chat (lib/chat/scheduled-messages.ts). Read again when
 * the server says they changed (`scheduled_messages_changed`, from any tab or the job) and after
 * every reconnect (a push may have been missed).
 */
export const scheduledQueries = {
  all: () => ['scheduled'] as const,
  list: (chatId: string) =>
    queryOptions({
      queryKey: [...scheduledQueries.all(), chatId] as const,
      queryFn: () => apiFetch<ScheduledMessageDto[]>(`/api/chats/${chatId}/scheduled`),
    }),
};

/**
 * A thread showing older history than the present, without its newest messages (opened around a
 * message): live messages are not added to it, which would leave a gap; paging newer reaches them.
 */
export function isDetachedThread(data: Thread | undefined): boolean {
  return Boolean(data?.pages[0]?.pagination.hasNewer);
}

/**
 * Makes sure message `messageId` of the chat is in the cached thread: when it is not, the thread
 * is replaced by the page around it (a detached thread). Returns false when the chat has no such
 * message.
 */
export async function showMessageInThread(client: QueryClient, chatId: string, messageId: string): Promise<boolean> {
  const key = chatQueries.thread(chatId).queryKey;
  if (threadMessages(client.getQueryData<Thread>(key)).some((m) => m.id === messageId)) return true;
  const params = new URLSearchParams({ limit: String(HISTORY_PAGE_DEFAULT), around: messageId });
  let page: MessagePage;
  try {
    page = await apiFetch<MessagePage>(`/api/chats/${chatId}/messages?${params}`);
  } catch {
    return false;
  }
  await client.cancelQueries({ queryKey: key });
  // A page that reaches the newest message (hasNewer false) is not detached: live ones join it.
  client.setQueryData<Thread>(key, { pages: [page], pageParams: [{ around: messageId }] });
  return true;
}

/** Back to the newest messages from a detached thread. */
export function showLatestInThread(client: QueryClient, chatId: string) {
  const key = chatQueries.thread(chatId).queryKey;
  if (isDetachedThread(client.getQueryData<Thread>(key))) void client.resetQueries({ queryKey: key, exact: true });
}

/** Every stored message of a cached thread, oldest first. */
export function threadMessages(data: Thread | undefined): MessageDto[] {
  if (!data) return [];
  return mergeMessages(
    [],
    data.pages.flatMap((p) => p.messages),
  );
}

/** Jobs waiting for the fetch of a query now in flight to land; one cache listener per query. */
const afterFetch = new WeakMap<Query, Array<() => void>>();

/**
 * Runs `job` once the fetch of `queryKey` now in flight has landed; never, when none is. A live
 * change made during a fetch may be older than the fetch's answer or newer (the answer may have
 * been computed before the change), and the answer replaces the cache: the job puts back what
 * the answer may lack.
 */
function whenFetchLands(client: QueryClient, queryKey: QueryKey, job: () => void) {
  const cache = client.getQueryCache();
  const query = cache.find({ queryKey, exact: true });
  if (!query || query.state.fetchStatus === 'idle') return;
  const waiting = afterFetch.get(query);
  if (waiting) return void waiting.push(job);
  const jobs = [job];
  afterFetch.set(query, jobs);
  const unsubscribe = cache.subscribe((event) => {
    if (
      event.query !== query ||
      !(event.type === 'removed' || (event.type === 'updated' && query.state.fetchStatus === 'idle'))
    )
      return;
    unsubscribe();
    afterFetch.delete(query);
    if (event.type === 'updated') for (const queued of jobs) queued();
  });
}

/**
 * Applies a change that is harmless twice now and again after a fetch in flight: without the
 * second pass a message the user just sent vanishes from the screen, though stored, when a
 * refetch answered before it lands (a reconnect's catch-up, an older page scrolled back to, the
 * first page still loading). A thread's messages and read times only ever grow.
 */
function applyNowAndAfterFetch(client: QueryClient, queryKey: QueryKey, apply: () => void) {
  apply();
  whenFetchLands(client, queryKey, apply);
}

/** Adds messages (live, acked or caught up) to a cached thread; no-op if the thread is not loaded. */
export function addMessagesToThread(client: QueryClient, chatId: string, messages: MessageDto[]) {
  if (!messages.length) return;
  const key = chatQueries.thread(chatId).queryKey;
  applyNowAndAfterFetch(client, key, () =>
    client.setQueryData<Thread>(key, (data) => {
      if (!data?.pages.length || isDetachedThread(data)) return data;
      const [newest, ...older] = data.pages;
      return { ...data, pages: [{ ...newest!, messages: mergeMessages(newest!.messages, messages) }, ...older] };
    }),
  );
}

/** The other member's client has the chat's messages up to `deliveredUntil`: ticks move to delivered. */
export function applyDeliveryToThread(client: QueryClient, chatId: string, deliveredUntil: string | null) {
  if (!deliveredUntil) return;
  const key = chatQueries.thread(chatId).queryKey;
  applyNowAndAfterFetch(client, key, () =>
    client.setQueryData<Thread>(key, (data) => {
      const [newest, ...older] = data?.pages ?? [];
      if (!data || !newest || (threadDeliveredUntil(data) ?? '') >= deliveredUntil) return data;
      return { ...data, pages: [{ ...newest, deliveredUntil }, ...older] };
    }),
  );
}

/** How far the other member has a cached thread's messages: the furthest marker any page saw (it only moves forward). */
export function threadDeliveredUntil(data: Thread | undefined): string | null {
  let furthest: string | null = null;
  for (const page of data?.pages ?? [])
    if (page.deliveredUntil && page.deliveredUntil > (furthest ?? '')) furthest = page.deliveredUntil;
  return furthest;
}

export function applyReadToThread(client: QueryClient, chatId: string, messageIds: string[], readAt: string) {
  const key = chatQueries.thread(chatId).queryKey;
  applyNowAndAfterFetch(client, key, () =>
    client.setQueryData<Thread>(key, (data) =>
      data
        ? {
            ...data,
            pages: data.pages.map((p) => ({ ...p, messages: applyReadReceipt(p.messages, messageIds, readAt) })),
          }
        : data,
    ),
  );
}

/**
 * A message changed (edited, unsent): every cached copy of it shows its new state, in the thread
 * and as the chat list's preview; the recipient's counts, when given, set the badge.
 */
export function applyMessageUpdateToCaches(
  client: QueryClient,
  update: { message: MessageDto; chatUnreadCount?: number },
) {
  const { message } = update;
  const key = chatQueries.thread(message.chatId).queryKey;
  applyNowAndAfterFetch(client, key, () =>
    client.setQueryData<Thread>(key, (data) =>
      data
        ? { ...data, pages: data.pages.map((p) => ({ ...p, messages: applyMessageUpdate(p.messages, message) })) }
        : data,
    ),
  );
  const listKey = chatQueries.list().queryKey;
  applyNowAndAfterFetch(client, listKey, () =>
    client.setQueryData<ChatSummary[]>(listKey, (chats) =>
      chats?.map((c) =>
        c.lastMessage?.id === message.id ? { ...c, lastMessage: { ...c.lastMessage, ...previewOf(message) } } : c,
      ),
    ),
  );
  if (update.chatUnreadCount !== undefined) setChatUnread(client, message.chatId, update.chatUnreadCount);
}

/** What the chat list shows of a message. */
function previewOf(message: MessageDto) {
  return {
    content: message.content,
    attachmentCount: message.files.length,
    unsent: message.unsentAt !== null,
  };
}

/** The change cursor of a cached thread: its newest page's (pages are fetched newest first). */
export function threadChangeCursor(data: Thread | undefined): string | undefined {
  return data?.pages[0]?.changeCursor;
}

/** Records that a thread has seen the changes up to `changeCursor`. */
function setThreadChangeCursor(client: QueryClient, chatId: string, changeCursor: string) {
  client.setQueryData<Thread>(chatQueries.thread(chatId).queryKey, (data) => {
    const [newest, ...older] = data?.pages ?? [];
    if (!data || !newest || BigInt(newest.changeCursor) >= BigInt(changeCursor)) return data;
    return { ...data, pages: [{ ...newest, changeCursor }, ...older] };
  });
}

/**
 * Moves a chat to the top of the cached list with its new last message and unread count.
 * Returns false when the chat is not in the list (a new chat): the caller refetches the list.
 */
export function applyMessageToChatList(client: QueryClient, message: MessageDto, chatUnreadCount?: number): boolean {
  const { found, stale } = updateChatInList(client, message, chatUnreadCount);
  // After a list fetch in flight: the preview again (monotonic), and the count from the server
  // once more, as the answer's count and this event's cannot be told apart in age.
  whenFetchLands(client, chatQueries.list().queryKey, () => {
    updateChatInList(client, message);
    if (chatUnreadCount !== undefined) refetchChatList(client);
  });
  // An event older than the list's preview (createdAt need not follow commit order; notifications
  // can cross): its count may be newer or older than the list's, so ask the server.
  if (stale && chatUnreadCount !== undefined) refetchChatList(client);
  return found;
}

function updateChatInList(
  client: QueryClient,
  message: MessageDto,
  chatUnreadCount?: number,
): { found: boolean; stale: boolean } {
  let found = false;
  let stale = false;
  client.setQueryData<ChatSummary[]>(chatQueries.list().queryKey, (chats) => {
    if (!chats) return chats;
    const chat = chats.find((c) => c.id === message.chatId);
    if (!chat) return chats;
    found = true;
    const last = chat.lastMessage;
    // A list that already shows this message was fetched after it: its count is as fresh.
    if (last?.id === message.id) return chats;
    // Only a newer message moves the preview and sets the count.
    if (last && last.createdAt > message.createdAt) {
      stale = true;
      return chats;
    }
    const updated: ChatSummary = {
      ...chat,
      lastMessageAt: message.createdAt,
      lastMessage: {
        id: message.id,
        senderId: message.senderId,
        createdAt: message.createdAt,
        readAt: message.readAt,
        ...previewOf(message),
      },
      unreadCount: chatUnreadCount ?? chat.unreadCount,
    };
    return [updated, ...chats.filter((c) => c.id !== chat.id)].sort((a, b) =>
      (b.lastMessageAt ?? b.createdAt).localeCompare(a.lastMessageAt ?? a.createdAt),
    );
  });
  return { found, stale };
}

/** A member's own view of a chat changed (starred, archived): the cached list shows it. */
export function applyChatPreferences(client: QueryClient, chatId: string, preferences: ChatPreferences) {
  const key = chatQueries.list().queryKey;
  client.setQueryData<ChatSummary[]>(key, (chats) =>
    chats?.map((c) => (c.id === chatId ? { ...c, ...preferences } : c)),
  );
  whenFetchLands(client, key, () => refetchChatList(client));
}

export function setChatUnread(client: QueryClient, chatId: string, unreadCount: number) {
  const key = chatQueries.list().queryKey;
  client.setQueryData<ChatSummary[]>(key, (chats) => chats?.map((c) => (c.id === chatId ? { ...c, unreadCount } : c)));
  whenFetchLands(client, key, () => refetchChatList(client));
}

/** Refetches the chat list unless a fetch of it is already under way (which is as fresh). */
function refetchChatList(client: QueryClient) {
  void client.invalidateQueries({ queryKey: chatQueries.list().queryKey }, { cancelRefetch: false });
}

/** After every (re)connect: fetch what each open thread missed. */
export async function catchUpThreads(
  client: QueryClient,
  userId: string,
  fetchAfter: (chatId: string, afterId: string) => Promise<Pick<MessagePage, 'messages' | 'deliveredUntil'>>,
  fetchChanges: (chatId: string, changedAfter: string) => Promise<{ messages: MessageDto[]; changeCursor: string }>,
) {
  const threads = client
    .getQueriesData<Thread>({ queryKey: chatQueries.all() })
    .filter(([key]) => key[2] === 'messages');
  await Promise.all(
    threads.map(async ([key, data]) => {
      const chatId = key[1] as string;
      const newest = threadMessages(data).at(-1);
      if (!newest) return client.invalidateQueries({ queryKey: key });
      // Edits and unsends of messages already shown: the change cursor reaches every page.
      const cursor = threadChangeCursor(data);
      if (cursor !== undefined) {
        const changes = await fetchChanges(chatId, cursor);
        for (const message of changes.messages) applyMessageUpdateToCaches(client, { message });
        setThreadChangeCursor(client, chatId, changes.changeCursor);
      }
      // Ask from a little before the newest message, not after it: a message can be stored with
      // an earlier timestamp than one that committed before it (concurrent sends), and the merge
      // drops what we already have.
      // From the user's oldest message not known to be read, too: a read while away moves its ticks.
      // Not for a thread far back in history: the newer pages it fetches as it scrolls are current.
      if (isDetachedThread(data)) return;
      const messages = threadMessages(data);
      const unreadOwn = messages.find((m) => m.senderId === userId && !m.readAt);
      const from = Math.min(
        new Date(newest.createdAt).getTime() - CATCH_UP_OVERLAP_MS,
        unreadOwn ? new Date(unreadOwn.createdAt).getTime() - 1 : Infinity,
      );
      const since = new Date(from).toISOString();
      const missed = await fetchAfter(chatId, since);
      addMessagesToThread(client, chatId, missed.messages);
      applyDeliveryToThread(client, chatId, missed.deliveredUntil);
    }),
  );
  await client.invalidateQueries({ queryKey: chatQueries.list().queryKey });
}
