-- A slot can be closed (issue 12): it keeps its pupils but gives no new
-- seat (not offered by the réinscription, no seat given from its waiting
-- list). Responsables and administrators change it like the rest of the
-- slot (table privilege of 0007).
ALTER TABLE slots ADD COLUMN open BOOLEAN NOT NULL DEFAULT TRUE;

CALL portee_take_ownership();
