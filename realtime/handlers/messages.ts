// send_message: store (grouped with concurrent sends into one statement by lib/chat's send queue)
// → answer → emit. Budget and parsing are the registrar's (onClientEvent).
// The answer is the ack when the client asked for one, else the seed's message_sent /
// message_error (never both: that would be a second packet per message for the same news). It
// goes out only after the commit, so "acked" means "stored".
// Delivery: the message's event commits with it (lib/chat/events.ts); every other node delivers
// it to its sockets from LISTEN, so it arrives even if this node dies right after the commit,
// and this node delivers it to its own sockets here, from memory, once the ack is out (the same
// deliverNewMessage; the copy it hears back is skipped). A retry with the same clientMessageId is
// answered from the stored row (duplicate: true) and delivered nowhere: its first attempt was.
import type { SentMessage } from '../../lib/chat';
import { onClientEvent, type HandlerDeps, type RealtimeSocket } from '../context';
import { deliverNewMessage } from '../deliveries';

export function createMessageHandlers(deps: HandlerDeps) {
  const { metrics } = deps;
  return (socket: RealtimeSocket, hooks: { sent(chatId: string): void }) => {
    // The ack carries the message; its delivery also needs what the ack leaves out (recipient,
    // unread counts): kept here, keyed by the ack's data, until the ack is out.
    const stored = new WeakMap<object, SentMessage & { storedAt: number }>();
    const origin = { node: deps.nodeId, socket: socket.id };
    onClientEvent(
      deps,
      socket,
      'send_message',
      (input, { receivedAt }) =>
        deps.inFlight.run(async () => {
          metrics.sendStage.observe({ stage: 'admit' }, (performance.now() - receivedAt) / 1000);
          const sent = await deps.sends.send({ senderId: socket.data.userId, input, origin });
          const result = { message: sent.message, duplicate: sent.duplicate };
          stored.set(result, { ...sent, storedAt: performance.now() });
          return result;
        }),
      (response, { payload, acked }) => {
        metrics.messagesReceived.inc();
        if (!response.ok) {
          metrics.messagesFailed.inc({ code: response.error.code });
          if (acked) return;
          // Echoed even when the payload is invalid, so a seed-style client can tell which of its
          // sends failed.
          const raw = (payload ?? {}) as { clientMessageId?: unknown };
          const echoId = typeof raw.clientMessageId === 'string' ? raw.clientMessageId.slice(0, 64) : null;
          socket.emit('message_error', {
            error: response.error.message,
            code: response.error.code,
            clientMessageId: echoId,
            ...(response.error.retryAfterSeconds === undefined
              ? {}
              : { retryAfterSeconds: response.error.retryAfterSeconds }),
          });
          return;
        }
        const sent = stored.get(response.data)!;
        const { message } = sent;
        const ackedAt = performance.now();
        metrics.sendStage.observe({ stage: 'ack' }, (ackedAt - sent.storedAt) / 1000);
        if (!acked)
          socket.emit('message_sent', {
            messageId: message.id,
            chatId: message.chatId,
            timestamp: message.createdAt,
            clientMessageId: message.clientMessageId,
          });
        if (sent.duplicate) {
          metrics.messagesDuplicate.inc();
          return;
        }
        deliverNewMessage(deps.io.local.except(socket.id), sent);
        metrics.sendStage.observe({ stage: 'deliver' }, (performance.now() - ackedAt) / 1000);
        metrics.messagesDelivered.inc({ source: 'socket' });
        hooks.sent(message.chatId);
      },
    );
  };
}
