// mark_read: membership (cached per socket) → lib/chat markMessagesRead (which refuses messages
// not sent to the reader in this chat) → ack with the receipt and the reader's new unread counts
// → messages_read to the other member and the reader's other tabs: on this node from here, on
// the others from the event that commits with the read (see handlers/messages.ts).
// mark_delivered: noted for the node's next batch of delivery receipts (delivery-batcher.ts, where
// the claim is checked), acked at once; messages_delivered reaches the sender after the write.
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
    onClientEvent(deps, socket, 'mark_delivered', async ({ claims }) => {
      for (const { chatId, messageId } of claims)
        deps.deliveries.note({ chatId, userId: socket.data.userId, messageId });
      return { queued: true as const };
    });
  };
}
