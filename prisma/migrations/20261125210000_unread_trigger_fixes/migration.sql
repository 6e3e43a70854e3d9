-- Two fixes to the unread counters' triggers (20261125193000_unread_counters,
-- 20261125200000_chat_activity_in_trigger):
-- 1. An UPDATE whose changes cancel out over the two members of a chat (one member's message
--    marked unread, the other's read, in one statement) was dropped by `HAVING sum(d) <> 0`,
--    which summed both members: now a chat is skipped only when neither member's count moves.
-- 2. TRUNCATE fires no DELETE trigger: a TRUNCATE trigger now zeroes the counters.

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
        COALESCE(sum(u."d") FILTER (WHERE u."recipient_id" = ch."guest_id"), 0)::int AS "to_guest",
        COALESCE(sum(u."d") FILTER (WHERE u."recipient_id" = ch."owner_id"), 0)::int AS "to_owner"
      FROM (
        SELECT "chat_id", "recipient_id", 1 AS "d" FROM "new_rows" WHERE "read_at" IS NULL
        UNION ALL
        SELECT "chat_id", "recipient_id", -1 FROM "old_rows" WHERE "read_at" IS NULL
      ) u JOIN "chats" ch ON ch."id" = u."chat_id"
      GROUP BY ch."id"
    ) t WHERE t."to_guest" <> 0 OR t."to_owner" <> 0;
  END IF;
  IF "delta" IS NOT NULL THEN
    PERFORM "chats_apply_message_changes"("delta");
  END IF;
  RETURN NULL;
END $$;

CREATE FUNCTION "messages_truncated"() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "chats" SET "guest_unread_count" = 0, "owner_unread_count" = 0
  WHERE "guest_unread_count" <> 0 OR "owner_unread_count" <> 0;
  RETURN NULL;
END $$;

CREATE TRIGGER "messages_unread_on_truncate" AFTER TRUNCATE ON "messages"
  FOR EACH STATEMENT EXECUTE FUNCTION "messages_truncated"();
