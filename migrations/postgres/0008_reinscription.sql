-- The réinscription on behalf of a family (issue 10): what a dossier
-- records of its validation and corrections, the host's proof of address,
-- and the acknowledgement numbers' counter.

-- A hosted family provides the host's proof of address too.
ALTER TABLE documents DROP CONSTRAINT documents_doc_type_check;
ALTER TABLE documents ADD CONSTRAINT documents_doc_type_check
    CHECK (doc_type IN ('justificatif_domicile', 'attestation_hebergement', 'piece_identite_hebergeant',
                        'justificatif_domicile_hebergeant', 'attestation_caf', 'avis_imposition'));

-- The dossier: the version of its acknowledgement (1 at validation, 2 after
-- a correction…), why it was last reopened, when it was validated, and the
-- id of the « Valider » request that validated it (a retry after a lost
-- answer finds it and writes nothing).
ALTER TABLE reinscriptions
    ADD COLUMN acknowledgement_version INTEGER NOT NULL DEFAULT 0
        CHECK (acknowledgement_version >= 0),
    ADD COLUMN correction_reason TEXT CHECK (char_length(correction_reason) <= 500),
    ADD COLUMN validated_at TIMESTAMPTZ,
    ADD COLUMN validation_request UUID UNIQUE;
UPDATE reinscriptions SET acknowledgement_version = 1, validated_at = accepted_at
 WHERE acknowledgement_number IS NOT NULL;

-- A course chosen for next year: at which level, and whether staff changed
-- the level Portée proposed.
ALTER TABLE reinscription_courses
    ADD COLUMN level TEXT CHECK (char_length(level) <= 40),
    ADD COLUMN level_changed BOOLEAN NOT NULL DEFAULT FALSE;

-- Acknowledgement numbers AR-AAAA-NNNNNN: one counter per year, which
-- starts from the highest number already given that year (the demo's, a
-- migrated network's). Holds no family data: no row-level security; only
-- portee_next_acknowledgement writes it.
CREATE TABLE acknowledgement_counters (
    year        INTEGER PRIMARY KEY CHECK (year BETWEEN 2000 AND 9999),
    last_number INTEGER NOT NULL CHECK (last_number BETWEEN 0 AND 999999)
);

-- The next number of a year, in the caller's transaction (the counter's
-- row stays locked until it ends: take it last). SECURITY DEFINER: the
-- highest number given so far is read across every site.
CREATE FUNCTION portee_next_acknowledgement(p_year INTEGER) RETURNS INTEGER
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    n INTEGER;
BEGIN
    INSERT INTO acknowledgement_counters AS c (year, last_number)
    VALUES (p_year, COALESCE((SELECT max(substr(acknowledgement_number, 9)::INTEGER)
                                FROM reinscriptions
                               WHERE acknowledgement_number LIKE 'AR-' || p_year || '-%'), 0) + 1)
    ON CONFLICT (year) DO UPDATE SET last_number = c.last_number + 1
    RETURNING last_number INTO n;
    RETURN n;
END
$$;

CALL portee_take_ownership();
GRANT EXECUTE ON FUNCTION portee_next_acknowledgement(INTEGER) TO portee_staff;
