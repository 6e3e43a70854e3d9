-- Block and report (issue 16, part 2).
-- A block is two columns of the chat row, not a table of its own: every send locks its chat row
-- (lib/chat/send-messages.ts, FOR NO KEY UPDATE) and PostgreSQL re-reads a locked row at its
-- newest version, so a send that waited for a block's commit sees the block and is refused. A
-- separate table would be read at the send statement's snapshot, before the block.
-- Adding columns with no default rewrites nothing; the code still running ignores them.
ALTER TABLE "chats" ADD COLUMN "blocked_by_guest_at" TIMESTAMPTZ(3),
                    ADD COLUMN "blocked_by_owner_at" TIMESTAMPTZ(3);

-- The moderators' role. PostgreSQL 12+ accepts ADD VALUE inside the migration's transaction as
-- long as the value is not used in it (nothing here does).
ALTER TYPE "role" ADD VALUE 'ADMIN';

CREATE TYPE "report_reason" AS ENUM ('spam', 'harassment', 'scam', 'inappropriate', 'other');
CREATE TYPE "report_status" AS ENUM ('open', 'resolved');

-- A report keeps a copy of what was reported as it was at that moment (content, sender, time):
-- a later edit, unsend or archive of the message changes nothing here, so message_id is only a
-- reference and names no foreign key (the message may move to archived_messages).
CREATE TABLE "message_reports" (
    "id" TEXT NOT NULL,
    "reporter_id" TEXT NOT NULL,
    "chat_id" TEXT,
    "message_id" TEXT,
    "reported_user_id" TEXT NOT NULL,
    "reason" "report_reason" NOT NULL,
    "note" TEXT,
    "content_snapshot" TEXT,
    "message_sent_at" TIMESTAMPTZ(3),
    "status" "report_status" NOT NULL DEFAULT 'open',
    "resolved_by_id" TEXT,
    "resolved_at" TIMESTAMPTZ(3),
    "resolution_note" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "message_reports_pkey" PRIMARY KEY ("id")
);

-- The admin page: open reports, oldest first.
CREATE INDEX "message_reports_status_created_at_idx" ON "message_reports"("status", "created_at");
CREATE INDEX "message_reports_chat_id_idx" ON "message_reports"("chat_id");

ALTER TABLE "message_reports" ADD CONSTRAINT "message_reports_reporter_id_fkey" FOREIGN KEY ("reporter_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "message_reports" ADD CONSTRAINT "message_reports_reported_user_id_fkey" FOREIGN KEY ("reported_user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "message_reports" ADD CONSTRAINT "message_reports_chat_id_fkey" FOREIGN KEY ("chat_id") REFERENCES "chats"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "message_reports" ADD CONSTRAINT "message_reports_resolved_by_id_fkey" FOREIGN KEY ("resolved_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
