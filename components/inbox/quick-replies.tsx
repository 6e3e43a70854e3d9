'use client';
// A host's quick replies in the composer: typing "/" at the start of an empty message (or the
// Quick replies button, which types it) lists them, filtered by what follows; choosing one fills
// the composer with its text, placeholders replaced for this chat, ready to edit and send.
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { chatQueries, savedReplyQueries } from '@/lib/client/queries';
import { fillPlaceholders } from '@/lib/saved-replies/placeholders';
import type { SavedReply } from '@/lib/saved-replies/saved-replies';

/** The "/filter" a draft asks for, or null when it asks for none. */
export function quickReplyFilterOf(draft: string): string | null {
  return draft.startsWith('/') && !draft.includes('\n') ? draft.slice(1).toLowerCase() : null;
}

/** The replies matching a filter (in the host's order). */
export function matchingReplies(replies: readonly SavedReply[], filter: string): SavedReply[] {
  return replies.filter((r) => r.title.toLowerCase().includes(filter) || r.body.toLowerCase().includes(filter));
}

export function useQuickReplies(chatId: string, enabled: boolean) {
  const replies = useQuery({ ...savedReplyQueries.list(), enabled });
  const chat = useQuery(chatQueries.list()).data?.find((c) => c.id === chatId);
  const fill = (reply: SavedReply) =>
    chat
      ? fillPlaceholders(reply.body, {
          guest_name: chat.guest.name,
          property_name: chat.property.name,
          host_name: chat.owner.name,
        })
      : reply.body;
  return { replies: replies.data ?? [], fill };
}

export function QuickReplyList({
  matches,
  onChoose,
  onClose,
}: {
  matches: readonly SavedReply[];
  onChoose: (reply: SavedReply) => void;
  /** Escape, from the list itself (the composer handles it in the text). */
  onClose: () => void;
}) {
  return (
    <div
      onKeyDown={(e) => {
        if (e.key === 'Escape') onClose();
      }}
      className="mb-2 max-h-48 overflow-y-auto rounded-lg border border-slate-200 bg-white p-1 text-sm shadow-sm dark:border-slate-700 dark:bg-slate-900"
      data-testid="quick-replies"
    >
      {matches.length === 0 ? (
        <p className="px-2 py-1 text-slate-500 dark:text-slate-400">
          No quick reply matches.{' '}
          <Link href="/settings/replies" className="underline">
            Manage quick replies
          </Link>
        </p>
      ) : (
        <ul aria-label="Quick replies">
          {matches.map((reply, i) => (
            <li key={reply.id}>
              <button
                type="button"
                onClick={() => onChoose(reply)}
                className="block w-full rounded px-2 py-1 text-left hover:bg-slate-100 focus-visible:bg-slate-100 focus-visible:outline-none dark:hover:bg-slate-800"
              >
                <span className="font-medium">{reply.title}</span>
                {i === 0 && <span className="ml-2 text-xs text-slate-600 dark:text-slate-400">Enter</span>}
                <span className="block truncate text-xs text-slate-600 dark:text-slate-400">{reply.body}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
