-- Search over a user's own messages, live and archived (lib/chat/search.ts).
-- - search_key(text): what a search compares, the text in lower case without accents
--   ("Château" → "chateau", "Straße" → "strasse"), in any script (no language's stemming: a
--   search finds the letters typed). IMMUTABLE so indexes can hold it; the dictionary is named
--   with its schema so the function means the same whatever the caller's search_path.
-- - One GIN index per table on (the two members, search_key(content) trigrams): a search is
--   `ARRAY[sender_id, recipient_id] @> ARRAY[user] AND search_key(content) LIKE '%…%'`, and GIN
--   intersects the user's entries with the fragment's trigrams inside the index, so a fragment
--   common elsewhere but rare in the user's chats reads only the user's matches (measured: a
--   trigram index on the text alone read every match of every user, ~100 ms on 1M messages).
--   Any part of a word of 3 letters or more has a trigram: "kay" finds "kayaks", a word inside a
--   URL or a door code is found.
-- - The index is written by the statement that writes the message (INSERT, an edit's UPDATE, an
--   unsend's emptied text, the archive job's copy), so a message is findable once acknowledged.
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;
CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA public;

CREATE FUNCTION public.search_key(text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$;

CREATE INDEX "idx_messages_search" ON "messages"
    USING gin ((ARRAY["sender_id", "recipient_id"]), public.search_key("content") public.gin_trgm_ops);
CREATE INDEX "idx_archived_messages_search" ON "archived_messages"
    USING gin ((ARRAY["sender_id", "recipient_id"]), public.search_key("content") public.gin_trgm_ops);
