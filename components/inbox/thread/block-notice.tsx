'use client';
// Above the composer when a block stands in the chat: the blocked member is told plainly that
// they cannot write here; the blocker sees whom they blocked, with Unblock.
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { BlockState } from '@/lib/chat/blocks';
import type { ChatSummary } from '@/lib/chat/chats';
import { sendJson } from '@/lib/client/api';
import { applyChatBlock } from '@/lib/client/queries';

export function useBlockAction(chat: ChatSummary) {
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const change = async (block: boolean) => {
    setError(null);
    try {
      const state = await sendJson<BlockState>(
        block ? 'PUT' : 'DELETE',
        `/api/chats/${chat.id}/block`,
        block ? { userId: chat.otherParty.id } : undefined,
      );
      applyChatBlock(queryClient, chat.id, state.blockedUserIds);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return { change, error };
}

export function BlockNotice({ chat, userId }: { chat: ChatSummary | undefined; userId: string }) {
  if (!chat) return null;
  if (chat.blockedUserIds.includes(chat.otherParty.id)) return <BlockerNotice chat={chat} />;
  if (!chat.blockedUserIds.includes(userId)) return null;
  return (
    <p
      role="status"
      className="border-t border-slate-200 bg-amber-50 px-4 py-2 text-sm text-amber-900 dark:border-slate-800 dark:bg-amber-950 dark:text-amber-100"
      data-testid="blocked-notice"
    >
      You can&apos;t message <bdi>{chat.otherParty.name}</bdi> in this conversation: they blocked you.
    </p>
  );
}

function BlockerNotice({ chat }: { chat: ChatSummary }) {
  const { change, error } = useBlockAction(chat);
  return (
    <p
      role="status"
      className="flex items-center gap-2 border-t border-slate-200 bg-slate-100 px-4 py-2 text-sm dark:border-slate-800 dark:bg-slate-800"
      data-testid="blocker-notice"
    >
      <span>
        You blocked <bdi>{chat.otherParty.name}</bdi>
      </span>
      ·
      <button type="button" className="font-semibold underline" onClick={() => void change(false)}>
        Unblock
      </button>
      {error && <span className="text-red-600">{error}</span>}
    </p>
  );
}
