-- The draft of a family's réinscription (issue 10): see the PostgreSQL
-- migration of the same number.
CREATE TABLE reinscription_drafts (
    family_id           BIGINT  NOT NULL REFERENCES families (id) ON DELETE CASCADE,
    campaign_id         BIGINT  NOT NULL REFERENCES campaigns (id),
    payload             TEXT    NOT NULL CHECK (length(CAST(payload AS BLOB)) <= 65536),
    step                TEXT    NOT NULL CHECK (length(step) <= 40),
    version             INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    updated_by_staff_id BIGINT  REFERENCES staff (id),
    updated_at          TEXT    NOT NULL,
    PRIMARY KEY (family_id, campaign_id)
);
