// The seed document's realtime send path, reimplemented faithfully over our schema so the
// benchmark can compare designs on the same machine, database and client load. Run as its own
// process: `node --import tsx bench/seed-design.ts` with DATABASE_URL, SEED_PORT, JWT_SECRET.
//
// What is the seed's (seeds/000_…txt, "Message Handling with Transactions"):
//   - handshake: verify the JWT, then `session.findUnique({ include: { user: true } })`;
//   - on connect: join `user_<id>`; join_chat joins `chat_<id>`;
//   - handleMessage: `chat.findUnique({ include: { user, owner } })` for membership, then
//     `$transaction(create message; createMany files if any; findUnique include files, sender,
//     recipient, property)`, then emit new_message to the chat room, then `getUnreadCount`
//     (a `COUNT(*)` of the recipient's unread messages) for message_notification, then
//     `message_sent` to the sender (no per-emit ack: the seed's client waits with
//     `socket.once('message_sent')`).
// Mapped onto our schema: the seed's chat.userId is our guestId; its File(url, type) rows are
// not written because the benchmark sends no attachments (same for ours).
import { createServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import { createDb } from '../lib/db/client';
import { verifyRealtimeToken } from '../lib/auth/realtime-token';

const url = process.env.DATABASE_URL!;
const port = Number(process.env.SEED_PORT ?? 3201);
const prisma = createDb(url, Number(process.env.DATABASE_POOL_SIZE ?? 10));

type Authed = Socket & { userId?: string; userRole?: string; sessionId?: string };

const httpServer = createServer((req, res) => {
  if (req.url === '/health') return res.writeHead(200).end('ok');
  res.writeHead(404).end();
});
const io = new Server(httpServer, { serveClient: false, cors: { origin: '*' } });

io.use(async (socket: Authed, next) => {
  try {
    const token = socket.handshake.auth.token;
    if (!token) return next(new Error('Authentication error'));
    // The seed's jwt.verify(token, JWT_SECRET) → decoded.sessionToken; ours carries the session id.
    const decoded = await verifyRealtimeToken(token);
    const session = await prisma.session.findUnique({ where: { id: decoded.sessionId }, include: { user: true } });
    if (!session || session.expiresAt < new Date()) return next(new Error('Session expired'));
    socket.userId = session.userId;
    socket.userRole = session.user.role;
    socket.sessionId = session.id;
    next();
  } catch {
    next(new Error('Authentication failed'));
  }
});

async function getUnreadCount(recipientId: string): Promise<number> {
  return prisma.message.count({ where: { recipientId, readAt: null } });
}

async function handleMessage(
  socket: Authed,
  data: { chatId: string; content: string; propertyId?: string; attachments?: Array<{ url: string; type: string }> },
) {
  const { chatId, content, propertyId } = data;
  const chat = await prisma.chat.findUnique({ where: { id: chatId }, include: { guest: true, owner: true } });
  if (!chat) throw new Error('Chat not found');
  if (chat.guestId !== socket.userId && chat.ownerId !== socket.userId) throw new Error('Unauthorized access to chat');
  const recipientId = chat.guestId === socket.userId ? chat.ownerId : chat.guestId;

  const result = await prisma.$transaction(async (tx) => {
    const message = await tx.message.create({
      data: { chatId, senderId: socket.userId!, recipientId, propertyId, content, createdAt: new Date() },
    });
    // (attachments: the seed's tx.file.createMany; the benchmark sends none)
    return tx.message.findUnique({
      where: { id: message.id },
      include: {
        files: true,
        sender: { select: { id: true, name: true, role: true } },
        recipient: { select: { id: true, name: true, role: true } },
        property: { select: { id: true, name: true } },
      },
    });
  });
  if (!result) throw new Error('Failed to save message');

  io.to(`chat_${chatId}`).emit('new_message', result);
  io.to(`user_${recipientId}`).emit('message_notification', {
    chatId,
    message: result,
    unreadCount: await getUnreadCount(recipientId),
  });
  socket.emit('message_sent', { messageId: result.id, chatId, timestamp: result.createdAt });
}

io.on('connection', (socket: Authed) => {
  void socket.join(`user_${socket.userId}`);
  socket.on('join_chat', async (chatId: string, ack?: (r: unknown) => void) => {
    const chat = await prisma.chat.findUnique({ where: { id: chatId } });
    if (chat && (chat.guestId === socket.userId || chat.ownerId === socket.userId)) await socket.join(`chat_${chatId}`);
    ack?.({ ok: Boolean(chat) });
  });
  socket.on('send_message', async (data) => {
    try {
      await handleMessage(socket, data);
    } catch (error) {
      socket.emit('message_error', { error: (error as Error).message });
    }
  });
});

httpServer.listen(port, '127.0.0.1');
const stop = () => {
  void io.close();
  void prisma.$disconnect().finally(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
