-- migrations/postgres/0010_acknowledgement_sequences.sql draws PostgreSQL's
-- acknowledgement numbers from a sequence per year. SQLite has one writer
-- at a time: its counter table (0008) stays; nothing changes here.
SELECT 1;
