-- Attachments named by URL (the seed client's `{ url, type }`): a send stores a files row that
-- names its source instead of bytes, in the message's transaction, so the message and its files
-- commit together. The bytes are fetched on the first read (GET /api/attachments/:id), through
-- the guarded fetcher and the uploads' type and size checks, and served from the app's origin
-- only; the row then gets its storage_key like any upload.
-- - storage_key may be NULL: a remote file not fetched yet (or whose fetch failed).
-- - source_url: the URL it came from; kept after the fetch (the wire shape's sourceUrl).
-- - fetch_failed_at: the last failed fetch, so a URL that failed is not fetched again on every
--   read (the server waits REMOTE_FETCH_RETRY_MINUTES before trying again).
-- - A row names its bytes or where to get them: never neither.
ALTER TABLE "files" ALTER COLUMN "storage_key" DROP NOT NULL;
ALTER TABLE "files" ADD COLUMN "source_url" TEXT,
ADD COLUMN "fetch_failed_at" TIMESTAMPTZ(3);
ALTER TABLE "files" ADD CONSTRAINT "files_storage_key_or_source_url"
    CHECK ("storage_key" IS NOT NULL OR "source_url" IS NOT NULL);
