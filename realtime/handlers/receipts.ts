// mark_read: membership (cached per socket) → lib/chat markMessagesRead (which refuses messages
// not sent to the reader in this chat) → ack with the receipt and the reader's new unread counts
// → messages_read to the other member and the reader's other tabs: on this node from here, on
// the others from the event that commits with the read (see handlers/messages.ts).
import { markMessagesRead } from '../../lib/chat';
import { onClientEvent, type HandlerDeps, type RealtimeSocket } from '../context';
import { deliverReadReceipt } from '../deliveries';
import { membershipOf } from '../membership';

export function createReceiptHandlers(deps: HandlerDeps) {
  return (socket: RealtimeSocket) => {
    const origin = { node: deps.nodeId, socket: socket.id };
    onClientEvent(
      deps,
      socket,
      'mark_read',
      (input) =>
        deps.inFlight.run(async () => {
          const chat = await membershipOf(deps.db, socket, input.chatId);
          return deps.writes.run(() =>
            markMessagesRead(deps.db, socket.data.userId, input, { chat, origin, announce: deps.announce }),
          );
        }),
      (response) => response.ok && deliverReadReceipt(deps.io.local.except(socket.id), response.data),
    );
  };
}
