// edit_message / unsend_message / react: lib/chat decides everything (membership, own message,
// window, archived) → ack with the message as it is now → message_updated to every other tab of both
// members: on this node from here, on the others from the event that commits with the change
// (see handlers/messages.ts). A change that changed nothing (a retry) is delivered nowhere.
import { editMessage, setReaction, unsendMessage, type MessageChange } from '../../lib/chat';
import type { MessageChangeResult } from '../../lib/contract/chat-events';
import { onClientEvent, type HandlerDeps, type RealtimeSocket } from '../context';
import { deliverMessageChange } from '../deliveries';

export function createMessageChangeHandlers(deps: HandlerDeps) {
  return (socket: RealtimeSocket) => {
    // The ack leaves out the recipient's unread counts (not the sender's business): kept here
    // for the delivery until the ack is out.
    const changes = new WeakMap<object, MessageChange>();
    const origin = { node: deps.nodeId, socket: socket.id };
    const { announce } = deps;
    const run = (change: () => Promise<MessageChange>) =>
      deps.inFlight.run(async (): Promise<MessageChangeResult> => {
        const made = await deps.writes.run(change);
        const ack = { message: made.message, changed: made.changed };
        changes.set(ack, made);
        return ack;
      });
    const deliver = (response: { ok: true; data: MessageChangeResult } | { ok: false }) => {
      const made = response.ok ? changes.get(response.data) : undefined;
      if (made?.changed) deliverMessageChange(deps.io.local.except(socket.id), made);
    };
    const log = (error: unknown) => deps.logger.warn({ err: error }, 'could not delete an unsent attachment');

    onClientEvent(
      deps,
      socket,
      'edit_message',
      (input) => run(() => editMessage(deps.db, socket.data.userId, input, { origin, announce })),
      deliver,
    );
    onClientEvent(
      deps,
      socket,
      'unsend_message',
      (input) => run(() => unsendMessage(deps.db, deps.storage, socket.data.userId, input, { origin, announce, log })),
      deliver,
    );
    onClientEvent(
      deps,
      socket,
      'react',
      (input) => run(() => setReaction(deps.db, socket.data.userId, input, { origin, announce })),
      deliver,
    );
  };
}
