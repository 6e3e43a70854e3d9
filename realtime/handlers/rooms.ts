// join_chat / leave_chat: only a member may join a chat's room (lib/chat decides; a chat the user
// is not in is NOT_FOUND, like one that does not exist). The join ack carries the other member's
// presence so a freshly opened chat can show it at once (hidden when a block lies between them).
import { onClientEvent, type HandlerDeps, type RealtimeSocket } from '../context';
import { membershipOf } from '../membership';
import { chatRoom } from '../rooms';

export function createRoomHandlers(deps: HandlerDeps) {
  return (socket: RealtimeSocket, hooks: { left(chatId: string): void }) => {
    onClientEvent(deps, socket, 'join_chat', async ({ chatId }) => {
      const chat = await membershipOf(deps.db, socket, chatId);
      await socket.join(chatRoom(chat.id));
      return { chatId: chat.id, presence: await deps.presence.visibleTo(socket.data.userId, chat.otherUserId) };
    });

    onClientEvent(deps, socket, 'leave_chat', async ({ chatId }) => {
      await socket.leave(chatRoom(chatId));
      hooks.left(chatId);
      return { chatId };
    });
  };
}
