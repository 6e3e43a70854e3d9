'use client';
// The thread's header: back link (narrow screens), the other party's name and presence, the
// property (a link to its page); the user's own star and archive for the chat (the other party
// does not see them); blocking the other party (or unblocking) and reporting them.
import { useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import { isArchived, type ChatPreferences } from '@/lib/chat/archived';
import type { ChatSummary } from '@/lib/chat/chats';
import { sendJson } from '@/lib/client/api';
import { applyChatPreferences } from '@/lib/client/queries';
import { useInboxStore } from '@/lib/client/store';
import { lastSeenLabel } from '../format';
import { ReportDialog } from '../report-dialog';
import { useBlockAction } from './block-notice';

export function ThreadHeader({ chat }: { chat: ChatSummary | undefined }) {
  const presence = useInboxStore((s) => (chat ? s.presence[chat.otherParty.id] : undefined));
  // Presence is hidden both ways while a block stands (the server sends none).
  const hidden = !!chat?.blockedUserIds.length;
  return (
    <header className="flex items-center gap-3 border-b border-slate-200 bg-white px-4 py-3 dark:border-slate-800 dark:bg-slate-900">
      <Link
        href="/inbox"
        className="rounded p-1 text-slate-600 md:hidden dark:text-slate-300"
        aria-label="Back to conversations"
      >
        ←
      </Link>
      <div className="min-w-0">
        <h1 className="truncate font-semibold" data-testid="thread-title">
          <bdi>{chat?.otherParty.name ?? '…'}</bdi>
        </h1>
        <p className="truncate text-xs text-slate-500 dark:text-slate-400">
          <span data-testid="presence">
            {hidden ? '' : presence?.online ? 'Online' : lastSeenLabel(presence?.lastSeen ?? null)}
          </span>
          {chat && (
            <>
              {' '}
              ·{' '}
              <Link
                href={`/properties/${chat.property.id}`}
                className="text-brand-700 underline-offset-2 hover:underline dark:text-brand-100"
                data-testid="thread-property"
              >
                <bdi>{chat.property.name}</bdi>
              </Link>
            </>
          )}
        </p>
      </div>
      {chat && <ChatActions chat={chat} />}
    </header>
  );
}

function ChatActions({ chat }: { chat: ChatSummary }) {
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const archived = isArchived(chat);
  const block = useBlockAction(chat);
  const iBlocked = chat.blockedUserIds.includes(chat.otherParty.id);
  const [reporting, setReporting] = useState(false);
  const change = async (body: { starred?: boolean; archived?: boolean }) => {
    setError(null);
    try {
      const preferences = await sendJson<ChatPreferences>('PATCH', `/api/chats/${chat.id}`, body);
      applyChatPreferences(queryClient, chat.id, preferences);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const button =
    'rounded-md px-2 py-1 text-sm text-slate-600 hover:bg-slate-100 focus-visible:ring-2 focus-visible:ring-brand-500 focus-visible:outline-none dark:text-slate-300 dark:hover:bg-slate-800';
  return (
    <div className="ml-auto flex items-center gap-1">
      {(error ?? block.error) && (
        <span role="alert" className="text-xs text-red-600">
          {error ?? block.error}
        </span>
      )}
      <button
        type="button"
        aria-pressed={chat.starred}
        onClick={() => void change({ starred: !chat.starred })}
        className={button}
        data-testid="star-chat"
      >
        <span aria-hidden className={chat.starred ? 'text-amber-500' : ''}>
          {chat.starred ? '★' : '☆'}
        </span>{' '}
        Star
      </button>
      <button
        type="button"
        onClick={() => void change({ archived: !archived })}
        className={button}
        data-testid="archive-chat"
      >
        {archived ? 'Unarchive' : 'Archive'}
      </button>
      <button type="button" onClick={() => void block.change(!iBlocked)} className={button} data-testid="block-chat">
        {iBlocked ? 'Unblock' : 'Block'} <bdi>{chat.otherParty.name}</bdi>
      </button>
      <button type="button" onClick={() => setReporting(true)} className={button} data-testid="report-user">
        Report
      </button>
      {reporting && (
        <ReportDialog chatId={chat.id} subject={chat.otherParty.name} onClose={() => setReporting(false)} />
      )}
    </div>
  );
}
