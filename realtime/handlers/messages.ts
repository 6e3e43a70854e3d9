// send_message: rate limit (runEvent) → validate → store (grouped with concurrent sends into one
// statement by lib/chat's send queue) → answer → emit.
// The answer is the ack when the client asked for one, else the seed's message_sent /
// message_error (never both: that would be a second packet per message for the same news). It
// goes out only after the commit, so "acked" means "stored".
// A retry with the same clientMessageId is answered from the stored row (duplicate: true) and
// not broadcast again: the first attempt already was, and the recipient must see it once.
import { sendMessageSchema, type SentMessage } from '../../lib/chat';
import { parseInput } from '../../lib/validation';
import { eventArgs, runEvent, type HandlerDeps, type RealtimeSocket } from '../context';
import { deliverNewMessage } from '../deliveries';
import type { SendMessageResult } from '../events';

export function createMessageHandlers(deps: HandlerDeps) {
  const { metrics } = deps;
  return (socket: RealtimeSocket, hooks: { sent(chatId: string): void }) => {
    socket.on('send_message', async (...args: unknown[]) => {
      const { payload, ack } = eventArgs(args);
      metrics.messagesReceived.inc();
      const outcome: { sent?: SentMessage } = {};

      const response = await runEvent<SendMessageResult>(deps, socket, 'send_message', ack, () =>
        deps.inFlight.run(async () => {
          const input = parseInput(sendMessageSchema, payload, 'message');
          const sent = await deps.sends.send({ senderId: socket.data.userId, input });
          outcome.sent = sent;
          return { message: sent.message, duplicate: sent.duplicate };
        }),
      );

      if (!response.ok) {
        metrics.messagesFailed.inc({ code: response.error.code });
        if (ack) return;
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
      const sent = outcome.sent!;
      const { message } = sent;
      if (!ack)
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
    });
  };
}
