-- Email for unread messages (lib/notifications/unread-emails.ts).
-- - users.email_notifications: what a user gets by email for messages left unread: 'on' (who,
--   the property and the messages), 'hide_text' (only that there is a new message: messages may
--   hold door codes) or 'off'.
-- - unread_email_state: per recipient and chat, the burst of unread messages waiting for an
--   email (pending_since: the first message of it) and when the last email went (last_sent_at).
--   The statement that inserts messages starts a burst (a statement trigger, like the unread
--   counters); messages arriving while one is pending join it: no write for them. The realtime
--   nodes claim due rows with FOR UPDATE SKIP LOCKED, so each burst is mailed by one node once.
CREATE TYPE "email_notifications" AS ENUM ('on', 'hide_text', 'off');
ALTER TABLE "users" ADD COLUMN "email_notifications" "email_notifications" NOT NULL DEFAULT 'on';

CREATE TABLE "unread_email_state" (
    "user_id" TEXT NOT NULL,
    "chat_id" TEXT NOT NULL,
    "pending_since" TIMESTAMPTZ(3),
    "last_sent_at" TIMESTAMPTZ(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3),
    "last_error" TEXT,

    CONSTRAINT "unread_email_state_pkey" PRIMARY KEY ("user_id", "chat_id")
);

ALTER TABLE "unread_email_state" ADD CONSTRAINT "unread_email_state_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "unread_email_state" ADD CONSTRAINT "unread_email_state_chat_id_fkey" FOREIGN KEY ("chat_id") REFERENCES "chats"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The due scan reads only bursts waiting.
CREATE INDEX "idx_unread_email_pending" ON "unread_email_state"("pending_since") WHERE "pending_since" IS NOT NULL;

-- A burst starts with the first message to a recipient in a chat that has none pending. The
-- conflict's WHERE makes a message that joins a pending burst change nothing.
CREATE FUNCTION "messages_start_unread_email"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "unread_email_state" AS s ("user_id", "chat_id", "pending_since")
  SELECT "recipient_id", "chat_id", min("created_at") FROM "new_rows" GROUP BY 1, 2
  ON CONFLICT ("user_id", "chat_id") DO UPDATE SET "pending_since" = excluded."pending_since"
  WHERE s."pending_since" IS NULL;
  RETURN NULL;
END $$;

CREATE TRIGGER "messages_unread_email_on_insert" AFTER INSERT ON "messages"
  REFERENCING NEW TABLE AS "new_rows" FOR EACH STATEMENT EXECUTE FUNCTION "messages_start_unread_email"();
