-- Edit and unsend.
-- - messages (and archived_messages, which mirror them) gain edited_at, unsent_at and change_seq.
--   An unsent message keeps its row (its place in the history, its id for replies and receipts)
--   with its text emptied and its files deleted.
-- - The change cursor: chats.change_seq counts the changes made to a chat's existing messages;
--   each change takes the next value under the chat's row lock and stamps it on the message, so
--   within a chat the values commit in order. A client that was away asks for the messages whose
--   change_seq is above the last it saw (the partial indexes serve that; never-changed messages
--   are not in them).
-- - message_edits keeps every earlier version of an edited message (not shown to the other
--   party). Like files, it links to the live row or, once archived, to the archived copy
--   (lib/retention/message-tables.ts CHILD_TABLES moves the link).
-- - An unsent message no longer counts as unread: the counter triggers and chats_recount skip it.

ALTER TABLE "chats" ADD COLUMN "change_seq" BIGINT NOT NULL DEFAULT 0;

ALTER TABLE "messages" ADD COLUMN "edited_at" TIMESTAMPTZ(3),
ADD COLUMN "unsent_at" TIMESTAMPTZ(3),
ADD COLUMN "change_seq" BIGINT;

ALTER TABLE "archived_messages" ADD COLUMN "edited_at" TIMESTAMPTZ(3),
ADD COLUMN "unsent_at" TIMESTAMPTZ(3),
ADD COLUMN "change_seq" BIGINT;

CREATE INDEX "idx_messages_changes" ON "messages"("chat_id", "change_seq") WHERE "change_seq" IS NOT NULL;
CREATE INDEX "idx_archived_messages_changes" ON "archived_messages"("chat_id", "change_seq") WHERE "change_seq" IS NOT NULL;

CREATE TABLE "message_edits" (
    "id" TEXT NOT NULL,
    "message_id" TEXT,
    "archived_message_id" TEXT,
    "content" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "message_edits_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "message_edits_message_id_idx" ON "message_edits"("message_id");
CREATE INDEX "message_edits_archived_message_id_idx" ON "message_edits"("archived_message_id");

-- CASCADE: an earlier text goes with its message (a deleted chat or user), never outlives it.
-- The archive job moves the link to archived_message_id before it deletes the live row, so
-- archiving keeps them.
ALTER TABLE "message_edits" ADD CONSTRAINT "message_edits_message_id_fkey" FOREIGN KEY ("message_id") REFERENCES "messages"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "message_edits" ADD CONSTRAINT "message_edits_archived_message_id_fkey" FOREIGN KEY ("archived_message_id") REFERENCES "archived_messages"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The view gains the new columns (at the end, as CREATE OR REPLACE VIEW requires).
CREATE OR REPLACE VIEW "chat_messages" AS
    SELECT "id", "chat_id", "sender_id", "recipient_id", "property_id", "content", "client_message_id",
           "created_at", "read_at", false AS "archived", "edited_at", "unsent_at", "change_seq"
    FROM "messages"
    UNION ALL
    SELECT "id", "chat_id", "sender_id", "recipient_id", "property_id", "content", "client_message_id",
           "created_at", "read_at", true AS "archived", "edited_at", "unsent_at", "change_seq"
    FROM "archived_messages";

-- Unread now means: not read and not unsent.
CREATE OR REPLACE FUNCTION "chats_recount"("chat_ids" TEXT[] DEFAULT NULL) RETURNS VOID LANGUAGE sql AS $$
  UPDATE "chats" c SET
    "guest_unread_count" = s."to_guest",
    "owner_unread_count" = s."to_owner",
    "last_message_at" = GREATEST(c."last_message_at", s."newest")
  FROM "chats" ch CROSS JOIN LATERAL (
    SELECT count(*) FILTER (WHERE m."read_at" IS NULL AND m."unsent_at" IS NULL AND m."recipient_id" = ch."guest_id")::int AS "to_guest",
           count(*) FILTER (WHERE m."read_at" IS NULL AND m."unsent_at" IS NULL AND m."recipient_id" = ch."owner_id")::int AS "to_owner",
           max(m."created_at") AS "newest"
    FROM "messages" m WHERE m."chat_id" = ch."id"
  ) s
  WHERE c."id" = ch."id" AND ("chat_ids" IS NULL OR ch."id" = ANY("chat_ids"));
$$;

CREATE OR REPLACE FUNCTION "messages_count_unread"() RETURNS TRIGGER LANGUAGE plpgsql AS $$
DECLARE
  "delta" JSONB;
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT jsonb_agg(t) INTO "delta" FROM (
      SELECT "chat_id", "recipient_id", count(*) FILTER (WHERE "read_at" IS NULL AND "unsent_at" IS NULL)::int AS "d",
             max("created_at") AS "newest"
      FROM "new_rows" GROUP BY "chat_id", "recipient_id"
    ) t;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT jsonb_agg(t) INTO "delta" FROM (
      SELECT "chat_id", "recipient_id", -count(*)::int AS "d"
      FROM "old_rows" WHERE "read_at" IS NULL AND "unsent_at" IS NULL GROUP BY "chat_id", "recipient_id"
    ) t;
  ELSE
    SELECT jsonb_agg(t) INTO "delta" FROM (
      SELECT "chat_id", "recipient_id", sum("d")::int AS "d" FROM (
        SELECT "chat_id", "recipient_id", 1 AS "d" FROM "new_rows" WHERE "read_at" IS NULL AND "unsent_at" IS NULL
        UNION ALL
        SELECT "chat_id", "recipient_id", -1 FROM "old_rows" WHERE "read_at" IS NULL AND "unsent_at" IS NULL
      ) u GROUP BY "chat_id", "recipient_id" HAVING sum("d") <> 0
    ) t;
  END IF;
  IF "delta" IS NOT NULL THEN
    PERFORM "chats_apply_message_changes"("delta");
  END IF;
  RETURN NULL;
END $$;
