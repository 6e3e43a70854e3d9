'use client';
// One conversation: header with the other party's presence, the history (older pages load when
// scrolled to the top, without the view jumping), day separators, delivery ticks on own
// messages, failed messages with retry/delete, the typing indicator and the composer.
// Messages to the user are marked read while the thread is on screen.
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { Fragment, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { mergeMessages, type ThreadMessage } from '@/lib/client/merge';
import { chatQueries, setChatUnread, threadMessages } from '@/lib/client/queries';
import { useInboxStore } from '@/lib/client/store';
import { useQueryClient } from '@tanstack/react-query';
import { Composer } from './composer';
import { dayLabel, lastSeenLabel } from './format';
import { MessageBubble } from './message-bubble';
import { useRealtime } from './realtime-provider';

const EMPTY: never[] = [];

export function ThreadView({ chatId }: { chatId: string }) {
  const { client, user } = useRealtime();
  const queryClient = useQueryClient();
  const chats = useQuery(chatQueries.list());
  const chat = chats.data?.find((c) => c.id === chatId);
  const thread = useInfiniteQuery(chatQueries.thread(chatId));
  const outbox = useInboxStore((s) => s.outbox);
  const connection = useInboxStore((s) => s.connection);
  const typingMap = useInboxStore((s) => s.typing[chatId]) ?? EMPTY;
  const presence = useInboxStore((s) => (chat ? s.presence[chat.otherParty.id] : undefined));

  const messages = useMemo<ThreadMessage[]>(() => {
    const pending: ThreadMessage[] = outbox
      .filter((i) => i.chatId === chatId)
      .map((i) => ({
        id: `local:${i.clientMessageId}`,
        chatId,
        senderId: user.id,
        recipientId: chat?.otherParty.id ?? '',
        propertyId: null,
        content: i.content,
        clientMessageId: i.clientMessageId,
        createdAt: i.createdAt,
        readAt: null,
        sender: { id: user.id, name: user.name, role: user.role },
        recipient: chat?.otherParty ?? { id: '', name: '', role: 'OWNER' },
        property: null,
        files: [],
        status: i.status === 'failed' ? 'failed' : 'sending',
      }));
    return mergeMessages(threadMessages(thread.data), pending);
  }, [thread.data, outbox, chatId, user, chat]);

  // Join the chat's live room while it is open (again after each reconnect: ChatClient does that).
  useEffect(() => {
    if (connection !== 'connected') return;
    let left = false;
    client
      .joinChat(chatId)
      .then(({ presence: p }) => !left && useInboxStore.getState().setPresence(p))
      .catch(() => {});
    return () => {
      left = true;
      void client.leaveChat(chatId).catch(() => {});
    };
  }, [client, chatId, connection]);

  // Mark what is on screen as read: everything up to the newest message sent to this user, as
  // soon as the tab is visible (again).
  const visible = usePageVisible();
  const newestUnreadToMe = [...messages].reverse().find((m) => m.recipientId === user.id && !m.readAt && !m.status);
  useEffect(() => {
    if (!newestUnreadToMe || connection !== 'connected' || !visible) return;
    client
      .markRead(chatId, { upToMessageId: newestUnreadToMe.id })
      .then((receipt) => setChatUnread(queryClient, chatId, receipt.chatUnreadCount))
      .catch(() => {});
  }, [client, chatId, newestUnreadToMe?.id, connection, visible, queryClient]); // eslint-disable-line react-hooks/exhaustive-deps

  // Scrolling: stick to the bottom for new messages; keep the view still when older ones load.
  const scroller = useRef<HTMLDivElement>(null);
  const topSentinel = useRef<HTMLDivElement>(null);
  const anchor = useRef<{ height: number; top: number } | null>(null);
  const atBottom = useRef(true);
  const oldestId = messages[0]?.id;
  const newestId = messages.at(-1)?.id;

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    if (anchor.current) {
      el.scrollTop = anchor.current.top + (el.scrollHeight - anchor.current.height);
      anchor.current = null;
    }
  }, [oldestId]);
  useLayoutEffect(() => {
    const el = scroller.current;
    if (el && atBottom.current) el.scrollTop = el.scrollHeight;
  }, [newestId, thread.isSuccess]);

  useEffect(() => {
    const el = scroller.current;
    const sentinel = topSentinel.current;
    if (!el || !sentinel) return;
    const observer = new IntersectionObserver(
      ([entry]) => {
        if (entry?.isIntersecting && thread.hasNextPage && !thread.isFetchingNextPage) {
          anchor.current = { height: el.scrollHeight, top: el.scrollTop };
          void thread.fetchNextPage();
        }
      },
      { root: el, rootMargin: '200px 0px 0px 0px' },
    );
    observer.observe(sentinel);
    return () => observer.disconnect();
  }, [thread.hasNextPage, thread.isFetchingNextPage, thread.fetchNextPage]); // eslint-disable-line react-hooks/exhaustive-deps

  // The other member's typing notice shows until it expires (a renewal updates the store, which
  // renders again); one timer for that moment, not a re-render of the thread every second.
  const typingUntil = chat ? (typingMap as Record<string, number>)[chat.otherParty.id] : undefined;
  // Rendering stays pure (no clock read): the notice shows until its timer marks it expired.
  const [expiredUntil, setExpiredUntil] = useState<number>();
  useEffect(() => {
    if (typingUntil === undefined) return;
    const timer = setTimeout(() => setExpiredUntil(typingUntil), Math.max(0, typingUntil - Date.now() + 20));
    return () => clearTimeout(timer);
  }, [typingUntil]);
  const otherTyping = typingUntil !== undefined && typingUntil !== expiredUntil;

  if (thread.isError) {
    return (
      <div className="grid h-full place-items-center p-8 text-center">
        <div>
          <p className="font-medium">This conversation could not be opened.</p>
          <Link href="/inbox" className="mt-2 inline-block text-brand-700 underline dark:text-brand-100">
            Back to your inbox
          </Link>
        </div>
      </div>
    );
  }

  return (
    <section
      aria-label={chat ? `Conversation with ${chat.otherParty.name}` : 'Conversation'}
      className="flex h-full min-h-0 flex-col"
    >
      <header className="flex items-center gap-3 border-b border-slate-200 bg-white px-4 py-3 dark:border-slate-800 dark:bg-slate-900">
        <Link href="/inbox" className="rounded p-1 text-slate-500 md:hidden" aria-label="Back to conversations">
          ←
        </Link>
        <div className="min-w-0">
          <h1 className="truncate font-semibold" data-testid="thread-title">
            <bdi>{chat?.otherParty.name ?? '…'}</bdi>
          </h1>
          <p className="truncate text-xs text-slate-500 dark:text-slate-400">
            <span data-testid="presence">
              {presence?.online ? 'Online' : lastSeenLabel(presence?.lastSeen ?? null)}
            </span>
            {chat && (
              <>
                {' '}
                · <bdi>{chat.property.name}</bdi>
              </>
            )}
          </p>
        </div>
      </header>

      <div
        ref={scroller}
        onScroll={(e) => {
          const el = e.currentTarget;
          atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
        }}
        className="min-h-0 flex-1 overflow-y-auto px-3 py-4 sm:px-6"
        data-testid="message-scroller"
        role="log"
        aria-live="polite"
        aria-relevant="additions"
        aria-busy={thread.isFetching}
      >
        <div ref={topSentinel} aria-hidden className="h-px" />
        {thread.isFetchingNextPage && (
          <p className="py-2 text-center text-xs text-slate-500">Loading earlier messages…</p>
        )}
        {!thread.hasNextPage && thread.isSuccess && messages.length > 0 && (
          <p className="py-2 text-center text-xs text-slate-400" data-testid="history-start">
            This is the start of your conversation
          </p>
        )}
        {thread.isPending && <p className="py-8 text-center text-sm text-slate-500">Loading messages…</p>}
        <ol className="flex flex-col gap-1.5" data-testid="messages">
          {messages.map((message, i) => {
            const previous = messages[i - 1];
            const newDay =
              !previous || new Date(previous.createdAt).toDateString() !== new Date(message.createdAt).toDateString();
            return (
              <Fragment
                key={message.clientMessageId && message.status ? `local:${message.clientMessageId}` : message.id}
              >
                {newDay && (
                  <li className="my-3 flex justify-center" role="separator">
                    <span className="rounded-full bg-slate-200/70 px-3 py-0.5 text-xs text-slate-600 dark:bg-slate-800 dark:text-slate-300">
                      {dayLabel(message.createdAt)}
                    </span>
                  </li>
                )}
                <MessageBubble message={message} own={message.senderId === user.id} />
              </Fragment>
            );
          })}
        </ol>
      </div>

      <div
        className="h-6 px-6 text-xs text-slate-500 dark:text-slate-400"
        aria-live="polite"
        data-testid="typing-indicator"
      >
        {otherTyping && chat ? (
          <>
            <bdi>{chat.otherParty.name}</bdi> is typing…
          </>
        ) : (
          ''
        )}
      </div>
      <Composer chatId={chatId} />
    </section>
  );
}

function usePageVisible(): boolean {
  const [visible, setVisible] = useState(
    () => typeof document === 'undefined' || document.visibilityState === 'visible',
  );
  useEffect(() => {
    const update = () => setVisible(document.visibilityState === 'visible');
    document.addEventListener('visibilitychange', update);
    return () => document.removeEventListener('visibilitychange', update);
  }, []);
  return visible;
}
