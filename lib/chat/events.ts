// Chat events the web app publishes for the realtime server, which alone holds the sockets.
// PostgreSQL NOTIFY needs no extra service, and it is transactional: sent inside the
// transaction that stores the change, it is delivered on commit and never for a rollback.
// Every realtime node LISTENs and emits to its own sockets only, so each socket gets an event
// once however many nodes run. Payloads stay under NOTIFY's 8000-byte limit: ids only; long
// id lists are split over several notifications.
import { z } from 'zod';
import type { Prisma } from '../db';

export const CHAT_EVENTS_CHANNEL = 'stayeasy_chat_events';
const IDS_PER_NOTIFICATION = 200;

export const chatEventSchema = z.discriminatedUnion('type', [
  // Sign-out (or sign out everywhere): sockets opened with these sessions must close now, not
  // at their next reconnect. `sessionIds: null` means every session of the user.
  z.object({ type: z.literal('sessions_revoked'), userId: z.string(), sessionIds: z.array(z.string()).nullable() }),
  z.object({ type: z.literal('message_created'), messageId: z.string(), chatId: z.string() }),
  z.object({
    type: z.literal('messages_read'),
    chatId: z.string(),
    readerId: z.string(),
    messageIds: z.array(z.string()),
    readAt: z.string(),
  }),
]);
export type ChatEvent = z.infer<typeof chatEventSchema>;

type Tx = Pick<Prisma.TransactionClient, '$executeRaw'>;

export async function publishChatEvent(tx: Tx, event: ChatEvent): Promise<void> {
  const parts: ChatEvent[] =
    event.type === 'messages_read' && event.messageIds.length > IDS_PER_NOTIFICATION
      ? chunk(event.messageIds, IDS_PER_NOTIFICATION).map((messageIds) => ({ ...event, messageIds }))
      : [event];
  for (const part of parts) {
    await tx.$executeRaw`SELECT pg_notify(${CHAT_EVENTS_CHANNEL}, ${JSON.stringify(part)})`;
  }
}

export function parseChatEvent(payload: string): ChatEvent | null {
  try {
    const result = chatEventSchema.safeParse(JSON.parse(payload));
    return result.success ? result.data : null;
  } catch {
    return null;
  }
}

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
