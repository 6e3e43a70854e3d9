import { InfiniteQueryObserver, QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import type { MessagePage } from '../chat/messages';
import type { MessageDto } from '../chat/message-dto';
import type { ChatSummary } from '../chat/chats';
import { addMessagesToThread, applyMessageToChatList, applyReadToThread, chatQueries, threadMessages } from './queries';

function message(id: string, createdAt: string): MessageDto {
  return {
    id, chatId: 'chat1', senderId: 'u1', recipientId: 'u2', propertyId: null, content: id, clientMessageId: null,
    createdAt, readAt: null, sender: { id: 'u1', name: 'U1', role: 'GUEST' }, recipient: { id: 'u2', name: 'U2', role: 'OWNER' },
    property: null, files: [],
  };
}

const emptyPage: MessagePage = { messages: [], pagination: { hasMore: false, nextCursor: null, prevCursor: null } };

describe('addMessagesToThread', () => {
  it('merges into a loaded thread, once per id, in order', async () => {
    const client = new QueryClient();
    await client.prefetchInfiniteQuery({ ...chatQueries.thread('chat1'), queryFn: async () => ({ ...emptyPage, messages: [message('a', '2026-01-01T00:00:01.000Z')] }) });
    addMessagesToThread(client, 'chat1', [message('b', '2026-01-01T00:00:02.000Z'), message('a', '2026-01-01T00:00:01.000Z')]);
    expect(threadMessages(client.getQueryData(chatQueries.thread('chat1').queryKey)).map((m) => m.id)).toEqual(['a', 'b']);
  });

  it('keeps a message that arrives while the first page is still loading with an older answer', async () => {
    const client = new QueryClient();
    let answer!: (page: MessagePage) => void;
    // The first page was requested before the message was stored: its answer will not hold it.
    const loading = client.prefetchInfiniteQuery({
      ...chatQueries.thread('chat1'),
      queryFn: () => new Promise<MessagePage>((resolve) => (answer = resolve)),
    });
    addMessagesToThread(client, 'chat1', [message('acked', '2026-01-01T00:00:05.000Z')]);
    answer(emptyPage);
    await loading;
    await new Promise((r) => setTimeout(r, 0));
    expect(threadMessages(client.getQueryData(chatQueries.thread('chat1').queryKey)).map((m) => m.id)).toEqual(['acked']);
  });

  it('keeps a message added while a refetch answered before it was stored is in flight', async () => {
    const client = new QueryClient();
    await client.prefetchInfiniteQuery({ ...chatQueries.thread('chat1'), queryFn: async () => emptyPage });
    let answer!: (page: MessagePage) => void;
    // A reconnect's catch-up refetches the (empty) thread; the outbox then sends, and the ack
    // arrives before the refetch's older answer.
    const refetch = client.fetchInfiniteQuery({
      ...chatQueries.thread('chat1'),
      staleTime: 0,
      queryFn: () => new Promise<MessagePage>((resolve) => (answer = resolve)),
    });
    addMessagesToThread(client, 'chat1', [message('acked', '2026-01-01T00:00:05.000Z')]);
    expect(threadMessages(client.getQueryData(chatQueries.thread('chat1').queryKey)).map((m) => m.id)).toEqual(['acked']);
    answer(emptyPage);
    await refetch;
    expect(threadMessages(client.getQueryData(chatQueries.thread('chat1').queryKey)).map((m) => m.id)).toEqual(['acked']);
  });

  it('keeps a live message and a read tick that arrive while an older page is loading', async () => {
    const client = new QueryClient();
    const pages: Record<string, MessagePage> = {
      newest: { messages: [message('b', '2026-01-01T00:00:02.000Z')], pagination: { hasMore: true, nextCursor: 'older', prevCursor: null } },
      older: { messages: [message('a', '2026-01-01T00:00:01.000Z')], pagination: { hasMore: false, nextCursor: null, prevCursor: null } },
    };
    let answerOlder!: () => void;
    const observer = new InfiniteQueryObserver(client, {
      ...chatQueries.thread('chat1'),
      queryFn: ({ pageParam }) =>
        pageParam ? new Promise<MessagePage>((resolve) => (answerOlder = () => resolve(pages.older!))) : Promise.resolve(pages.newest!),
    });
    const stop = observer.subscribe(() => {});
    await observer.refetch();
    const scrolledBack = observer.fetchNextPage();
    addMessagesToThread(client, 'chat1', [message('c', '2026-01-01T00:00:03.000Z')]);
    applyReadToThread(client, 'chat1', ['b'], '2026-01-01T00:00:04.000Z');
    answerOlder();
    await scrolledBack;
    const thread = threadMessages(client.getQueryData(chatQueries.thread('chat1').queryKey));
    expect(thread.map((m) => m.id)).toEqual(['a', 'b', 'c']);
    expect(thread.find((m) => m.id === 'b')?.readAt).toBe('2026-01-01T00:00:04.000Z');
    stop();
  });

  it('leaves a thread that nobody loaded alone (it will fetch fresh when opened)', () => {
    const client = new QueryClient();
    addMessagesToThread(client, 'chat1', [message('x', '2026-01-01T00:00:00.000Z')]);
    expect(client.getQueryData(chatQueries.thread('chat1').queryKey)).toBeUndefined();
  });
});

describe('applyMessageToChatList', () => {
  const person = { id: 'u2', name: 'U2', role: 'OWNER' as const };
  function chat(lastMessage: MessageDto | null, unreadCount: number): ChatSummary {
    return {
      id: 'chat1', property: { id: 'p1', name: 'Cabin' }, guest: { ...person, id: 'u1', role: 'GUEST' }, owner: person, otherParty: person,
      createdAt: '2026-01-01T00:00:00.000Z', lastMessageAt: lastMessage?.createdAt ?? null, unreadCount,
      lastMessage: lastMessage && { id: lastMessage.id, senderId: lastMessage.senderId, content: lastMessage.content, createdAt: lastMessage.createdAt, readAt: null, attachmentCount: 0 },
    } as ChatSummary;
  }
  const first = message('m1', '2026-01-01T00:00:01.000Z');
  const second = message('m2', '2026-01-01T00:00:02.000Z');
  const listed = (client: QueryClient) => client.getQueryData<ChatSummary[]>(chatQueries.list().queryKey)![0]!;

  async function listWithRefetchInFlight(client: QueryClient) {
    await client.prefetchQuery({ ...chatQueries.list(), queryFn: async () => [chat(first, 0)] });
    let answer!: (chats: ChatSummary[]) => void;
    const refetch = client.fetchQuery({ ...chatQueries.list(), staleTime: 0, queryFn: () => new Promise<ChatSummary[]>((resolve) => (answer = resolve)) });
    return { answer: (chats: ChatSummary[]) => (answer(chats), refetch) };
  }

  it('keeps a new message and its unread count when a list fetched before it lands afterwards', async () => {
    const client = new QueryClient();
    const { answer } = await listWithRefetchInFlight(client);
    expect(applyMessageToChatList(client, second, 1)).toBe(true);
    expect(listed(client)).toMatchObject({ unreadCount: 1, lastMessage: { id: 'm2' } });
    await answer([chat(first, 0)]);
    expect(listed(client)).toMatchObject({ unreadCount: 1, lastMessage: { id: 'm2' }, lastMessageAt: second.createdAt });
  });

  it('keeps the count of a list fetched after the message (it may already count a read)', async () => {
    const client = new QueryClient();
    const { answer } = await listWithRefetchInFlight(client);
    applyMessageToChatList(client, second, 1);
    await answer([chat(second, 0)]);
    expect(listed(client)).toMatchObject({ unreadCount: 0, lastMessage: { id: 'm2' } });
  });

  it('ignores an event older than the message the list shows', async () => {
    const client = new QueryClient();
    await client.prefetchQuery({ ...chatQueries.list(), queryFn: async () => [chat(second, 2)] });
    expect(applyMessageToChatList(client, first, 1)).toBe(true);
    expect(listed(client)).toMatchObject({ unreadCount: 2, lastMessage: { id: 'm2' } });
  });
});
