-- A member's own view of a chat: starred, archived. Per user: the other member never sees them.
-- Archived means "archived at": a chat whose newest message is later than that is back in the
-- inbox by itself (lib/chat/chat-preferences.ts isArchived), so a send never writes here.
CREATE TABLE "chat_preferences" (
    "chat_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "starred" BOOLEAN NOT NULL DEFAULT false,
    "archived_at" TIMESTAMPTZ(3),

    CONSTRAINT "chat_preferences_pkey" PRIMARY KEY ("chat_id", "user_id")
);

CREATE INDEX "chat_preferences_user_id_idx" ON "chat_preferences"("user_id");

ALTER TABLE "chat_preferences" ADD CONSTRAINT "chat_preferences_chat_id_fkey" FOREIGN KEY ("chat_id") REFERENCES "chats"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "chat_preferences" ADD CONSTRAINT "chat_preferences_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
