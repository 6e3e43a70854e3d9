-- Delivery receipts: one "delivered up to" marker per chat and member (as Stream and Sendbird
-- keep them), never a row per message. A member's marker is the creation time of the newest
-- message sent to them that their client is known to have (it acknowledged the push, or got it
-- in a history page, a catch-up or the chat list); it only moves forward. The sender's ticks
-- read the other member's marker: a message of theirs created at or before it is delivered.
-- A table of its own, not columns of chats: the send statement locks chat rows, and recording a
-- delivery must never make a send wait (nor wait for one).
CREATE TABLE "delivery_markers" (
    "chat_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "delivered_until" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "delivery_markers_pkey" PRIMARY KEY ("chat_id", "user_id")
);

CREATE INDEX "delivery_markers_user_id_idx" ON "delivery_markers"("user_id");

ALTER TABLE "delivery_markers" ADD CONSTRAINT "delivery_markers_chat_id_fkey" FOREIGN KEY ("chat_id") REFERENCES "chats"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "delivery_markers" ADD CONSTRAINT "delivery_markers_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
