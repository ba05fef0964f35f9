-- The columns of migrations/postgres/0007_security.sql, so that both
-- databases keep the same tables and columns. Roles, row-level security
-- and audit triggers are PostgreSQL's: on SQLite (one workstation, one
-- file readable by its user only) the app's Argon2id accounts and its own
-- audit entries stay as they are.

ALTER TABLE search_tokens ADD COLUMN site_id SMALLINT REFERENCES sites (id);
UPDATE search_tokens SET site_id = (SELECT s.site_id FROM students s WHERE s.id = search_tokens.student_id);
CREATE INDEX search_tokens_site ON search_tokens (site_id, token, student_id, weight);
DROP INDEX search_tokens_student;
CREATE INDEX search_tokens_student ON search_tokens (student_id, token, weight);

ALTER TABLE audit_log ADD COLUMN origin TEXT NOT NULL DEFAULT 'app' CHECK (origin IN ('app', 'row'));
ALTER TABLE audit_log ADD COLUMN xact_id BIGINT;
ALTER TABLE audit_log ADD COLUMN context TEXT;
