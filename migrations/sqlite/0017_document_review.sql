-- See migrations/postgres/0017_document_review.sql: who has a document
-- open for review, the reviewer's notes, the facts read off the document
-- (quotient familial, revenu fiscal de référence, parts) that outlive it,
-- and the purge by retention (`purged_at`: the content is gone, the facts
-- stay). SQLite cannot change a CHECK: the table is rebuilt (nothing
-- references it), its rows and indexes kept.

CREATE TABLE documents_new (
    id                   INTEGER PRIMARY KEY,
    family_id            BIGINT      NOT NULL REFERENCES families (id) ON DELETE CASCADE,
    campaign_id          BIGINT      NOT NULL REFERENCES campaigns (id),
    doc_type             TEXT        NOT NULL CHECK (doc_type IN ('justificatif_domicile', 'attestation_hebergement',
                                         'piece_identite_hebergeant', 'justificatif_domicile_hebergeant',
                                         'attestation_caf', 'avis_imposition')),
    status               TEXT        NOT NULL CHECK (status IN ('missing', 'received', 'accepted', 'rejected')),
    rejection_reason     TEXT,
    file_name            TEXT,
    content              BLOB,
    sha256               TEXT,
    size_bytes           BIGINT,
    page_count           INTEGER,
    document_date        TEXT,
    uploaded_by_kind     TEXT        CHECK (uploaded_by_kind IN ('family', 'staff')),
    uploaded_by_staff_id BIGINT      REFERENCES staff (id),
    uploaded_at          TEXT,
    reviewed_by_staff_id BIGINT      REFERENCES staff (id),
    reviewed_at          TEXT,
    version              INTEGER     NOT NULL DEFAULT 1,
    reviewing_staff_id   BIGINT      REFERENCES staff (id),
    reviewing_since      TEXT,
    rejection_note       TEXT        CHECK (length(rejection_note) <= 2000),
    review_note          TEXT        CHECK (length(review_note) <= 2000),
    quotient_familial    INTEGER     CHECK (quotient_familial BETWEEN 0 AND 100000),
    revenu_fiscal        INTEGER     CHECK (revenu_fiscal BETWEEN 0 AND 100000000),
    tax_parts            REAL        CHECK (tax_parts BETWEEN 1 AND 20),
    purged_at            TEXT,
    CHECK (status <> 'rejected' OR rejection_reason IS NOT NULL),
    CHECK (status = 'missing' OR content IS NOT NULL OR purged_at IS NOT NULL),
    CHECK (purged_at IS NULL OR (content IS NULL AND status IN ('accepted', 'rejected'))),
    CHECK ((reviewing_staff_id IS NULL) = (reviewing_since IS NULL))
);
INSERT INTO documents_new (id, family_id, campaign_id, doc_type, status, rejection_reason, file_name,
                           content, sha256, size_bytes, page_count, document_date, uploaded_by_kind,
                           uploaded_by_staff_id, uploaded_at, reviewed_by_staff_id, reviewed_at, version)
SELECT id, family_id, campaign_id, doc_type, status, rejection_reason, file_name,
       content, sha256, size_bytes, page_count, document_date, uploaded_by_kind,
       uploaded_by_staff_id, uploaded_at, reviewed_by_staff_id, reviewed_at, version
  FROM documents;
DROP TABLE documents;
ALTER TABLE documents_new RENAME TO documents;
CREATE INDEX documents_family ON documents (family_id, campaign_id);
CREATE INDEX documents_campaign_status ON documents (campaign_id, status);
CREATE INDEX documents_queue ON documents (status, uploaded_at);
