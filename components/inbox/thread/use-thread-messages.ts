// A chat's messages as the thread shows them: the stored history pages merged with the
// optimistic copies of what is still in the outbox (sends, and edits and unsends of stored ones).
import { useInfiniteQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import type { MessageDto } from '@/lib/chat/message-dto';
import { mergeMessages, type ThreadMessage } from '@/lib/client/merge';
import { chatQueries, threadDeliveredUntil, threadMessages } from '@/lib/client/queries';
import { useInboxStore } from '@/lib/client/store';
import { pendingMessages, withPendingChanges } from './thread-logic';

export function useThreadMessages(
  chatId: string,
  me: MessageDto['sender'],
  otherParty: MessageDto['recipient'] | undefined,
) {
  const thread = useInfiniteQuery(chatQueries.thread(chatId));
  const outbox = useInboxStore((s) => s.outbox);
  const messages = useMemo<ThreadMessage[]>(
    () =>
      withPendingChanges(
        mergeMessages(threadMessages(thread.data), pendingMessages(outbox, chatId, me, otherParty)),
        outbox,
        chatId,
        me,
      ),
    [thread.data, outbox, chatId, me, otherParty],
  );
  // How far the other member's client has the messages: the user's own ones up to it are delivered.
  const deliveredUntil = threadDeliveredUntil(thread.data);
  return { thread, messages, deliveredUntil };
}
