// typing: relayed to the other member's tabs only. Throttled per socket and chat (a keystroke
// stream becomes at most one relay per `throttleMs`), and it expires by itself: `ttlMs` after the
// last isTyping:true the server relays isTyping:false, so a closed laptop does not "type" forever.
// Sending a message, leaving the chat or disconnecting stops it too. A member the other blocked is
// refused (BLOCKED), and the blocker's typing is not relayed to them.
import { blockedError, blockStateOf } from '../../lib/chat/blocks';
import { onClientEvent, type HandlerDeps, type RealtimeSocket } from '../context';
import { membershipOf } from '../membership';
import { userRoom } from '../rooms';

interface TypingState {
  otherUserId: string;
  lastRelayAt: number;
  expiry: NodeJS.Timeout;
}

export function createTypingHandlers(deps: HandlerDeps) {
  const { io, typing } = deps;
  return (socket: RealtimeSocket) => {
    const active = new Map<string, TypingState>();

    const relay = (chatId: string, otherUserId: string, isTyping: boolean) =>
      io.to(userRoom(otherUserId)).emit('typing', { chatId, userId: socket.data.userId, isTyping });

    const stop = (chatId: string): boolean => {
      const state = active.get(chatId);
      if (!state) return false;
      clearTimeout(state.expiry);
      active.delete(chatId);
      relay(chatId, state.otherUserId, false);
      return true;
    };

    onClientEvent(deps, socket, 'typing', async ({ chatId, isTyping }) => {
      const chat = await membershipOf(deps.db, socket, chatId);
      if (!isTyping) return { relayed: stop(chat.id) };
      // Read each time (one primary-key probe; typing has its own small budget): a block made on
      // another node or over REST takes effect at the next keystroke.
      const { blockedUserIds } = await blockStateOf(deps.db, chat.id);
      if (blockedUserIds.includes(socket.data.userId)) {
        stop(chat.id);
        throw blockedError();
      }
      // The blocker's typing is hidden from the one they blocked.
      if (blockedUserIds.includes(chat.otherUserId)) return { relayed: stop(chat.id) };

      const state = active.get(chat.id);
      const now = Date.now();
      if (state) clearTimeout(state.expiry);
      const expiry = setTimeout(() => stop(chat.id), typing.ttlMs);
      expiry.unref();
      if (state && now - state.lastRelayAt < typing.throttleMs) {
        active.set(chat.id, { ...state, expiry });
        return { relayed: false };
      }
      active.set(chat.id, { otherUserId: chat.otherUserId, lastRelayAt: now, expiry });
      relay(chat.id, chat.otherUserId, true);
      return { relayed: true };
    });

    return {
      stop,
      stopAll: () => {
        for (const chatId of [...active.keys()]) stop(chatId);
      },
      /** Forgets without telling anyone (the server is shutting down). */
      cancelAll: () => {
        for (const state of active.values()) clearTimeout(state.expiry);
        active.clear();
      },
    };
  };
}
