// send_message: store (grouped with concurrent sends into one statement by lib/chat's send queue)
// → answer → emit. Budget and parsing are the registrar's (onClientEvent).
// The answer is the ack when the client asked for one, else the seed's message_sent /
// message_error (never both: that would be a second packet per message for the same news). It
// goes out only after the commit, so "acked" means "stored".
// A retry with the same clientMessageId is answered from the stored row (duplicate: true) and
// not broadcast again: the first attempt already was, and the recipient must see it once.
import type { SentMessage } from '../../lib/chat';
import { onClientEvent, type HandlerDeps, type RealtimeSocket } from '../context';
import { deliverNewMessage } from '../deliveries';

export function createMessageHandlers(deps: HandlerDeps) {
  const { metrics } = deps;
  return (socket: RealtimeSocket, hooks: { sent(chatId: string): void }) => {
    // The ack carries the message; its delivery also needs what the ack leaves out (recipient,
    // unread counts): kept here, keyed by the ack's data, until the ack is out.
    const stored = new WeakMap<object, SentMessage>();
    onClientEvent(
      deps,
      socket,
      'send_message',
      (input) =>
        deps.inFlight.run(async () => {
          const sent = await deps.sends.send({ senderId: socket.data.userId, input });
          const result = { message: sent.message, duplicate: sent.duplicate };
          stored.set(result, sent);
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
        metrics.messagesDelivered.inc({ source: 'socket' });
        deliverNewMessage(socket.broadcast, sent);
        hooks.sent(message.chatId);
      },
    );
  };
}
