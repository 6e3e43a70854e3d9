// Delivery receipts: each member's "delivered up to" marker per chat (delivery_markers), moved
// when their client is known to have messages: it acknowledged the live push (the realtime node
// batches those, realtime/delivery-batcher.ts), or a history page, a catch-up or the chat list
// handed them over (recorded by those reads). A claim names a message; it counts only for a
// message of that chat sent TO the claimant (checked in the statement: a client cannot move
// anyone else's marker, nor its own past what exists), and a marker only moves forward.
// A marker that moved is published (`messages_delivered`) in the same statement, for the other
// member's ticks, unless the caller delivers it itself (a realtime node running alone).
import { Prisma, type Db } from '../db';
import { CHAT_EVENTS_CHANNEL } from './events';

export interface DeliveryClaim {
  chatId: string;
  userId: string;
  messageId: string;
}

/** A marker that moved: `userId`'s client has the chat's messages up to `deliveredUntil`. */
export interface DeliveryReceipt {
  chatId: string;
  userId: string;
  /** The other member: the sender of those messages, who is told. */
  otherUserId: string;
  deliveredUntil: string;
}

/**
 * Moves the markers the claims justify, in one statement; returns those that moved. Several
 * claims for one chat and member count as their newest message.
 */
export async function recordDeliveries(
  db: Pick<Db, '$queryRaw'>,
  claims: readonly DeliveryClaim[],
  options: { announce?: boolean } = {},
): Promise<DeliveryReceipt[]> {
  if (claims.length === 0) return [];
  const announce = options.announce ?? true;
  const rows = await db.$queryRaw<Array<{ chat_id: string; user_id: string; other_user_id: string; until: Date }>>`
    WITH v AS (
      SELECT * FROM unnest(${claims.map((c) => c.chatId)}::text[], ${claims.map((c) => c.userId)}::text[],
                           ${claims.map((c) => c.messageId)}::text[]) AS v(chat_id, user_id, message_id)
    ),
    newest AS (
      SELECT v.chat_id, v.user_id, max(m.created_at) AS until
      FROM v JOIN chat_messages m ON m.id = v.message_id AND m.chat_id = v.chat_id AND m.recipient_id = v.user_id
      GROUP BY v.chat_id, v.user_id
      -- A claim the marker already covers writes nothing: ON CONFLICT would lock the marker's
      -- row even to leave it as it is, and that lock makes the statement a write whose commit
      -- waits for a WAL flush (a history page read again paid ~4 ms for it, measured). The
      -- conflict's own WHERE still decides for a marker that moved after this snapshot.
      HAVING NOT EXISTS (
        SELECT 1 FROM delivery_markers d
        WHERE d.chat_id = v.chat_id AND d.user_id = v.user_id AND d.delivered_until >= max(m.created_at)
      )
    ),
    moved AS (
      INSERT INTO delivery_markers (chat_id, user_id, delivered_until)
      -- In key order, so that concurrent batches lock markers in the same order (no deadlock).
      SELECT chat_id, user_id, until FROM newest ORDER BY chat_id, user_id
      ON CONFLICT (chat_id, user_id) DO UPDATE SET delivered_until = excluded.delivered_until
      WHERE delivery_markers.delivered_until < excluded.delivered_until
      RETURNING chat_id, user_id, delivered_until
    ),
    receipts AS MATERIALIZED (
      SELECT moved.chat_id, moved.user_id, moved.delivered_until AS until,
             CASE WHEN c.guest_id = moved.user_id THEN c.owner_id ELSE c.guest_id END AS other_user_id
      FROM moved JOIN chats c ON c.id = moved.chat_id
    )
    SELECT r.chat_id, r.user_id, r.other_user_id, r.until${
      announce
        ? Prisma.sql`, pg_notify(${CHAT_EVENTS_CHANNEL}, json_build_object('type', 'messages_delivered',
            'chatId', r.chat_id, 'userId', r.user_id, 'otherUserId', r.other_user_id,
            'deliveredUntil', to_char(r.until AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))::text) IS NULL AS notified`
        : Prisma.empty
    }
    FROM receipts r`;
  return rows.map((r) => ({
    chatId: r.chat_id,
    userId: r.user_id,
    otherUserId: r.other_user_id,
    deliveredUntil: r.until.toISOString(),
  }));
}

/**
 * Records that `userId` now has these messages of the chat (a page they were sent).
 * `deliveredUntil`: their marker as the caller read it, when it did; a page it already covers
 * needs no statement (markers only move forward).
 */
export async function recordDeliveredPage(
  db: Pick<Db, '$queryRaw'>,
  userId: string,
  chatId: string,
  messages: ReadonlyArray<{ id: string; recipientId: string; createdAt: string }>,
  deliveredUntil?: Date | null,
): Promise<DeliveryReceipt[]> {
  let newest: { id: string; createdAt: string } | undefined;
  for (const m of messages) if (m.recipientId === userId && (!newest || m.createdAt > newest.createdAt)) newest = m;
  if (!newest || (deliveredUntil && Date.parse(newest.createdAt) <= deliveredUntil.getTime())) return [];
  return recordDeliveries(db, [{ chatId, userId, messageId: newest.id }]);
}
