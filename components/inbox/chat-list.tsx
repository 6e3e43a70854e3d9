'use client';
// The list of conversations: other party, property, last message, time, unread badge and star;
// above it the filters (All, Unread, Starred, Archived, with counts; a host's properties), kept in
// the URL (chat-filters.ts); above those the search (inbox-search.tsx), whose results take the
// list's place while it holds text. The list is one tab stop (a roving tabindex): Up/Down,
// Home/End move between chats, Enter opens one with the composer focused.
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { usePathname, useRouter, useSearchParams, useSelectedLayoutSegment } from 'next/navigation';
import { useState, type KeyboardEvent } from 'react';
import { COMPOSE_PARAM } from './composer';
import { chatQueries } from '@/lib/client/queries';
import { useInboxStore } from '@/lib/client/store';
import { CHAT_FILTER_LABELS, CHAT_FILTERS, chatFilterOf, filterChats, filterCounts } from './chat-filters';
import { shortTime } from './format';
import { SearchBox, SearchResultsPanel, useSearchText } from './inbox-search';
import { useRealtime } from './realtime-provider';

export function ChatList() {
  const { user } = useRealtime();
  const selected = useSelectedLayoutSegment();
  const { data: chats, isPending, isError, refetch } = useQuery(chatQueries.list());
  const presence = useInboxStore((s) => s.presence);
  const searchParams = useSearchParams();
  const pathname = usePathname();
  const router = useRouter();
  const [searchText, setSearchText] = useSearchText();
  const [focusedId, setFocusedId] = useState<string | null>(null);
  const filter = chatFilterOf(searchParams.get('filter'));
  const propertyId = searchParams.get('property');
  const hrefWith = (changes: Record<string, string | null>) => {
    const params = new URLSearchParams(searchParams);
    for (const [key, value] of Object.entries(changes)) {
      if (value === null) params.delete(key);
      else params.set(key, value);
    }
    const query = params.toString();
    return query ? `${pathname}?${query}` : pathname;
  };

  if (isPending) return <p className="p-4 text-sm text-slate-500 dark:text-slate-400">Loading conversations…</p>;
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

  const counts = filterCounts(chats, propertyId);
  const shown = filterChats(chats, filter, propertyId);
  // A host with several properties can narrow the list to one.
  const properties = [...new Map(chats.map((c) => [c.property.id, c.property])).values()];
  // A chat opened from the list keeps the filters, not a search's message.
  const query = new URLSearchParams(
    [...searchParams].filter(([key]) => key === 'filter' || key === 'property'),
  ).toString();
  const chatHref = (chatId: string) => `/inbox/${chatId}${query ? `?${query}` : ''}`;
  // The one chat Tab stops at: the last one focused, else the open one, else the first.
  const tabStop = [focusedId, selected].find((id) => id && shown.some((c) => c.id === id)) ?? shown[0]?.id;
  const onListKey = (e: KeyboardEvent<HTMLUListElement>) => {
    const items = [...e.currentTarget.querySelectorAll<HTMLAnchorElement>('[data-testid="chat-item"]')];
    const at = items.indexOf(document.activeElement as HTMLAnchorElement);
    if (at < 0) return;
    if (e.key === 'Enter' && !e.ctrlKey && !e.metaKey && !e.shiftKey && !e.altKey) {
      // Opened from the keyboard: ready to write (a click keeps the ordinary link behaviour).
      e.preventDefault();
      const params = new URLSearchParams(query);
      params.set(COMPOSE_PARAM, '1');
      router.push(`/inbox/${items[at]!.dataset.chatId}?${params}`);
      return;
    }
    const next = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: items.length - 1 }[e.key];
    if (next === undefined) return;
    e.preventDefault();
    items[Math.max(0, Math.min(items.length - 1, next))]?.focus();
  };
  return (
    <>
      <SearchBox value={searchText} onChange={setSearchText} />
      {searchText.trim() ? (
        <SearchResultsPanel text={searchText} />
      ) : (
        <>
          <div className="flex flex-wrap items-center gap-1 border-b border-slate-200 px-3 py-2 dark:border-slate-800">
            <nav aria-label="Filter conversations" className="flex flex-wrap gap-1">
              {CHAT_FILTERS.map((f) => (
                <Link
                  key={f}
                  href={hrefWith({ filter: f === 'all' ? null : f })}
                  aria-current={filter === f ? 'true' : undefined}
                  data-testid={`filter-${f}`}
                  className={`rounded-full px-2.5 py-1 text-xs font-medium ${
                    filter === f
                      ? 'bg-brand-600 text-white'
                      : 'text-slate-600 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800'
                  }`}
                >
                  {CHAT_FILTER_LABELS[f]} <span className="sr-only">(</span>
                  {counts[f]}
                  <span className="sr-only">)</span>
                </Link>
              ))}
            </nav>
            {user.role === 'OWNER' && properties.length > 1 && (
              <select
                aria-label="Property"
                value={propertyId ?? ''}
                onChange={(e) => router.replace(hrefWith({ property: e.target.value || null }))}
                className="ml-auto rounded-md border border-slate-300 bg-white px-1.5 py-1 text-xs dark:border-slate-700 dark:bg-slate-900"
              >
                <option value="">All properties</option>
                {properties.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name}
                  </option>
                ))}
              </select>
            )}
          </div>
          {shown.length === 0 && (
            <p className="p-6 text-sm text-slate-500 dark:text-slate-400" data-testid="filter-empty">
              No {filter === 'all' ? '' : `${CHAT_FILTER_LABELS[filter].toLowerCase()} `}conversations here.
            </p>
          )}
          <ul className="min-h-0 flex-1 overflow-y-auto" data-testid="chat-list" onKeyDown={onListKey}>
            {shown.map((chat) => {
              const last = chat.lastMessage;
              const online = presence[chat.otherParty.id]?.online;
              const active = selected === chat.id;
              return (
                <li key={chat.id}>
                  <Link
                    href={chatHref(chat.id)}
                    aria-current={active ? 'page' : undefined}
                    tabIndex={chat.id === tabStop ? 0 : -1}
                    onFocus={() => setFocusedId(chat.id)}
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
                    {online && <span className="sr-only">Online. </span>}
                    <span className="min-w-0 flex-1">
                      <span className="flex items-baseline justify-between gap-2">
                        <span dir="auto" className="truncate font-medium" data-testid="chat-other-party">
                          {chat.otherParty.name}
                          {chat.starred && (
                            <span className="ml-1 text-amber-500" role="img" aria-label="Starred">
                              ★
                            </span>
                          )}
                        </span>
                        {last && (
                          <time
                            className="shrink-0 text-xs text-slate-600 dark:text-slate-400"
                            dateTime={last.createdAt}
                          >
                            {shortTime(last.createdAt)}
                          </time>
                        )}
                      </span>
                      <span dir="auto" className="block truncate text-xs text-brand-700 dark:text-brand-100">
                        {chat.property.name}
                      </span>
                      <span className="flex items-center justify-between gap-2">
                        <span
                          className={`truncate text-sm ${chat.unreadCount ? 'font-medium text-slate-900 dark:text-white' : 'text-slate-600 dark:text-slate-400'}`}
                          data-testid="chat-last-message"
                        >
                          {last ? (
                            <>
                              {last.senderId === user.id ? 'You: ' : ''}
                              <bdi>
                                {last.unsent
                                  ? 'Message unsent'
                                  : last.content || (last.attachmentCount ? 'Attachment' : '')}
                              </bdi>
                            </>
                          ) : (
                            'No messages yet'
                          )}
                        </span>
                        {chat.unreadCount > 0 && (
                          <>
                            <span
                              className="grid h-5 min-w-5 place-items-center rounded-full bg-brand-600 px-1.5 text-xs font-semibold text-white"
                              data-testid="unread-badge"
                              aria-hidden
                            >
                              {chat.unreadCount}
                            </span>
                            {/* Read with the chat's name: the link's accessible name includes it. */}
                            <span className="sr-only" data-testid="unread-count-text">
                              , {chat.unreadCount} unread {chat.unreadCount === 1 ? 'message' : 'messages'}
                            </span>
                          </>
                        )}
                      </span>
                    </span>
                  </Link>
                </li>
              );
            })}
          </ul>
        </>
      )}
    </>
  );
}
