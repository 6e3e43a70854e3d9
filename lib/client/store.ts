// Client-only state (zustand): connection status, drafts per chat and the message each draft
// answers (kept across reloads), the
// outbox as the UI shows it, and who is typing / online. Server data lives in React Query.
import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';
import type { PresencePayload } from '../contract/chat-events';
import type { ConnectionStatus } from './chat-client';
import type { Quote } from '../chat/message-dto';
import type { OutboxItem } from './outbox';
import { TYPING_TTL_MS } from '../chat/schemas';

interface InboxState {
  connection: ConnectionStatus;
  /** Set when the connection came back, cleared a few seconds later ("back online"). */
  reconnectedAt: number | null;
  drafts: Record<string, string>;
  /** chatId → the message the draft answers (a quoted reply). */
  replyingTo: Record<string, Quote>;
  outbox: readonly OutboxItem[];
  /** chatId → userId → time the typing indicator expires */
  typing: Record<string, Record<string, number>>;
  presence: Record<string, PresencePayload>;
  setConnection(status: ConnectionStatus): void;
  setDraft(chatId: string, text: string): void;
  setReplyingTo(chatId: string, quote: Quote | null): void;
  setOutbox(items: readonly OutboxItem[]): void;
  setTyping(chatId: string, userId: string, isTyping: boolean): void;
  setPresence(presence: PresencePayload): void;
}

export const useInboxStore = create<InboxState>()(
  persist(
    (set, get) => ({
      connection: 'connecting',
      reconnectedAt: null,
      drafts: {},
      replyingTo: {},
      outbox: [],
      typing: {},
      presence: {},
      setConnection: (status) => {
        const previous = get().connection;
        const cameBack = status === 'connected' && (previous === 'reconnecting' || previous === 'offline');
        set({
          connection: status,
          reconnectedAt: cameBack ? Date.now() : status === 'connected' ? get().reconnectedAt : null,
        });
      },
      setDraft: (chatId, text) =>
        set((s) => {
          const drafts = { ...s.drafts };
          if (text) drafts[chatId] = text;
          else delete drafts[chatId];
          return { drafts };
        }),
      setReplyingTo: (chatId, quote) =>
        set((s) => {
          const replyingTo = { ...s.replyingTo };
          if (quote) replyingTo[chatId] = quote;
          else delete replyingTo[chatId];
          return { replyingTo };
        }),
      setOutbox: (outbox) => set({ outbox }),
      setTyping: (chatId, userId, isTyping) =>
        set((s) => {
          const chat = { ...s.typing[chatId] };
          if (isTyping) chat[userId] = Date.now() + TYPING_TTL_MS;
          else delete chat[userId];
          return { typing: { ...s.typing, [chatId]: chat } };
        }),
      setPresence: (presence) => set((s) => ({ presence: { ...s.presence, [presence.userId]: presence } })),
    }),
    {
      name: 'stayeasy:inbox',
      storage: createJSONStorage(() => localStorage),
      // Only drafts outlive the page; the rest is live state.
      partialize: (s) => ({ drafts: s.drafts, replyingTo: s.replyingTo }),
    },
  ),
);
