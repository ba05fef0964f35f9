-- The family and student an audit entry concerns, so that a record's
-- « Historique des modifications » is one indexed read, whatever the entity
-- changed (the family, a guardian, a student, a dossier, a document).
-- Mirrors migrations/sqlite/0003_audit_subjects.sql.

ALTER TABLE audit_log ADD COLUMN family_id BIGINT;
ALTER TABLE audit_log ADD COLUMN student_id BIGINT;
CREATE INDEX audit_log_family ON audit_log (family_id, id) WHERE family_id IS NOT NULL;
CREATE INDEX audit_log_student ON audit_log (student_id, id) WHERE student_id IS NOT NULL;
CREATE INDEX audit_log_staff ON audit_log (staff_id, id);
