-- See migrations/postgres/0017_document_review.sql: who has a document
-- open for review, the reviewer's notes, and the facts read off the
-- document (quotient familial, revenu fiscal de référence, parts) that
-- outlive it.

ALTER TABLE documents ADD COLUMN reviewing_staff_id INTEGER REFERENCES staff (id);
ALTER TABLE documents ADD COLUMN reviewing_since TEXT
    CHECK ((reviewing_staff_id IS NULL) = (reviewing_since IS NULL));
ALTER TABLE documents ADD COLUMN rejection_note TEXT CHECK (length(rejection_note) <= 2000);
ALTER TABLE documents ADD COLUMN review_note TEXT CHECK (length(review_note) <= 2000);
ALTER TABLE documents ADD COLUMN quotient_familial INTEGER
    CHECK (quotient_familial BETWEEN 0 AND 100000);
ALTER TABLE documents ADD COLUMN revenu_fiscal INTEGER
    CHECK (revenu_fiscal BETWEEN 0 AND 100000000);
ALTER TABLE documents ADD COLUMN tax_parts REAL CHECK (tax_parts BETWEEN 1 AND 20);

CREATE INDEX documents_queue ON documents (status, uploaded_at);
