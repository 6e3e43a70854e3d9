'use client';
// The thread's header: back link (narrow screens), the other party's name and presence, the property.
import Link from 'next/link';
import type { ChatSummary } from '@/lib/chat/chats';
import { useInboxStore } from '@/lib/client/store';
import { lastSeenLabel } from '../format';

export function ThreadHeader({ chat }: { chat: ChatSummary | undefined }) {
  const presence = useInboxStore((s) => (chat ? s.presence[chat.otherParty.id] : undefined));
  return (
    <header className="flex items-center gap-3 border-b border-slate-200 bg-white px-4 py-3 dark:border-slate-800 dark:bg-slate-900">
      <Link href="/inbox" className="rounded p-1 text-slate-500 md:hidden" aria-label="Back to conversations">
        ←
      </Link>
      <div className="min-w-0">
        <h1 className="truncate font-semibold" data-testid="thread-title">
          <bdi>{chat?.otherParty.name ?? '…'}</bdi>
        </h1>
        <p className="truncate text-xs text-slate-500 dark:text-slate-400">
          <span data-testid="presence">{presence?.online ? 'Online' : lastSeenLabel(presence?.lastSeen ?? null)}</span>
          {chat && (
            <>
              {' '}
              · <bdi>{chat.property.name}</bdi>
            </>
          )}
        </p>
      </div>
    </header>
  );
}
