'use client';
// The list of conversations: other party, property, last message, time and unread badge.
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useSelectedLayoutSegment } from 'next/navigation';
import { chatQueries } from '@/lib/client/queries';
import { useInboxStore } from '@/lib/client/store';
import { shortTime } from './format';
import { useRealtime } from './realtime-provider';

export function ChatList() {
  const { user } = useRealtime();
  const selected = useSelectedLayoutSegment();
  const { data: chats, isPending, isError, refetch } = useQuery(chatQueries.list());
  const presence = useInboxStore((s) => s.presence);

  if (isPending) return <p className="p-4 text-sm text-slate-500">Loading conversations…</p>;
  if (isError)
    return (
      <div className="p-4 text-sm">
        <p className="text-red-700 dark:text-red-300">Could not load your conversations.</p>
        <button className="mt-2 underline" onClick={() => void refetch()}>
          Try again
        </button>
      </div>
    );
  if (!chats.length)
    return (
      <p className="p-6 text-sm text-slate-500 dark:text-slate-400">
        No conversations yet.{' '}
        <Link href="/properties" className="font-medium text-brand-700 underline dark:text-brand-100">
          Find a stay
        </Link>{' '}
        and ask its host.
      </p>
    );

  return (
    <ul className="min-h-0 flex-1 overflow-y-auto" data-testid="chat-list">
      {chats.map((chat) => {
        const last = chat.lastMessage;
        const online = presence[chat.otherParty.id]?.online;
        const active = selected === chat.id;
        return (
          <li key={chat.id}>
            <Link
              href={`/inbox/${chat.id}`}
              aria-current={active ? 'page' : undefined}
              data-testid="chat-item"
              data-chat-id={chat.id}
              className={`flex gap-3 border-b border-slate-100 px-4 py-3 outline-none focus-visible:bg-brand-50 dark:border-slate-800/70 dark:focus-visible:bg-slate-800 ${
                active ? 'bg-brand-50 dark:bg-slate-800' : 'hover:bg-slate-50 dark:hover:bg-slate-900'
              }`}
            >
              <span
                className="relative grid size-11 shrink-0 place-items-center rounded-full bg-slate-200 font-semibold text-slate-700 dark:bg-slate-700 dark:text-slate-100"
                aria-hidden
              >
                {chat.otherParty.name.slice(0, 1).toUpperCase()}
                {online && (
                  <span className="absolute right-0 bottom-0 size-3 rounded-full border-2 border-white bg-emerald-500 dark:border-slate-950" />
                )}
              </span>
              <span className="min-w-0 flex-1">
                <span className="flex items-baseline justify-between gap-2">
                  <span dir="auto" className="truncate font-medium" data-testid="chat-other-party">
                    {chat.otherParty.name}
                  </span>
                  {last && (
                    <time className="shrink-0 text-xs text-slate-500 dark:text-slate-400" dateTime={last.createdAt}>
                      {shortTime(last.createdAt)}
                    </time>
                  )}
                </span>
                <span dir="auto" className="block truncate text-xs text-brand-700 dark:text-brand-100">
                  {chat.property.name}
                </span>
                <span className="flex items-center justify-between gap-2">
                  <span
                    className={`truncate text-sm ${chat.unreadCount ? 'font-medium text-slate-900 dark:text-white' : 'text-slate-500 dark:text-slate-400'}`}
                    data-testid="chat-last-message"
                  >
                    {last ? (
                      <>
                        {last.senderId === user.id ? 'You: ' : ''}
                        <bdi>
                          {last.unsent ? 'Message unsent' : last.content || (last.attachmentCount ? 'Attachment' : '')}
                        </bdi>
                      </>
                    ) : (
                      'No messages yet'
                    )}
                  </span>
                  {chat.unreadCount > 0 && (
                    <span
                      className="grid h-5 min-w-5 place-items-center rounded-full bg-brand-600 px-1.5 text-xs font-semibold text-white"
                      data-testid="unread-badge"
                      aria-label={`${chat.unreadCount} unread`}
                    >
                      {chat.unreadCount}
                    </span>
                  )}
                </span>
              </span>
            </Link>
          </li>
        );
      })}
    </ul>
  );
}
