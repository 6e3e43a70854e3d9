'use client';
// One conversation: header with the other party's presence, the history (older pages load when
// scrolled to the top, without the view jumping), day separators, delivery ticks on own
// messages, failed messages with retry/delete, the user's own scheduled messages below the newest,
// the typing indicator and the composer. A reply's quote shows its original, and a search result
// its message (loading the history around it: the thread then pages newer messages in below until
// it reaches the present, or jumps there).
// Messages to the user are marked read while the thread is on screen. Consecutive messages of one
// sender are grouped; a "New messages" divider marks where the unread ones began when the thread
// opened; "Jump to latest" counts what arrived while the reader was up in the history; a visually
// hidden live region announces each arrival once (the scroller itself is not live, so pages of
// history loaded on scroll are not read out). Each of these is a hook under ./thread/; this
// component composes them and renders.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { Fragment, useLayoutEffect, useMemo, useRef } from 'react';
import { chatQueries, isDetachedThread, showLatestInThread } from '@/lib/client/queries';
import { useInboxStore } from '@/lib/client/store';
import { Composer } from './composer';
import { dayLabel } from './format';
import { MessageBubble } from './message-bubble';
import { useRealtime } from './realtime-provider';
import { ScheduledMessages } from './thread/scheduled-messages';
import { BlockNotice } from './thread/block-notice';
import { ThreadHeader } from './thread/thread-header';
import { groupPositions, startsNewDay } from './thread/thread-logic';
import { useChatRoom } from './thread/use-chat-room';
import { useMarkReadWhileVisible } from './thread/use-mark-read-while-visible';
import { useHighlightedMessage } from './thread/use-highlighted-message';
import { usePageSentinel } from './thread/use-page-sentinel';
import { useScrollAnchor } from './thread/use-scroll-anchor';
import { useThreadCues } from './thread/use-thread-cues';
import { useThreadMessages } from './thread/use-thread-messages';
import { useTypingNotice } from './thread/use-typing-notice';

