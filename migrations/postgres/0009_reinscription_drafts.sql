-- The draft of a family's réinscription (issue 10): what staff entered,
-- step by step, saved each time a step is left, so that the work survives a
-- closed window and continues on another workstation. One draft per family
-- and campaign; versioned (two workstations on one family: the second save
-- is told who saved before); deleted by the validation that uses it.
CREATE TABLE reinscription_drafts (
    family_id           BIGINT      NOT NULL REFERENCES families (id) ON DELETE CASCADE,
    campaign_id         BIGINT      NOT NULL REFERENCES campaigns (id),
    -- The screens' state (portee_api::reinscription::FamilyDraft as JSON),
    -- checked and bounded by the app before it is written.
    payload             TEXT        NOT NULL CHECK (octet_length(payload) <= 65536),
    step                TEXT        NOT NULL CHECK (char_length(step) <= 40),
    version             INTEGER     NOT NULL DEFAULT 1 CHECK (version >= 1),
    updated_by_staff_id BIGINT      REFERENCES staff (id),
    updated_at          TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (family_id, campaign_id)
);

-- A family's draft is seen and changed by the members who cover one of the
-- sites of its students (as the family itself), administrators all.
ALTER TABLE reinscription_drafts ENABLE ROW LEVEL SECURITY;
CREATE POLICY reinscription_drafts_sites ON reinscription_drafts TO portee_staff
    USING ((SELECT array_agg(s.site_id) FROM students s WHERE s.family_id = reinscription_drafts.family_id)
           && (SELECT portee_visible_sites())::SMALLINT[]);
GRANT SELECT, INSERT, UPDATE, DELETE ON reinscription_drafts TO portee_staff;

-- Every write, whoever the client, leaves its row entry in the audit log.
CREATE TRIGGER reinscription_drafts_audit AFTER INSERT OR UPDATE OR DELETE ON reinscription_drafts
    FOR EACH ROW EXECUTE FUNCTION portee_audit_row();

CALL portee_take_ownership();
