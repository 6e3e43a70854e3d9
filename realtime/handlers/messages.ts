// send_message: store (grouped with concurrent sends into one statement by lib/chat's send queue)
// → answer → emit. Budget and parsing are the registrar's (onClientEvent).
// The answer is the ack when the client asked for one, else the seed's message_sent /
// message_error (never both: that would be a second packet per message for the same news). It
// goes out only after the commit, so "acked" means "stored".
// Delivery to the other member and the sender's other tabs is not done here: the message's
// event commits with it and every node delivers it (chat-events.ts), so it arrives even if this
// node dies right after the commit. A retry with the same clientMessageId is answered from the
// stored row (duplicate: true) and publishes nothing: the recipient sees the message once.
import { onClientEvent, type HandlerDeps, type RealtimeSocket } from '../context';

export function createMessageHandlers(deps: HandlerDeps) {
  const { metrics } = deps;
  return (socket: RealtimeSocket, hooks: { sent(chatId: string): void }) => {
    onClientEvent(
      deps,
      socket,
      'send_message',
      (input) =>
        deps.inFlight.run(async () => {
          const sent = await deps.sends.send({ senderId: socket.data.userId, input, origin: socket.id });
          return { message: sent.message, duplicate: sent.duplicate };
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
        const { message, duplicate } = response.data;
        if (!acked)
          socket.emit('message_sent', {
            messageId: message.id,
            chatId: message.chatId,
            timestamp: message.createdAt,
            clientMessageId: message.clientMessageId,
          });
        if (duplicate) metrics.messagesDuplicate.inc();
        else hooks.sent(message.chatId);
      },
    );
  };
}
