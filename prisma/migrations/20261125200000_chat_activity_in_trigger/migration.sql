-- A send updates its chat once, and in place.
-- 1. The messages trigger also keeps chats.last_message_at (and updated_at, on arrival), so a send
--    statement no longer updates its chats itself: one UPDATE per chat, not two.
-- 2. The inbox-order indexes lose last_message_at, so that update changes no indexed column and
--    PostgreSQL can make it a HOT update (no new index entries); fillfactor leaves room on each
--    page for those new row versions. A user's chats are found by guest_id (the prefix of the
--    unique (guest_id, property_id)) or owner_id, and sorted in memory: a user has hundreds of
--    chats at most, and the list reads them all anyway.

-- DropIndex
DROP INDEX "chats_guest_id_last_message_at_idx";
DROP INDEX "chats_owner_id_last_message_at_idx";

-- CreateIndex
CREATE INDEX "chats_owner_id_idx" ON "chats"("owner_id");

ALTER TABLE "chats" SET (fillfactor = 80);

-- Replaces the function of 20261125193000_unread_counters: `delta` now also carries `newest`,
-- the newest created_at among arriving messages (null when none arrive).
DROP FUNCTION "chats_add_unread"(JSONB);
CREATE FUNCTION "chats_apply_message_changes"("delta" JSONB) RETURNS VOID LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM "chats" WHERE "id" IN (SELECT x."id" FROM jsonb_to_recordset("delta") AS x("id" TEXT))
    ORDER BY "id" FOR NO KEY UPDATE;
  UPDATE "chats" c SET
    "guest_unread_count" = c."guest_unread_count" + COALESCE(x."to_guest", 0),
    "owner_unread_count" = c."owner_unread_count" + COALESCE(x."to_owner", 0),
    -- GREATEST skips NULLs; a slower concurrent send never moves a chat back in time.
    "last_message_at" = GREATEST(c."last_message_at", x."newest"),
    "updated_at" = CASE WHEN x."newest" IS NULL THEN c."updated_at" ELSE now() END
  FROM jsonb_to_recordset("delta") AS x("id" TEXT, "to_guest" INTEGER, "to_owner" INTEGER, "newest" TIMESTAMPTZ)
  WHERE c."id" = x."id";
END $$;

CREATE OR REPLACE FUNCTION "messages_count_unread"() RETURNS TRIGGER LANGUAGE plpgsql AS $$
DECLARE
  "delta" JSONB;
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT jsonb_agg(t) INTO "delta" FROM (
      SELECT ch."id",
        count(*) FILTER (WHERE n."read_at" IS NULL AND n."recipient_id" = ch."guest_id")::int AS "to_guest",
        count(*) FILTER (WHERE n."read_at" IS NULL AND n."recipient_id" = ch."owner_id")::int AS "to_owner",
        max(n."created_at") AS "newest"
      FROM "new_rows" n JOIN "chats" ch ON ch."id" = n."chat_id"
      GROUP BY ch."id"
    ) t;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT jsonb_agg(t) INTO "delta" FROM (
      SELECT ch."id",
        -count(*) FILTER (WHERE o."recipient_id" = ch."guest_id")::int AS "to_guest",
        -count(*) FILTER (WHERE o."recipient_id" = ch."owner_id")::int AS "to_owner"
      FROM "old_rows" o JOIN "chats" ch ON ch."id" = o."chat_id"
      WHERE o."read_at" IS NULL GROUP BY ch."id"
    ) t;
  ELSE
    SELECT jsonb_agg(t) INTO "delta" FROM (
      SELECT ch."id",
        sum(u."d") FILTER (WHERE u."recipient_id" = ch."guest_id")::int AS "to_guest",
        sum(u."d") FILTER (WHERE u."recipient_id" = ch."owner_id")::int AS "to_owner"
      FROM (
        SELECT "chat_id", "recipient_id", 1 AS "d" FROM "new_rows" WHERE "read_at" IS NULL
        UNION ALL
        SELECT "chat_id", "recipient_id", -1 FROM "old_rows" WHERE "read_at" IS NULL
      ) u JOIN "chats" ch ON ch."id" = u."chat_id"
      GROUP BY ch."id" HAVING sum(u."d") <> 0
    ) t;
  END IF;
  IF "delta" IS NOT NULL THEN
    PERFORM "chats_apply_message_changes"("delta");
  END IF;
  RETURN NULL;
END $$;
