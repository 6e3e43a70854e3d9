-- Quoted replies: a message may name an earlier message of the same chat it answers
-- (reply_to_id). No foreign key: the original may live in messages or, once archived, in
-- archived_messages (the archive job copies the column as it is), and a reply must outlive an
-- original that is gone; the sending statement checks that the original is of the same chat.
ALTER TABLE "messages" ADD COLUMN "reply_to_id" TEXT;
ALTER TABLE "archived_messages" ADD COLUMN "reply_to_id" TEXT;

-- The view gains the column (at the end, as CREATE OR REPLACE VIEW requires).
CREATE OR REPLACE VIEW "chat_messages" AS
    SELECT "id", "chat_id", "sender_id", "recipient_id", "property_id", "content", "client_message_id",
           "created_at", "read_at", false AS "archived", "edited_at", "unsent_at", "change_seq", "reply_to_id"
    FROM "messages"
    UNION ALL
    SELECT "id", "chat_id", "sender_id", "recipient_id", "property_id", "content", "client_message_id",
           "created_at", "read_at", true AS "archived", "edited_at", "unsent_at", "change_seq", "reply_to_id"
    FROM "archived_messages";
