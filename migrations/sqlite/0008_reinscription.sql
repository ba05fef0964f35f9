-- The columns and tables of migrations/postgres/0008_reinscription.sql.

-- A hosted family provides the host's proof of address too: SQLite cannot
-- change a CHECK, the table is rebuilt (nothing references it).
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
    CHECK (status <> 'rejected' OR rejection_reason IS NOT NULL),
    CHECK (status = 'missing' OR content IS NOT NULL)
);
INSERT INTO documents_new SELECT * FROM documents;
DROP TABLE documents;
ALTER TABLE documents_new RENAME TO documents;
CREATE INDEX documents_family ON documents (family_id, campaign_id);
CREATE INDEX documents_campaign_status ON documents (campaign_id, status);

ALTER TABLE reinscriptions ADD COLUMN acknowledgement_version INTEGER NOT NULL DEFAULT 0
    CHECK (acknowledgement_version >= 0);
ALTER TABLE reinscriptions ADD COLUMN correction_reason TEXT CHECK (length(correction_reason) <= 500);
ALTER TABLE reinscriptions ADD COLUMN validated_at TEXT;
ALTER TABLE reinscriptions ADD COLUMN validation_request BLOB;
CREATE UNIQUE INDEX reinscriptions_validation_request ON reinscriptions (validation_request);
UPDATE reinscriptions SET acknowledgement_version = 1, validated_at = accepted_at
 WHERE acknowledgement_number IS NOT NULL;

ALTER TABLE reinscription_courses ADD COLUMN level TEXT CHECK (length(level) <= 40);
ALTER TABLE reinscription_courses ADD COLUMN level_changed BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE acknowledgement_counters (
    year        INTEGER PRIMARY KEY CHECK (year BETWEEN 2000 AND 9999),
    last_number INTEGER NOT NULL CHECK (last_number BETWEEN 0 AND 999999)
);
