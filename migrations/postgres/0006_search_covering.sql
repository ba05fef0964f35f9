-- Search aggregates the weights of every token in a prefix range. With the
-- weight carried in the primary key's index, that aggregate is an
-- index-only scan: no heap page is read per token. Same key as before.
-- Mirrors migrations/sqlite/0006_search_covering.sql.

ALTER TABLE search_tokens
    DROP CONSTRAINT search_tokens_pkey,
    ADD CONSTRAINT search_tokens_pkey PRIMARY KEY (token, student_id) INCLUDE (weight);
