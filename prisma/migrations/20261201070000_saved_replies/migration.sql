-- Quick replies: a host's saved replies (a title and a text with placeholders), in the order the
-- host keeps them (position). Private to their owner.
CREATE TABLE "saved_replies" (
    "id" TEXT NOT NULL,
    "owner_id" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "saved_replies_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "saved_replies_owner_id_position_idx" ON "saved_replies"("owner_id", "position");

ALTER TABLE "saved_replies" ADD CONSTRAINT "saved_replies_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
