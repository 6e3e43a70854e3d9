// Joins the chat's live room while the thread is open and connected (ChatClient joins again after
// each reconnect it could not recover); the join's answer brings the other member's presence.
import { useEffect } from 'react';
import type { ChatClient, ConnectionStatus } from '@/lib/client/chat-client';
import { useInboxStore } from '@/lib/client/store';

export function useChatRoom(client: ChatClient, chatId: string, connection: ConnectionStatus) {
  useEffect(() => {
    if (connection !== 'connected') return;
    let left = false;
    client
      .joinChat(chatId)
      .then(({ presence }) => !left && useInboxStore.getState().setPresence(presence))
      .catch(() => {});
    return () => {
      left = true;
      void client.leaveChat(chatId).catch(() => {});
    };
  }, [client, chatId, connection]);
}
