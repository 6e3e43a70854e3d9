'use client';
// The inbox frame: header, connection banner, chat list and thread side by side on wide
// screens; on a phone either the list (/inbox) or the thread (/inbox/:id). With a thread open, the
// first tab stop is a skip link to its composer (past the header and the chat list); leaving it
// (the phone's back link) puts the focus back on its chat in the list.
import Link from 'next/link';
import { useSelectedLayoutSegment } from 'next/navigation';
import { useEffect, useRef } from 'react';
import { SignOutButton } from '@/components/auth/sign-out-button';
import { BrandLink } from '@/components/brand-link';
import { ChatList } from './chat-list';
import { ConnectionBanner } from './connection-banner';
import { useRealtime } from './realtime-provider';

export function InboxShell({ children }: { children: React.ReactNode }) {
  const { user } = useRealtime();
  const chatId = useSelectedLayoutSegment();
  const chatOpen = chatId !== null;
  const previousChatId = useRef(chatId);
  useEffect(() => {
    const left = previousChatId.current;
    previousChatId.current = chatId;
    // Only when the focus went nowhere (it was in the thread that is gone).
    if (left && !chatId && (document.activeElement === document.body || !document.activeElement))
      document.querySelector<HTMLElement>(`[data-testid="chat-item"][data-chat-id="${left}"]`)?.focus();
  }, [chatId]);
  return (
    <div className="flex h-dvh flex-col">
      {chatOpen && (
        <a
          href={`#composer-${chatId}`}
          onClick={(e) => {
            // Focus, not only scroll: the reader skips here to type.
            e.preventDefault();
            document.getElementById(`composer-${chatId}`)?.focus();
          }}
          className="sr-only rounded-md bg-white px-3 py-2 font-medium text-brand-700 shadow ring-2 ring-brand-500 focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50 dark:bg-slate-900 dark:text-brand-100"
        >
          Skip to message composer
        </a>
      )}
      <header className="flex items-center justify-between border-b border-slate-200 bg-white px-4 py-3 dark:border-slate-800 dark:bg-slate-900">
        <BrandLink href="/inbox" section="Inbox" />
        <div className="flex items-center gap-3 text-sm">
          <Link href="/properties" className="font-medium text-brand-700 underline dark:text-brand-100">
            Stays
          </Link>
          {user.role === 'OWNER' && (
            <Link href="/settings/replies" className="font-medium text-brand-700 underline dark:text-brand-100">
              Quick replies
            </Link>
          )}
          <Link href="/settings/notifications" className="font-medium text-brand-700 underline dark:text-brand-100">
            Emails
          </Link>
          <span className="hidden text-slate-600 sm:inline dark:text-slate-300" data-testid="current-user">
            <bdi>{user.name}</bdi> · {user.role === 'OWNER' ? 'Host' : 'Guest'}
          </span>
          <SignOutButton />
        </div>
      </header>
      <ConnectionBanner />
      <div className="flex min-h-0 flex-1">
        <nav
          aria-label="Conversations"
          className={`${chatOpen ? 'hidden md:flex' : 'flex'} w-full shrink-0 flex-col border-r border-slate-200 md:w-80 lg:w-96 dark:border-slate-800`}
        >
          <ChatList />
        </nav>
        <main
          className={`${chatOpen ? 'flex' : 'hidden md:flex'} min-w-0 flex-1 flex-col bg-slate-50 dark:bg-slate-950`}
        >
          {children}
        </main>
      </div>
    </div>
  );
}
