-- Chat activity kept by the database: each chat's unread counters (one per member) and its
-- last_message_at, moved by statement triggers on messages.
-- Why counters: a send tells the recipient their unread counts (message_notification). Counting
-- them from idx_messages_unread costs one index entry per unread message on every send, so a
-- recipient who has not read for a while makes every message to them slower; a counter costs the
-- same whatever the backlog.
-- Why triggers: every path that adds, reads, archives or deletes messages (sends, read receipts,
-- the archive job, cascades, bulk loads, TRUNCATE) keeps them right without knowing of them. They
-- are statement-level, so a group of messages or a mark-read of 500 ids updates each chat once;
-- chats are locked in id order so concurrent statements never deadlock.
-- Why the indexes change: no index holds last_message_at any more, so the trigger's UPDATE
-- changes no indexed column and PostgreSQL can make it a HOT update (no new index entries);
-- fillfactor leaves room on each page for those row versions. A user's chats are found by
-- guest_id (the prefix of the unique (guest_id, property_id)) or owner_id and sorted in memory:
-- a user has hundreds of chats at most, and the list reads them all anyway.

-- AlterTable
ALTER TABLE "chats" ADD COLUMN "guest_unread_count" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN "owner_unread_count" INTEGER NOT NULL DEFAULT 0;

ALTER TABLE "chats" SET (fillfactor = 80);

-- DropIndex
DROP INDEX "chats_guest_id_last_message_at_idx";
DROP INDEX "chats_owner_id_last_message_at_idx";

-- CreateIndex
CREATE INDEX "chats_owner_id_idx" ON "chats"("owner_id");

-- Recomputes the counters and last_message_at of these chats (all chats when NULL) from their
-- live messages: the back-fill below, and a repair for anything written with the triggers off.
-- last_message_at only moves forward: it also counts archived messages, which this does not read.
CREATE FUNCTION "chats_recount"("chat_ids" TEXT[] DEFAULT NULL) RETURNS VOID LANGUAGE sql AS $$
  UPDATE "chats" c SET
    "guest_unread_count" = s."to_guest",
    "owner_unread_count" = s."to_owner",
    "last_message_at" = GREATEST(c."last_message_at", s."newest")
  FROM "chats" ch CROSS JOIN LATERAL (
    SELECT count(*) FILTER (WHERE m."read_at" IS NULL AND m."recipient_id" = ch."guest_id")::int AS "to_guest",
           count(*) FILTER (WHERE m."read_at" IS NULL AND m."recipient_id" = ch."owner_id")::int AS "to_owner",
           max(m."created_at") AS "newest"
    FROM "messages" m WHERE m."chat_id" = ch."id"
  ) s
  WHERE c."id" = ch."id" AND ("chat_ids" IS NULL OR ch."id" = ANY("chat_ids"));
$$;

SELECT "chats_recount"();

-- Applies `delta`, rows of (chat_id, recipient_id, d, newest): d more (or fewer) unread messages
-- for that member of that chat, and the newest created_at among arriving messages (null when none
-- arrive). Locks the chats in id order first, so concurrent statements never deadlock.
CREATE FUNCTION "chats_apply_message_changes"("delta" JSONB) RETURNS VOID LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM "chats" WHERE "id" IN (SELECT x."chat_id" FROM jsonb_to_recordset("delta") AS x("chat_id" TEXT))
    ORDER BY "id" FOR NO KEY UPDATE;
  UPDATE "chats" c SET
    "guest_unread_count" = c."guest_unread_count" + s."to_guest",
    "owner_unread_count" = c."owner_unread_count" + s."to_owner",
    -- GREATEST skips NULLs; a slower concurrent send never moves a chat back in time.
    "last_message_at" = GREATEST(c."last_message_at", s."newest"),
    "updated_at" = CASE WHEN s."newest" IS NULL THEN c."updated_at" ELSE now() END
  FROM (
    SELECT ch."id",
      COALESCE(sum(x."d") FILTER (WHERE x."recipient_id" = ch."guest_id"), 0)::int AS "to_guest",
      COALESCE(sum(x."d") FILTER (WHERE x."recipient_id" = ch."owner_id"), 0)::int AS "to_owner",
      max(x."newest") AS "newest"
    FROM jsonb_to_recordset("delta") AS x("chat_id" TEXT, "recipient_id" TEXT, "d" INTEGER, "newest" TIMESTAMPTZ)
    JOIN "chats" ch ON ch."id" = x."chat_id"
    GROUP BY ch."id"
  ) s
  WHERE c."id" = s."id";
END $$;

-- One function for the DML triggers; each branch sums its transition tables per (chat, member),
-- so a bulk load of a million rows is a handful of delta rows. d is +1 for a row that arrives
-- unread, -1 for one that leaves unread (read, deleted, or archived, which deletes). An UPDATE
-- may move both members of a chat at once (one read, the other unread): only a member whose
-- count does not move is left out.
CREATE FUNCTION "messages_count_unread"() RETURNS TRIGGER LANGUAGE plpgsql AS $$
DECLARE
  "delta" JSONB;
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT jsonb_agg(t) INTO "delta" FROM (
      SELECT "chat_id", "recipient_id", count(*) FILTER (WHERE "read_at" IS NULL)::int AS "d", max("created_at") AS "newest"
      FROM "new_rows" GROUP BY "chat_id", "recipient_id"
    ) t;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT jsonb_agg(t) INTO "delta" FROM (
      SELECT "chat_id", "recipient_id", -count(*)::int AS "d"
      FROM "old_rows" WHERE "read_at" IS NULL GROUP BY "chat_id", "recipient_id"
    ) t;
  ELSE
    SELECT jsonb_agg(t) INTO "delta" FROM (
      SELECT "chat_id", "recipient_id", sum("d")::int AS "d" FROM (
        SELECT "chat_id", "recipient_id", 1 AS "d" FROM "new_rows" WHERE "read_at" IS NULL
        UNION ALL
        SELECT "chat_id", "recipient_id", -1 FROM "old_rows" WHERE "read_at" IS NULL
      ) u GROUP BY "chat_id", "recipient_id" HAVING sum("d") <> 0
    ) t;
  END IF;
  IF "delta" IS NOT NULL THEN
    PERFORM "chats_apply_message_changes"("delta");
  END IF;
  RETURN NULL;
END $$;

-- TRUNCATE fires no DELETE trigger: it empties every chat's live history at once.
CREATE FUNCTION "messages_truncated"() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "chats" SET "guest_unread_count" = 0, "owner_unread_count" = 0
  WHERE "guest_unread_count" <> 0 OR "owner_unread_count" <> 0;
  RETURN NULL;
END $$;

CREATE TRIGGER "messages_unread_on_insert" AFTER INSERT ON "messages"
  REFERENCING NEW TABLE AS "new_rows" FOR EACH STATEMENT EXECUTE FUNCTION "messages_count_unread"();
CREATE TRIGGER "messages_unread_on_update" AFTER UPDATE ON "messages"
  REFERENCING OLD TABLE AS "old_rows" NEW TABLE AS "new_rows" FOR EACH STATEMENT EXECUTE FUNCTION "messages_count_unread"();
CREATE TRIGGER "messages_unread_on_delete" AFTER DELETE ON "messages"
  REFERENCING OLD TABLE AS "old_rows" FOR EACH STATEMENT EXECUTE FUNCTION "messages_count_unread"();
CREATE TRIGGER "messages_unread_on_truncate" AFTER TRUNCATE ON "messages"
  FOR EACH STATEMENT EXECUTE FUNCTION "messages_truncated"();
