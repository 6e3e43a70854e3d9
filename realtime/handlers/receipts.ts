// mark_read: validate → membership (cached per socket) → lib/chat markMessagesRead (which refuses
// messages not sent to the reader in this chat) → ack with the receipt and the reader's new
// unread counts → messages_read to the other member.
import { markMessagesRead, markReadSchema } from '../../lib/chat';
import { parseInput } from '../../lib/validation';
import { eventArgs, runEvent, type HandlerDeps, type RealtimeSocket } from '../context';
import { deliverReadReceipt } from '../deliveries';
import { membershipOf } from '../membership';

export function createReceiptHandlers(deps: HandlerDeps) {
  return (socket: RealtimeSocket) => {
    socket.on('mark_read', async (...args: unknown[]) => {
      const { payload, ack } = eventArgs(args);
      const response = await runEvent(deps, socket, 'mark_read', ack, () =>
        deps.inFlight.run(async () => {
          const input = parseInput(markReadSchema, payload, 'mark_read payload');
          const chat = await membershipOf(deps.db, socket, input.chatId);
          return deps.writes.run(() => markMessagesRead(deps.db, socket.data.userId, input, { chat }));
        }),
      );
      if (response.ok) deliverReadReceipt(socket.broadcast, response.data);
    });
  };
}
