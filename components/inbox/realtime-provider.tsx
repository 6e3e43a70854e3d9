'use client';
// Owns the signed-in user's ChatClient: creates it (fresh socket token from the web app before
// every connect, outbox in IndexedDB per user), and turns its events into React Query cache
// updates and zustand state. Also keeps the tab title's unread total and shows a browser
// notification for a message that arrives while the tab is hidden.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useState } from 'react';
import { ChatClient } from '@/lib/client/chat-client';
import { apiFetch, ApiError } from '@/lib/client/api';
import { indexedDbOutboxStorage, MAX_ATTEMPTS, Outbox, webLockTabPresence } from '@/lib/client/outbox';
import {
  addMessagesToThread,
  applyChatBlock,
  applyMessageToChatList,
  applyMessageUpdateToCaches,
  applyReadToThread,
  applyDeliveryToThread,
  catchUpThreads,
  chatQueries,
  scheduledQueries,
  setChatUnread,
} from '@/lib/client/queries';
import { useInboxStore } from '@/lib/client/store';

export interface CurrentUser {
  id: string;
  name: string;
  role: 'GUEST' | 'OWNER' | 'ADMIN';
}

const RealtimeContext = createContext<{ client: ChatClient; user: CurrentUser } | null>(null);

export function useRealtime() {
  const value = useContext(RealtimeContext);
  if (!value) throw new Error('useRealtime outside <RealtimeProvider>');
  return value;
}

async function fetchToken(): Promise<string> {
  try {
    return (await apiFetch<{ token: string }>('/api/realtime/token')).token;
  } catch (error) {
    // The session ended (signed out elsewhere, revoked): back to the sign-in page.
    if (error instanceof ApiError && error.code === 'UNAUTHENTICATED') {
      // A full page load on purpose: every cache of the ended session goes with it.
      // eslint-disable-next-line @next/next/no-location-assign-relative-destination
      window.location.assign('/login?callbackUrl=/inbox');
    }
    throw error;
  }
}

export function RealtimeProvider({
  user,
  realtimeUrl,
  children,
}: {
  user: CurrentUser;
  realtimeUrl: string;
  children: React.ReactNode;
}) {
  const queryClient = useQueryClient();
  const [client] = useState(
    () =>
      new ChatClient(realtimeUrl, '', {
        getToken: fetchToken,
        outbox: new Outbox(indexedDbOutboxStorage(`outbox:${user.id}`), MAX_ATTEMPTS, webLockTabPresence()),
      }),
  );

  useEffect(() => {
    const offs = [
      client.on('connection', (event) => {
        useInboxStore.getState().setConnection(event.status);
        // Every connection catches up over REST (the first one included: a thread loaded over
        // REST before it may already be behind). A recovered one too: chat events are emitted by
        // each node to its own sockets, which Socket.IO's recovery over Redis does not replay.
        if (event.status === 'connected') {
          void queryClient.invalidateQueries({ queryKey: scheduledQueries.all() });
          void catchUpThreads(
            queryClient,
            user.id,
            (chatId, afterId) => client.catchUp(chatId, afterId),
            (chatId, changedAfter) => client.fetchMessageChanges(chatId, changedAfter),
          );
        }
      }),
      client.on('outbox', (items) => useInboxStore.getState().setOutbox(items)),
      client.on('sent', (message) => {
        addMessagesToThread(queryClient, message.chatId, [message]);
        if (!applyMessageToChatList(queryClient, message))
          void queryClient.invalidateQueries({ queryKey: chatQueries.list().queryKey });
      }),
      client.on('new_message', (message) => {
        addMessagesToThread(queryClient, message.chatId, [message]);
        useInboxStore.getState().setTyping(message.chatId, message.senderId, false);
        if (message.senderId === user.id && !applyMessageToChatList(queryClient, message)) {
          void queryClient.invalidateQueries({ queryKey: chatQueries.list().queryKey });
        }
      }),
      client.on('message_notification', ({ chatId, message, chatUnreadCount }) => {
        addMessagesToThread(queryClient, chatId, [message]);
        if (!applyMessageToChatList(queryClient, message, chatUnreadCount))
          void queryClient.invalidateQueries({ queryKey: chatQueries.list().queryKey });
        notifyIfHidden(message.sender.name, message.content || 'sent an attachment', chatId);
      }),
      client.on('messages_read', ({ chatId, readerId, messageIds, readAt, chatUnreadCount }) => {
        applyReadToThread(queryClient, chatId, messageIds, readAt);
        if (readerId === user.id && chatUnreadCount !== undefined) setChatUnread(queryClient, chatId, chatUnreadCount);
      }),
      client.on('messages_delivered', ({ chatId, userId, deliveredUntil }) => {
        if (userId !== user.id) applyDeliveryToThread(queryClient, chatId, deliveredUntil);
      }),
      client.on('message_updated', (update) => applyMessageUpdateToCaches(queryClient, update)),
      client.on('scheduled_messages_changed', ({ chatId }) => {
        const queryKey = chatId ? scheduledQueries.list(chatId).queryKey : scheduledQueries.all();
        void queryClient.invalidateQueries({ queryKey });
      }),
      client.on('chat_block_changed', ({ chatId, blockedUserIds }) => {
        applyChatBlock(queryClient, chatId, blockedUserIds);
        // Typing is hidden both ways from now: a notice shown when the block came would otherwise
        // linger until it expires.
        const chat = queryClient.getQueryData(chatQueries.list().queryKey)?.find((c) => c.id === chatId);
        if (blockedUserIds.length && chat) useInboxStore.getState().setTyping(chatId, chat.otherParty.id, false);
      }),
      client.on('typing', ({ chatId, userId, isTyping }) =>
        useInboxStore.getState().setTyping(chatId, userId, isTyping),
      ),
      client.on('presence', (presence) => useInboxStore.getState().setPresence(presence)),
    ];
    void client.outbox.load();
    client.connect().catch(() => useInboxStore.getState().setConnection('offline'));
    return () => {
      offs.forEach((off) => off());
      client.disconnect();
    };
  }, [client, queryClient, user.id]);

  return (
    <RealtimeContext.Provider value={{ client, user }}>
      <UnreadTitle />
      {children}
    </RealtimeContext.Provider>
  );
}

function UnreadTitle() {
  const { data } = useQuery(chatQueries.list());
  const total = data?.reduce((sum, c) => sum + c.unreadCount, 0) ?? 0;
  useEffect(() => {
    document.title = total > 0 ? `(${total}) Inbox · StayEasy` : 'Inbox · StayEasy';
  }, [total]);
  return null;
}

function notifyIfHidden(title: string, body: string, chatId: string) {
  if (typeof document === 'undefined' || document.visibilityState !== 'hidden') return;
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  const notification = new Notification(title, { body: body.slice(0, 140), tag: `chat-${chatId}` });
  notification.onclick = () => {
    window.focus();
    // Runs outside React (a browser notification), where no router is at hand.
    // eslint-disable-next-line @next/next/no-location-assign-relative-destination
    window.location.assign(`/inbox/${chatId}`);
  };
}
