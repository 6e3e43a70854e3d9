// join_chat / leave_chat: only a member may join a chat's room (lib/chat decides; a chat the user
// is not in is NOT_FOUND, like one that does not exist). The join ack carries the other member's
// presence so a freshly opened chat can show it at once.
import { joinChatSchema } from '../../lib/chat';
import { parseInput } from '../../lib/validation';
import { eventArgs, runEvent, type HandlerDeps, type RealtimeSocket } from '../context';
import { chatRoom } from '../events';
import { membershipOf } from '../membership';

// The seed's client may send the bare chat id instead of { chatId }.
const asChatPayload = (payload: unknown) => (typeof payload === 'string' ? { chatId: payload } : payload);

export function createRoomHandlers(deps: HandlerDeps) {
  return (socket: RealtimeSocket, hooks: { left(chatId: string): void }) => {
    socket.on('join_chat', async (...args: unknown[]) => {
      const { payload, ack } = eventArgs(args);
      await runEvent(deps, socket, 'join_chat', ack, async () => {
        const { chatId } = parseInput(joinChatSchema, asChatPayload(payload), 'join_chat payload');
        const chat = await membershipOf(deps.db, socket, chatId);
        await socket.join(chatRoom(chat.id));
        return { chatId: chat.id, presence: await deps.presence.snapshot(chat.otherUserId) };
      });
    });

    socket.on('leave_chat', async (...args: unknown[]) => {
      const { payload, ack } = eventArgs(args);
      await runEvent(deps, socket, 'leave_chat', ack, async () => {
        const { chatId } = parseInput(joinChatSchema, asChatPayload(payload), 'leave_chat payload');
        await socket.leave(chatRoom(chatId));
        hooks.left(chatId);
        return { chatId };
      });
    });
  };
}
