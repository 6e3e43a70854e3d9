// mark_read: validate → lib/chat markMessagesRead (which refuses messages not sent to the reader
// in this chat) → ack with the receipt and the reader's new unread counts → messages_read to the
// other member and the chat's open views, and (with the counts) to the reader's other tabs.
import { markMessagesRead, markReadSchema } from '../../lib/chat';
import { parseInput } from '../../lib/validation';
import { eventArgs, runEvent, type HandlerDeps, type RealtimeSocket } from '../context';
import { deliverReadReceipt } from '../deliveries';

export function createReceiptHandlers(deps: HandlerDeps) {
  return (socket: RealtimeSocket) => {
    socket.on('mark_read', async (...args: unknown[]) => {
      const { payload, ack } = eventArgs(args);
      const response = await runEvent(deps, socket, 'mark_read', ack, () =>
        deps.inFlight.run(async () => {
          const input = parseInput(markReadSchema, payload, 'mark_read payload');
          return deps.writes.run(() => markMessagesRead(deps.db, socket.data.userId, input));
        }),
      );
      if (response.ok) deliverReadReceipt(socket.broadcast, response.data);
    });
  };
}
