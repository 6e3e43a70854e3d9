-- Reactions: one row per (message, user, reaction kind). Like message_edits, a child of messages
-- that moves to the archived copy when the message is archived (CHILD_TABLES), where it stays
-- visible and read-only. A reaction is not a message: no trigger counts it, so it moves neither
-- unread counts nor the chat's order; it stamps its message's change_seq (the change cursor).
CREATE TABLE "message_reactions" (
    "id" TEXT NOT NULL,
    "message_id" TEXT,
    "archived_message_id" TEXT,
    "user_id" TEXT NOT NULL,
    "emoji" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "message_reactions_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "message_reactions_message_id_user_id_emoji_key" ON "message_reactions"("message_id", "user_id", "emoji");
CREATE INDEX "message_reactions_archived_message_id_idx" ON "message_reactions"("archived_message_id");
CREATE INDEX "message_reactions_user_id_idx" ON "message_reactions"("user_id");

ALTER TABLE "message_reactions" ADD CONSTRAINT "message_reactions_message_id_fkey" FOREIGN KEY ("message_id") REFERENCES "messages"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "message_reactions" ADD CONSTRAINT "message_reactions_archived_message_id_fkey" FOREIGN KEY ("archived_message_id") REFERENCES "archived_messages"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "message_reactions" ADD CONSTRAINT "message_reactions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
