-- Unread counters on each chat, one per member, kept by the database itself.
-- Why counters: a send tells the recipient their unread counts (message_notification). Counting
-- them from idx_messages_unread costs one index entry per unread message, on every send, so a
-- recipient who has not read for a while makes every message to them slower. A counter costs
-- the same whatever the backlog.
-- Why triggers: every path that adds, reads, archives or deletes messages (sends, read
-- receipts, the archive job, cascades, bulk loads) keeps the counters right without knowing of
-- them. They are statement-level, so a group of messages or a mark-read of 500 ids updates each
-- chat once; chats are locked in id order so concurrent statements never deadlock.

-- AlterTable
ALTER TABLE "chats" ADD COLUMN "guest_unread_count" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN "owner_unread_count" INTEGER NOT NULL DEFAULT 0;

UPDATE "chats" c SET
  "guest_unread_count" = (SELECT count(*) FROM "messages" m WHERE m."chat_id" = c."id" AND m."recipient_id" = c."guest_id" AND m."read_at" IS NULL),
  "owner_unread_count" = (SELECT count(*) FROM "messages" m WHERE m."chat_id" = c."id" AND m."recipient_id" = c."owner_id" AND m."read_at" IS NULL);

-- Moves the counters by `delta`: per chat, how many more (or fewer) unread messages each side
-- has. Locks the chats in id order first, so concurrent statements never deadlock.
CREATE FUNCTION "chats_add_unread"("delta" JSONB) RETURNS VOID LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM "chats" WHERE "id" IN (SELECT x."id" FROM jsonb_to_recordset("delta") AS x("id" TEXT))
    ORDER BY "id" FOR NO KEY UPDATE;
  UPDATE "chats" c SET
    "guest_unread_count" = c."guest_unread_count" + COALESCE(x."to_guest", 0),
    "owner_unread_count" = c."owner_unread_count" + COALESCE(x."to_owner", 0)
  FROM jsonb_to_recordset("delta") AS x("id" TEXT, "to_guest" INTEGER, "to_owner" INTEGER)
  WHERE c."id" = x."id";
END $$;

-- One function for the three triggers: `d` is +1 for a row that arrives unread, -1 for one that
-- leaves unread (read, deleted, or archived, which deletes).
CREATE FUNCTION "messages_count_unread"() RETURNS TRIGGER LANGUAGE plpgsql AS $$
DECLARE
  "delta" JSONB;
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT jsonb_agg(t) INTO "delta" FROM (
      SELECT ch."id",
        count(*) FILTER (WHERE n."recipient_id" = ch."guest_id")::int AS "to_guest",
        count(*) FILTER (WHERE n."recipient_id" = ch."owner_id")::int AS "to_owner"
      FROM "new_rows" n JOIN "chats" ch ON ch."id" = n."chat_id"
      WHERE n."read_at" IS NULL GROUP BY ch."id"
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
    PERFORM "chats_add_unread"("delta");
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "messages_unread_on_insert" AFTER INSERT ON "messages"
  REFERENCING NEW TABLE AS "new_rows" FOR EACH STATEMENT EXECUTE FUNCTION "messages_count_unread"();
CREATE TRIGGER "messages_unread_on_update" AFTER UPDATE ON "messages"
  REFERENCING OLD TABLE AS "old_rows" NEW TABLE AS "new_rows" FOR EACH STATEMENT EXECUTE FUNCTION "messages_count_unread"();
CREATE TRIGGER "messages_unread_on_delete" AFTER DELETE ON "messages"
  REFERENCING OLD TABLE AS "old_rows" FOR EACH STATEMENT EXECUTE FUNCTION "messages_count_unread"();
