import { InfiniteQueryObserver, QueryClient, QueryObserver } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import type { MessagePage } from '../chat/messages';
import type { MessageDto } from '../chat/message-dto';
import type { ChatSummary } from '../chat/chats';
import {
  addMessagesToThread,
  applyMessageToChatList,
  applyReadToThread,
  applyMessageUpdateToCaches,
  catchUpThreads,
  chatQueries,
  isDetachedThread,
  setChatUnread,
  threadMessages,
} from './queries';

function message(id: string, createdAt: string): MessageDto {
  return {
    id,
    chatId: 'chat1',
    senderId: 'u1',
    recipientId: 'u2',
    propertyId: null,
    content: id,
    clientMessageId: null,
    createdAt,
    readAt: null,
    editedAt: null,
    unsentAt: null,
    sender: { id: 'u1', name: 'U1', role: 'GUEST' },
    recipient: { id: 'u2', name: 'U2', role: 'OWNER' },
    property: null,
    files: [],
    reactions: [],
    replyTo: null,
  };
}

const emptyPage: MessagePage = {
  messages: [],
  pagination: { hasMore: false, nextCursor: null, prevCursor: null },
  changeCursor: '0',
  deliveredUntil: null,
};

describe('addMessagesToThread', () => {
  it('merges into a loaded thread, once per id, in order', async () => {
    const client = new QueryClient();
    await client.prefetchInfiniteQuery({
      ...chatQueries.thread('chat1'),
      queryFn: async () => ({ ...emptyPage, messages: [message('a', '2026-01-01T00:00:01.000Z')] }),
    });
    addMessagesToThread(client, 'chat1', [
      message('b', '2026-01-01T00:00:02.000Z'),
      message('a', '2026-01-01T00:00:01.000Z'),
    ]);
    expect(threadMessages(client.getQueryData(chatQueries.thread('chat1').queryKey)).map((m) => m.id)).toEqual([
      'a',
      'b',
    ]);
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
    expect(threadMessages(client.getQueryData(chatQueries.thread('chat1').queryKey)).map((m) => m.id)).toEqual([
      'acked',
    ]);
  });

  /** A loaded, empty thread being refetched; `land(page)` answers that refetch and waits for it. */
  async function threadBeingRefetched(client: QueryClient) {
    await client.prefetchInfiniteQuery({ ...chatQueries.thread('chat1'), queryFn: async () => emptyPage });
    let answer!: (page: MessagePage) => void;
    const refetch = client.fetchInfiniteQuery({
      ...chatQueries.thread('chat1'),
      staleTime: 0,
      queryFn: () => new Promise<MessagePage>((resolve) => (answer = resolve)),
    });
    return { land: (page: MessagePage) => (answer(page), refetch) };
  }

  it('keeps a message added while a refetch answered before it was stored is in flight', async () => {
    const client = new QueryClient();
    // A reconnect's catch-up refetches the (empty) thread; the outbox then sends, and the ack
    // arrives before the refetch's older answer.
    const { land } = await threadBeingRefetched(client);
    addMessagesToThread(client, 'chat1', [message('acked', '2026-01-01T00:00:05.000Z')]);
    expect(threadMessages(client.getQueryData(chatQueries.thread('chat1').queryKey)).map((m) => m.id)).toEqual([
      'acked',
    ]);
    await land(emptyPage);
    expect(threadMessages(client.getQueryData(chatQueries.thread('chat1').queryKey)).map((m) => m.id)).toEqual([
      'acked',
    ]);
  });

  it('keeps a live message and a read tick that arrive while an older page is loading', async () => {
    const client = new QueryClient();
    const pages: Record<string, MessagePage> = {
      newest: {
        messages: [message('b', '2026-01-01T00:00:02.000Z')],
        pagination: { hasMore: true, nextCursor: 'older', prevCursor: null },
        changeCursor: '0',
        deliveredUntil: null,
      },
      older: {
        messages: [message('a', '2026-01-01T00:00:01.000Z')],
        pagination: { hasMore: false, nextCursor: null, prevCursor: null },
        changeCursor: '0',
        deliveredUntil: null,
      },
    };
    let answerOlder!: () => void;
    const observer = new InfiniteQueryObserver(client, {
      ...chatQueries.thread('chat1'),
      queryFn: ({ pageParam }) =>
        pageParam.before
          ? new Promise<MessagePage>((resolve) => (answerOlder = () => resolve(pages.older!)))
          : Promise.resolve(pages.newest!),
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

  it('puts back every one of many messages that arrived during one refetch', async () => {
    const client = new QueryClient();
    const { land } = await threadBeingRefetched(client);
    const ids = Array.from({ length: 500 }, (_, i) => `m${String(i).padStart(3, '0')}`);
    for (const [i, id] of ids.entries())
      addMessagesToThread(client, 'chat1', [message(id, new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString())]);
    await land(emptyPage);
    expect(threadMessages(client.getQueryData(chatQueries.thread('chat1').queryKey)).map((m) => m.id)).toEqual(ids);
    expect(client.getQueryCache().find({ queryKey: chatQueries.thread('chat1').queryKey })!.state.fetchStatus).toBe(
      'idle',
    );
  });

  it('leaves a thread that nobody loaded alone (it will fetch fresh when opened)', () => {
    const client = new QueryClient();
    addMessagesToThread(client, 'chat1', [message('x', '2026-01-01T00:00:00.000Z')]);
    expect(client.getQueryData(chatQueries.thread('chat1').queryKey)).toBeUndefined();
  });
});

describe('the chat list under live events', () => {
  const person = { id: 'u2', name: 'U2', role: 'OWNER' as const };
  function chat(lastMessage: MessageDto | null, unreadCount: number): ChatSummary {
    return {
      id: 'chat1',
      property: { id: 'p1', name: 'Cabin' },
      guest: { ...person, id: 'u1', role: 'GUEST' },
      owner: person,
      otherParty: person,
      createdAt: '2026-01-01T00:00:00.000Z',
      lastMessageAt: lastMessage?.createdAt ?? null,
      unreadCount,
      lastMessage: lastMessage && {
        id: lastMessage.id,
        senderId: lastMessage.senderId,
        content: lastMessage.content,
        createdAt: lastMessage.createdAt,
        readAt: null,
        attachmentCount: 0,
      },
    } as ChatSummary;
  }
  const first = message('m1', '2026-01-01T00:00:01.000Z');
  const second = message('m2', '2026-01-01T00:00:02.000Z');
  const listed = (client: QueryClient) => client.getQueryData<ChatSummary[]>(chatQueries.list().queryKey)![0]!;

  /** A list on screen (an observer), whose fetches the test answers one by one. */
  async function listOnScreen(initial: ChatSummary[]) {
    const client = new QueryClient();
    const answers: Array<(chats: ChatSummary[]) => void> = [];
    const observer = new QueryObserver(client, {
      ...chatQueries.list(),
      queryFn: () => new Promise<ChatSummary[]>((resolve) => answers.push(resolve)),
    });
    const stop = observer.subscribe(() => {});
    const settled = () => new Promise((resolve) => setTimeout(resolve, 0));
    const answer = async (chats: ChatSummary[]) => {
      await settled();
      expect(answers, 'a fetch of the list in flight').toHaveLength(1);
      answers.shift()!(chats);
      await settled();
    };
    await answer(initial);
    const refetch = () => void observer.refetch();
    return { client, answer, refetch, inFlight: () => answers.length, stop };
  }

  it('keeps a new message when a list fetched before it lands afterwards, then takes the count from a fresh fetch', async () => {
    const list = await listOnScreen([chat(first, 0)]);
    list.refetch(); // e.g. the window regained focus
    expect(applyMessageToChatList(list.client, second, 1)).toBe(true);
    expect(listed(list.client)).toMatchObject({ unreadCount: 1, lastMessage: { id: 'm2' } });
    await list.answer([chat(first, 0)]); // computed before m2 was stored
    expect(listed(list.client)).toMatchObject({ lastMessage: { id: 'm2' }, lastMessageAt: second.createdAt });
    await list.answer([chat(second, 1)]); // the fetch that follows
    expect(listed(list.client)).toMatchObject({ unreadCount: 1, lastMessage: { id: 'm2' } });
    expect(list.inFlight()).toBe(0);
    list.stop();
  });

  it("does not bring a read chat's badge back when a list fetched before the message lands after the read", async () => {
    const list = await listOnScreen([chat(first, 0)]);
    list.refetch();
    applyMessageToChatList(list.client, second, 1); // m2 arrives in the open chat...
    setChatUnread(list.client, 'chat1', 0); // ...which marks it read at once
    await list.answer([chat(first, 0)]);
    await list.answer([chat(second, 0)]);
    expect(listed(list.client)).toMatchObject({ unreadCount: 0, lastMessage: { id: 'm2' } });
    list.stop();
  });

  it('keeps the count of a list fetched after the message', async () => {
    const list = await listOnScreen([chat(first, 0)]);
    list.refetch();
    applyMessageToChatList(list.client, second, 1);
    await list.answer([chat(second, 0)]); // read in another tab meanwhile
    await list.answer([chat(second, 0)]);
    expect(listed(list.client)).toMatchObject({ unreadCount: 0, lastMessage: { id: 'm2' } });
    list.stop();
  });

  it('asks the server for the count of an event older than the preview (notifications can cross), keeping the preview', async () => {
    const list = await listOnScreen([chat(second, 2)]);
    expect(applyMessageToChatList(list.client, first, 1)).toBe(true);
    expect(listed(list.client)).toMatchObject({ unreadCount: 2, lastMessage: { id: 'm2' } });
    await list.answer([chat(second, 2)]);
    expect(listed(list.client)).toMatchObject({ unreadCount: 2, lastMessage: { id: 'm2' } });
    expect(list.inFlight()).toBe(0);
    list.stop();
  });
});

describe('edits and unsends in the caches', () => {
  const older: MessagePage = {
    messages: [message('a', '2026-01-01T00:00:01.000Z')],
    pagination: { hasMore: false, nextCursor: null, prevCursor: null },
    changeCursor: '3',
    deliveredUntil: null,
  };
  const newest: MessagePage = {
    messages: [message('b', '2026-01-01T00:00:02.000Z')],
    pagination: { hasMore: true, nextCursor: 'older', prevCursor: null },
    changeCursor: '5',
    deliveredUntil: null,
  };

  async function loadedThread(client: QueryClient) {
    client.setQueryData(chatQueries.thread('chat1').queryKey, {
      pages: [newest, older],
      pageParams: [{}, { before: 'older' }],
    });
  }

  it('replaces the message in whichever page holds it, and the preview of the chat it ends', async () => {
    const client = new QueryClient();
    await loadedThread(client);
    client.setQueryData(chatQueries.list().queryKey, [
      {
        id: 'chat1',
        lastMessage: { id: 'b', content: 'b', attachmentCount: 0, unsent: false },
        unreadCount: 2,
      } as unknown as ChatSummary,
    ]);
    const edited = {
      ...message('a', '2026-01-01T00:00:01.000Z'),
      content: 'a, edited',
      editedAt: '2026-01-01T00:01:00.000Z',
    };
    const unsent = { ...message('b', '2026-01-01T00:00:02.000Z'), content: '', unsentAt: '2026-01-01T00:02:00.000Z' };
    applyMessageUpdateToCaches(client, { message: edited });
    applyMessageUpdateToCaches(client, { message: unsent, chatUnreadCount: 1 });
    const shown = threadMessages(client.getQueryData(chatQueries.thread('chat1').queryKey));
    expect(shown.map((m) => [m.id, m.content])).toEqual([
      ['a', 'a, edited'],
      ['b', ''],
    ]);
    expect(client.getQueryData<ChatSummary[]>(chatQueries.list().queryKey)![0]).toMatchObject({
      lastMessage: { id: 'b', content: '', unsent: true },
      unreadCount: 1,
    });
  });

  it('catches up on changes from the newest page’s cursor, applies them to every page, and moves the cursor', async () => {
    const client = new QueryClient();
    await loadedThread(client);
    const asked: string[] = [];
    const edited = {
      ...message('a', '2026-01-01T00:00:01.000Z'),
      content: 'changed while away',
      editedAt: '2026-01-01T00:03:00.000Z',
    };
    await catchUpThreads(
      client,
      'u2',
      async () => ({ messages: [], deliveredUntil: null }),
      async (_chatId, changedAfter) => {
        asked.push(changedAfter);
        return { messages: [edited], changeCursor: '9' };
      },
    );
    expect(asked).toEqual(['5']);
    const data = client.getQueryData(chatQueries.thread('chat1').queryKey);
    expect(threadMessages(data).find((m) => m.id === 'a')!.content).toBe('changed while away');
    expect(data!.pages[0]!.changeCursor).toBe('9');
  });

  it('also asks from the user’s oldest message not known to be read, so reads made while away reach the ticks', async () => {
    const client = new QueryClient();
    const mineUnread = message('a', '2026-01-01T00:00:01.000Z'); // sent by u1
    const later = message('b', '2026-01-01T01:00:00.000Z');
    client.setQueryData(chatQueries.thread('chat1').queryKey, {
      pages: [{ ...newest, messages: [mineUnread, later] }],
      pageParams: [{}],
    });
    const asked: string[] = [];
    const readNow = { ...mineUnread, readAt: '2026-01-01T02:00:00.000Z' };
    await catchUpThreads(
      client,
      'u1',
      async (_chatId, after) => {
        asked.push(after);
        return { messages: [readNow, later], deliveredUntil: null };
      },
      async () => ({ messages: [], changeCursor: '5' }),
    );
    expect(asked).toEqual(['2026-01-01T00:00:00.999Z']);
    const shown = threadMessages(client.getQueryData(chatQueries.thread('chat1').queryKey));
    expect(shown.find((m) => m.id === 'a')!.readAt).toBe(readNow.readAt);
  });
});

describe('a thread opened around an older message (detached)', () => {
  const around: MessagePage = {
    messages: [message('x', '2026-01-01T00:00:01.000Z'), message('y', '2026-01-01T00:00:02.000Z')],
    pagination: { hasMore: true, nextCursor: 'older-than-x', prevCursor: 'y-cursor', hasNewer: true },
    changeCursor: '3',
    deliveredUntil: null,
  };

  it('takes no live message (it would leave a gap), pages newer from its newest message, and older as usual', () => {
    const client = new QueryClient();
    const key = chatQueries.thread('chat1').queryKey;
    client.setQueryData(key, { pages: [around], pageParams: [{ around: 'x' }] });
    expect(isDetachedThread(client.getQueryData(key))).toBe(true);
    addMessagesToThread(client, 'chat1', [message('live', '2026-01-02T00:00:00.000Z')]);
    expect(threadMessages(client.getQueryData(key)).map((m) => m.id)).toEqual(['x', 'y']);

    const options = chatQueries.thread('chat1');
    expect(options.getPreviousPageParam!(around, [around], { around: 'x' }, [{ around: 'x' }])).toEqual({
      after: '2026-01-01T00:00:02.000Z_y',
    });
    expect(options.getNextPageParam(around, [around], { around: 'x' }, [{ around: 'x' }])).toEqual({
      before: 'older-than-x',
    });
  });

  it('is attached again once its newest page reaches the present, and then takes live messages', () => {
    const client = new QueryClient();
    const key = chatQueries.thread('chat1').queryKey;
    const present = { ...around, pagination: { ...around.pagination, hasNewer: false } };
    client.setQueryData(key, { pages: [present], pageParams: [{ around: 'x' }] });
    expect(isDetachedThread(client.getQueryData(key))).toBe(false);
    expect(chatQueries.thread('chat1').getPreviousPageParam!(present, [present], {}, [{}])).toBeUndefined();
    addMessagesToThread(client, 'chat1', [message('live', '2026-01-02T00:00:00.000Z')]);
    expect(threadMessages(client.getQueryData(key)).map((m) => m.id)).toEqual(['x', 'y', 'live']);
  });
});