export function ThreadView({ chatId }: { chatId: string }) {
  const { client, user } = useRealtime();
  const queryClient = useQueryClient();
  const chats = useQuery(chatQueries.list());
  const chat = chats.data?.find((c) => c.id === chatId);
  const connection = useInboxStore((s) => s.connection);

  const { thread, messages, deliveredUntil } = useThreadMessages(chatId, user, chat?.otherParty);
  useChatRoom(client, chatId, connection);
  useMarkReadWhileVisible(client, chatId, messages, user.id, connection);
  const detached = isDetachedThread(thread.data);
  const { scrollerRef, onScroll, holdPosition, stickToBottom, releaseBottom, atBottom } = useScrollAnchor(
    messages[0]?.id,
    messages.at(-1)?.id,
    thread.isSuccess,
    detached,
  );
  const older = { hasPage: thread.hasNextPage, isFetching: thread.isFetchingNextPage, fetchPage: thread.fetchNextPage };
  const topSentinelRef = usePageSentinel(scrollerRef, 'top', older, holdPosition);
  const newer = {
    hasPage: thread.hasPreviousPage,
    isFetching: thread.isFetchingPreviousPage,
    fetchPage: thread.fetchPreviousPage,
  };
  // The page that reaches the present must not pull the view down past what the reader reads.
  const bottomSentinelRef = usePageSentinel(scrollerRef, 'bottom', newer, releaseBottom);
  const { highlightedId, notice, showMessage, match } = useHighlightedMessage(scrollerRef, chatId, messages);
  const showLatest = () => {
    stickToBottom();
    showLatestInThread(queryClient, chatId);
  };
  const otherTyping = useTypingNotice(chatId, chat?.otherParty.id);
  const groups = useMemo(() => groupPositions(messages), [messages]);
  const { dividerId, announcements, unseen } = useThreadCues({
    messages,
    userId: user.id,
    loaded: thread.isSuccess,
    detached,
    atBottom,
  });
  // Opened with unread messages: their start is shown rather than the bottom (declared after
  // useScrollAnchor, so this runs after it has stuck the view to the bottom).
  const dividerRef = useRef<HTMLLIElement>(null);
  useLayoutEffect(() => {
    if (dividerId) dividerRef.current?.scrollIntoView({ block: 'start' });
  }, [dividerId]);
  const jumpToLatest = () => {
    showLatest();
    const el = scrollerRef.current;
    if (el) el.scrollTop = el.scrollHeight;
    // The button goes away: the composer is where a reader who caught up goes next.
    document.getElementById(`composer-${chatId}`)?.focus();
  };

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
      <ThreadHeader chat={chat} />

      <div
        ref={scrollerRef}
        onScroll={onScroll}
        className="min-h-0 flex-1 overflow-y-auto px-3 py-4 sm:px-6"
        data-testid="message-scroller"
        // Focusable so that the keyboard scrolls it; not live (the announcer below is).
        tabIndex={0}
        role="region"
        aria-label="Messages"
        aria-busy={thread.isFetching}
      >
        <div ref={topSentinelRef} aria-hidden className="h-px" />
        {thread.isFetchingNextPage && (
          <p className="py-2 text-center text-xs text-slate-500 dark:text-slate-400">Loading earlier messages…</p>
        )}
        {!thread.hasNextPage && thread.isSuccess && messages.length > 0 && (
          <p className="py-2 text-center text-xs text-slate-600 dark:text-slate-400" data-testid="history-start">
            This is the start of your conversation
          </p>
        )}
        {thread.isPending && (
          <p className="py-8 text-center text-sm text-slate-500 dark:text-slate-400">Loading messages…</p>
        )}
        <ol className="flex flex-col" data-testid="messages">
          {messages.map((message, i) => (
            <Fragment key={message.id}>
              {startsNewDay(messages[i - 1], message) && (
                <li className="my-3 flex justify-center" data-testid="day-separator">
                  <h2 className="rounded-full bg-slate-200/70 px-3 py-0.5 text-xs font-normal text-slate-700 dark:bg-slate-800 dark:text-slate-300">
                    {dayLabel(message.createdAt)}
                  </h2>
                </li>
              )}
              {message.id === dividerId && (
                <li
                  ref={dividerRef}
                  className="my-3 flex scroll-mt-2 items-center gap-3 text-xs font-semibold text-red-700 dark:text-red-300"
                  data-testid="unread-divider"
                >
                  <span aria-hidden className="h-px flex-1 bg-red-300 dark:bg-red-800" />
                  <h2>New messages</h2>
                  <span aria-hidden className="h-px flex-1 bg-red-300 dark:bg-red-800" />
                </li>
              )}
              <MessageBubble
                message={message}
                own={message.senderId === user.id}
                groupFirst={groups[i]!.first}
                groupLast={groups[i]!.last}
                highlighted={message.id === highlightedId}
                matchText={message.id === match?.messageId ? match.text : undefined}
                delivered={Boolean(deliveredUntil && message.createdAt <= deliveredUntil)}
                onShowMessage={showMessage}
              />
            </Fragment>
          ))}
        </ol>
        {!detached && <ScheduledMessages chatId={chatId} />}
        {thread.isFetchingPreviousPage && (
          <p className="py-2 text-center text-xs text-slate-500 dark:text-slate-400">Loading newer messages…</p>
        )}
        <div ref={bottomSentinelRef} aria-hidden className="h-px" />
      </div>
      <div className="sr-only" aria-live="polite" data-testid="new-message-announcer">
        {announcements.map((a) => (
          <p key={a.id}>{a.text}</p>
        ))}
      </div>
      {(detached || notice || unseen > 0) && (
        <div className="flex items-center justify-center gap-3 px-3 pt-2 text-sm">
          {notice && (
            <p role="status" className="text-slate-600 dark:text-slate-300">
              {notice}
            </p>
          )}
          {(detached || unseen > 0) && (
            <button
              type="button"
              onClick={jumpToLatest}
              className="rounded-full bg-white px-3 py-1 font-medium text-brand-700 shadow ring-1 ring-slate-200 hover:bg-slate-50 dark:bg-slate-800 dark:text-brand-100 dark:ring-slate-700"
              data-testid="jump-to-latest"
            >
              Jump to latest{unseen > 0 && ` · ${unseen} new ${unseen === 1 ? 'message' : 'messages'}`} ↓
            </button>
          )}
        </div>
      )}

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
      <BlockNotice chat={chat} userId={user.id} />
      <Composer chatId={chatId} onSend={showLatest} />
    </section>
  );
}
