-- Scheduled messages (lib/chat/scheduled-messages.ts): a message a member wrote to be sent at a
-- later time, private to its sender until then. Every realtime node polls the due ones
-- (send_at <= now, pending: the partial index) and claims them with FOR UPDATE SKIP LOCKED; the
-- send itself uses client_message_id 'scheduled-<id>', so the messages unique index
-- (sender_id, client_message_id) stores it once whatever happens between the send and the mark.
-- chat_id is SET NULL when the chat goes: the row stays, and the next attempt marks it failed
-- (CHAT_GONE) for its sender to see. sent_message_id names no foreign key: a message may move to
-- archived_messages.
CREATE TYPE "scheduled_message_status" AS ENUM ('pending', 'sent', 'failed');

CREATE TABLE "scheduled_messages" (
    "id" TEXT NOT NULL,
    "chat_id" TEXT,
    "sender_id" TEXT NOT NULL,
    "content" TEXT NOT NULL,
    "reply_to_id" TEXT,
    "send_at" TIMESTAMPTZ(3) NOT NULL,
    "status" "scheduled_message_status" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "failure_code" TEXT,
    "sent_message_id" TEXT,
    "sent_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "scheduled_messages_pkey" PRIMARY KEY ("id")
);

-- The sender's view of a chat.
CREATE INDEX "scheduled_messages_sender_id_chat_id_idx" ON "scheduled_messages"("sender_id", "chat_id");
-- What the chat's deletion sets to NULL.
CREATE INDEX "scheduled_messages_chat_id_idx" ON "scheduled_messages"("chat_id");
-- The due scan: only pending rows, so sent ones never slow it down.
CREATE INDEX "idx_scheduled_messages_due" ON "scheduled_messages"("send_at") WHERE "status" = 'pending';

ALTER TABLE "scheduled_messages" ADD CONSTRAINT "scheduled_messages_chat_id_fkey" FOREIGN KEY ("chat_id") REFERENCES "chats"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "scheduled_messages" ADD CONSTRAINT "scheduled_messages_sender_id_fkey" FOREIGN KEY ("sender_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
