// The transport ceiling's server (bench/scenarios/send.ts): the same socket.io version, websocket
// transport and wire shapes as the realtime server, and nothing behind them, so the bench's
// clients show what the transport alone sustains on this machine. Run as its own process:
// `node --import tsx bench/transport-server.ts` with REALTIME_PORT and JWT_SECRET.
//
// What it does:
//   - handshake: verifies the realtime token (HS256 signature, issuer, audience, expiry: what
//     ours does before its session lookup); no session row is read;
//   - on connect: joins the user's room; join_chat joins the chat's room and acks
//     `{ ok: true, data: { chatId } }`, remembering who joined which chat (its only state);
//   - send_message: acks `{ ok: true, data: { message, duplicate: false } }` at once, then emits
//     `new_message` to the chat's room and `message_notification` to the other member's room,
//     minus the sender's socket: the two packets per recipient that ours sends, with a message
//     of the same shape (ids, names, ISO dates, empty files and reactions);
//   - the same connectionStateRecovery setting as ours (every broadcast gets an offset and is
//     kept for recovery).
// What it does not do: no database (no membership check, no insert, no commit, no unread
// counts, no NOTIFY), no input validation, no rate limit, no presence, no metrics, no Redis.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { verifyRealtimeToken } from '../lib/auth/realtime-token';

const port = Number(process.env.REALTIME_PORT);
const members = new Map<string, Set<string>>();

const httpServer = createServer((req, res) => {
  if (req.url === '/health') return res.writeHead(200).end('ok');
  res.writeHead(404).end();
});
const io = new Server(httpServer, {
  serveClient: false,
  connectionStateRecovery: { maxDisconnectionDuration: 2 * 60_000, skipMiddlewares: false },
});

io.use((socket, next) => {
  verifyRealtimeToken(String(socket.handshake.auth.token)).then(
    (claims) => {
      socket.data.userId = claims.userId;
      next();
    },
    () => next(new Error('Invalid token')),
  );
});

type Ack = (response: unknown) => void;

io.on('connection', (socket) => {
  const userId: string = socket.data.userId;
  void socket.join(`user:${userId}`);
  socket.on('join_chat', (input: { chatId: string }, ack: Ack) => {
    const set = members.get(input.chatId) ?? new Set<string>();
    members.set(input.chatId, set.add(userId));
    void socket.join(`chat:${input.chatId}`);
    ack({ ok: true, data: { chatId: input.chatId } });
  });
  socket.on('send_message', (input: { chatId: string; content: string; clientMessageId?: string }, ack: Ack) => {
    const recipientId = [...(members.get(input.chatId) ?? [])].find((id) => id !== userId) ?? null;
    const now = new Date().toISOString();
    const message = {
      id: `t${randomBytes(12).toString('hex')}`,
      chatId: input.chatId,
      senderId: userId,
      recipientId,
      propertyId: 'transport-property',
      content: input.content,
      clientMessageId: input.clientMessageId ?? null,
      createdAt: now,
      readAt: null,
      editedAt: null,
      unsentAt: null,
      sender: { id: userId, name: 'Guest', role: 'GUEST' },
      recipient: { id: recipientId, name: 'Owner', role: 'OWNER' },
      property: { id: 'transport-property', name: 'Villa' },
      files: [],
      reactions: [],
      replyTo: null,
    };
    ack({ ok: true, data: { message, duplicate: false } });
    socket.to(`chat:${input.chatId}`).emit('new_message', message);
    if (recipientId)
      socket.to(`user:${recipientId}`).emit('message_notification', {
        chatId: input.chatId,
        message,
        unreadCount: 1,
        chatUnreadCount: 1,
      });
  });
});

httpServer.listen(port, '127.0.0.1');
process.on('SIGTERM', () => {
  io.close();
  process.exit(0);
});
