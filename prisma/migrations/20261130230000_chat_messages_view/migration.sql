-- One read path over live and archived messages: "chat_messages" is both tables as one, with
-- "archived" telling them apart. Prisma's schema language cannot declare this view (views are a
-- preview feature it would also try to migrate), so lib/chat/message-store.ts reads it with raw
-- SQL, and lib/db/schema-shape.ts lists it as SQL-only.
--
-- A plain UNION ALL of two simple SELECTs, so the planner flattens it into an append of both
-- tables: a filter on chat_id with ORDER BY created_at, id and a LIMIT becomes a Merge Append
-- of the two (chat_id, created_at, id) index scans, never a sort of the chat.
--
-- PostgreSQL fixes a view's columns when it is created: a migration that adds a column to
-- messages must CREATE OR REPLACE this view too (lib/retention/message-tables.test.ts fails
-- until it does).
CREATE VIEW "chat_messages" AS
    SELECT "id", "chat_id", "sender_id", "recipient_id", "property_id", "content", "client_message_id",
           "created_at", "read_at", false AS "archived"
    FROM "messages"
    UNION ALL
    SELECT "id", "chat_id", "sender_id", "recipient_id", "property_id", "content", "client_message_id",
           "created_at", "read_at", true AS "archived"
    FROM "archived_messages";
