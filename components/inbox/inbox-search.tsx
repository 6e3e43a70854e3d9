'use client';
// The search above the chat list: a box whose text is kept in the URL (?q=, so a reload or the
// back button keeps it), and, while it holds text, the results in place of the list: the chats
// whose other party or property has the text in its name, then the messages that hold it, newest
// first, each with its snippet (the match marked) and time. A message result opens its thread
// around that message (?message=<id>), marked there too.
import { useInfiniteQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { useEffect, useState } from 'react';
import { SEARCH_QUERY_MAX_LENGTH, SEARCH_QUERY_MIN_LENGTH } from '@/lib/chat/schemas';
import { ApiError } from '@/lib/client/api';
import { searchQueries } from '@/lib/client/queries';
import { shortTime } from './format';
import { HighlightedText } from './highlighted-text';

/** How long typing pauses before a search is sent. */
const SEARCH_DEBOUNCE_MS = 250;

/** The search text, from and to the URL's `q` (replaceState: no navigation, no server round trip). */
export function useSearchText(): [string, (text: string) => void] {
  const searchParams = useSearchParams();
  const [text, setText] = useState(() => searchParams.get('q') ?? '');
  const update = (next: string) => {
    setText(next);
    const params = new URLSearchParams(window.location.search);
    if (next) params.set('q', next);
    else params.delete('q');
    const query = params.toString();
    window.history.replaceState(null, '', query ? `${window.location.pathname}?${query}` : window.location.pathname);
  };
  return [text, update];
}

export function SearchBox({ value, onChange }: { value: string; onChange: (text: string) => void }) {
  return (
    <div className="border-b border-slate-200 px-3 py-2 dark:border-slate-800">
      <input
        type="search"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') onChange('');
        }}
        maxLength={SEARCH_QUERY_MAX_LENGTH}
        placeholder="Search names, stays and messages"
        aria-label="Search conversations"
        className="w-full rounded-lg border border-slate-300 bg-white px-3 py-1.5 text-sm placeholder:text-slate-500 focus:border-brand-600 focus:outline-none dark:border-slate-700 dark:bg-slate-900 dark:placeholder:text-slate-400"
      />
    </div>
  );
}

function useDebouncedValue<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

export function SearchResultsPanel({ text }: { text: string }) {
  const query = useDebouncedValue(text.trim(), SEARCH_DEBOUNCE_MS);
  const searchable = query.length >= SEARCH_QUERY_MIN_LENGTH;
  const results = useInfiniteQuery({ ...searchQueries.results(query), enabled: searchable });
  const linkParams = (extra: Record<string, string>) => new URLSearchParams({ q: query, ...extra }).toString();

  if (text.trim().length < SEARCH_QUERY_MIN_LENGTH) {
    return (
      <p className="p-4 text-sm text-slate-600 dark:text-slate-300" data-testid="search-hint">
        Type at least {SEARCH_QUERY_MIN_LENGTH} characters to search.
      </p>
    );
  }
  if (results.isError) {
    const message = results.error instanceof ApiError ? results.error.message : 'Search failed.';
    return (
      <div className="p-4 text-sm" role="alert">
        <p className="text-red-700 dark:text-red-300">{message}</p>
        <button className="mt-2 underline" onClick={() => void results.refetch()}>
          Try again
        </button>
      </div>
    );
  }
  if (!results.data) {
    return (
      <p className="p-4 text-sm text-slate-600 dark:text-slate-300" aria-busy="true">
        Searching…
      </p>
    );
  }

  const chats = results.data.pages[0]?.chats ?? [];
  const messages = results.data.pages.flatMap((page) => page.messages);
  return (
    <div className="min-h-0 flex-1 overflow-y-auto" data-testid="search-results" aria-busy={results.isFetching}>
      <p role="status" className="px-4 pt-3 text-xs text-slate-600 dark:text-slate-300">
        {chats.length + messages.length === 0
          ? `Nothing found for “${query}”.`
          : `${messages.length}${results.hasNextPage ? '+' : ''} message${messages.length === 1 ? '' : 's'} and ${chats.length} conversation${chats.length === 1 ? '' : 's'} found`}
      </p>
      {chats.length > 0 && (
        <section aria-label="Conversations found">
          <h2 className="px-4 pt-3 text-xs font-semibold tracking-wide text-slate-600 uppercase dark:text-slate-300">
            Conversations
          </h2>
          <ul>
            {chats.map((chat) => (
              <li key={chat.chatId}>
                <Link
                  href={`/inbox/${chat.chatId}?${linkParams({})}`}
                  className="block border-b border-slate-100 px-4 py-2 hover:bg-slate-50 focus-visible:bg-brand-50 dark:border-slate-800/70 dark:hover:bg-slate-900"
                  data-testid="search-chat"
                >
                  <span dir="auto" className="block truncate font-medium">
                    {chat.otherParty.name}
                  </span>
                  <span dir="auto" className="block truncate text-xs text-brand-700 dark:text-brand-100">
                    {chat.property.name}
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        </section>
      )}
      {messages.length > 0 && (
        <section aria-label="Messages found">
          <h2 className="px-4 pt-3 text-xs font-semibold tracking-wide text-slate-600 uppercase dark:text-slate-300">
            Messages
          </h2>
          <ul>
            {messages.map((hit) => (
              <li key={hit.id}>
                <Link
                  href={`/inbox/${hit.chatId}?${linkParams({ message: hit.id })}`}
                  className="block border-b border-slate-100 px-4 py-2 hover:bg-slate-50 focus-visible:bg-brand-50 dark:border-slate-800/70 dark:hover:bg-slate-900"
                  data-testid="search-message"
                  data-message-id={hit.id}
                >
                  <span className="flex items-baseline justify-between gap-2">
                    <span dir="auto" className="truncate text-sm font-medium">
                      {hit.otherParty.name} · <span className="font-normal">{hit.property.name}</span>
                    </span>
                    <time className="shrink-0 text-xs text-slate-600 dark:text-slate-300" dateTime={hit.createdAt}>
                      {shortTime(hit.createdAt)}
                    </time>
                  </span>
                  <span dir="auto" className="line-clamp-2 text-sm text-slate-700 dark:text-slate-200">
                    {hit.senderId !== hit.otherParty.id && 'You: '}
                    <HighlightedText text={hit.snippet.text} ranges={hit.snippet.highlights} />
                  </span>
                </Link>
              </li>
            ))}
          </ul>
          {results.hasNextPage && (
            <button
              type="button"
              onClick={() => void results.fetchNextPage()}
              disabled={results.isFetchingNextPage}
              className="m-3 rounded-md px-3 py-1 text-sm font-medium text-brand-700 underline disabled:opacity-60 dark:text-brand-100"
            >
              {results.isFetchingNextPage ? 'Loading…' : 'More results'}
            </button>
          )}
        </section>
      )}
    </div>
  );
}
