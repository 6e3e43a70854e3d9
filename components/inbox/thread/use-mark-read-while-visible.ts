// Marks what is on screen as read: everything up to the newest message sent to this user, while
// connected and as soon as the tab is visible (again). The receipt updates the chat's unread count.
import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { ChatClient, ConnectionStatus } from '@/lib/client/chat-client';
import type { ThreadMessage } from '@/lib/client/merge';
import { setChatUnread } from '@/lib/client/queries';
import { newestUnreadIdFor } from './thread-logic';
import { usePageVisible } from './use-page-visible';

export function useMarkReadWhileVisible(
  client: ChatClient,
  chatId: string,
  messages: readonly ThreadMessage[],
  userId: string,
  connection: ConnectionStatus,
) {
  const queryClient = useQueryClient();
  const visible = usePageVisible();
  const upToMessageId = newestUnreadIdFor(messages, userId);
  useEffect(() => {
    if (!upToMessageId || connection !== 'connected' || !visible) return;
    client
      .markRead(chatId, { upToMessageId })
      .then((receipt) => setChatUnread(queryClient, chatId, receipt.chatUnreadCount))
      .catch(() => {});
  }, [client, chatId, upToMessageId, connection, visible, queryClient]);
}
